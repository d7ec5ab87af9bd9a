"""Writes chat-templates/golden.json: Hugging Face's rendering of the committed chat templates.

Run from the repository root with jinja2 3.1.x and transformers (any 4.4x+ / 5.x):
    python3 src/test/python/chat_template_golden.py
The renderer is transformers.utils.chat_template_utils.render_jinja_template, i.e. exactly what
tokenizer.apply_chat_template(tokenize=False) runs (ImmutableSandboxedEnvironment, trim_blocks,
lstrip_blocks, loopcontrols, HF's tojson, raise_exception, strftime_now; tools=None and
documents=None are passed, plus the tokenizer's special tokens). The test suite reads only the JSON.
"""
import json
import pathlib

import jinja2
import transformers
from transformers.utils.chat_template_utils import render_jinja_template

DIR = pathlib.Path("src/test/resources/io/trawl/model/llm/chat-templates")
MODELS = {
    # template file: special tokens as the model's tokenizer_config.json has them
    "zephyr.jinja": {"bos_token": "<s>", "eos_token": "</s>"},
    "mistral-v3.jinja": {"bos_token": "<s>", "eos_token": "</s>"},
    "llama-3.1.jinja": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "qwen2.5.jinja": {"eos_token": "<|im_end|>"},
}

HOSTILE = ("Passage {{ 7*7 }} and {{cite web |url=x}} {% if x %}y{% endif %} {% raw %}r{% endraw %}"
           " {# c #} {%- -%} }} %} {{ '\\n' }} \"q\" 'a' \\ back\\slash é 😀 <|im_end|> </s>")
SPACES = "\u00a0\u3000 \t\n\x1c\u2007\u202f\x85"  # Python str.strip() removes all of these
CONVERSATIONS = {
    "system-user": [
        {"role": "system", "content": "You are RankLLM, an intelligent assistant."},
        {"role": "user", "content": "I will provide you with 2 passages.\n[1] a\n[2] b\nSearch Query: q."},
    ],
    "user-only": [{"role": "user", "content": "Hello"}],
    "multi-turn": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "[1] first"},
        {"role": "assistant", "content": "  Received passage [1].  "},
        {"role": "user", "content": "Rank them."},
    ],
    "hostile-content": [
        {"role": "system", "content": SPACES + "sys {{ bos_token }}" + SPACES},
        {"role": "user", "content": SPACES + HOSTILE + "\n\n[１２]\u00a0full-width\u3000" + SPACES},
    ],
    "empty-content": [{"role": "user", "content": ""}],
    "not-alternating": [
        {"role": "user", "content": "a"},
        {"role": "user", "content": "b"},
    ],
}


TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "description": "Weather at a place, \"quoted\" <b> & é",
    "parameters": {"type": "object", "properties": {
        "location": {"type": "string", "description": "City"},
        "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["location"]},
    "return": {"type": "number", "description": "degrees"}}}]


def main():
    cases = []
    for template, special in MODELS.items():
        source = (DIR / template).read_text(encoding="utf-8")
        messages = CONVERSATIONS["system-user"]
        out, _ = render_jinja_template(conversations=[messages], tools=TOOLS, chat_template=source,
                                       add_generation_prompt=True, **special)
        cases.append({"template": template, "conversation": "system-user", "tools": True,
                      "add_generation_prompt": True, "expected": out[0]})
    for template, special in MODELS.items():
        source = (DIR / template).read_text(encoding="utf-8")
        for name, messages in CONVERSATIONS.items():
            for gen in (True, False):
                case = {"template": template, "conversation": name, "add_generation_prompt": gen}
                try:
                    out, _ = render_jinja_template(conversations=[messages], chat_template=source,
                                                   add_generation_prompt=gen, **special)
                    case["expected"] = out[0]
                except jinja2.exceptions.TemplateError as e:
                    case["error"] = str(e)
                cases.append(case)
    doc = {
        "generator": "src/test/python/chat_template_golden.py",
        "reference": {"jinja2": jinja2.__version__, "transformers": transformers.__version__},
        "special_tokens": MODELS,
        "tools": TOOLS,
        "conversations": CONVERSATIONS,
        "cases": cases,
    }
    (DIR / "golden.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")


if __name__ == "__main__":
    main()
