"""Writes chat-templates/features.json: small templates, one Jinja feature each, rendered by
Hugging Face's chat-template environment (see chat_template_golden.py). Run from the repository
root: python3 src/test/python/jinja_features_golden.py
"""
import json
import pathlib

import jinja2
import transformers
from transformers.utils.chat_template_utils import _compile_jinja_template

DIR = pathlib.Path("src/test/resources/io/trawl/model/llm/chat-templates")
WS = "\u00a0\u3000 \t\n\x1c\u2007\u202f\x85"
VARS = {
    "messages": [
        {"role": "system", "content": WS + "sys" + WS},
        {"role": "user", "content": "u1 {{ 7*7 }}"},
        {"role": "assistant", "content": " a1 "},
        {"role": "user", "content": "u2"},
    ],
    "tools": None,
    "documents": None,
    "bos_token": "<s>",
    "eos_token": "</s>",
    "add_generation_prompt": True,
    "d": {"b": 1, "a": [1, 2.5, True, None, "x<y>&'\"é😀\n"], "c": {"k": "v"}},
    "s": "  Hello World  ",
    "e": "",
}
FEATURES = {
    "slice": "{{ messages[1:] | length }}|{{ messages[-1].content }}|{{ 'abcdef'[1:-1] }}|{{ 'abcdef'[::-1] }}|{{ 'abcdef'[:-1] }}|{{ 'abcdef'[::2] }}|{{ messages[1:3][0]['role'] }}",
    "namespace": "{% set ns = namespace(n=0, found=false) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% if m.role == 'assistant' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.n }} {{ ns.found }}",
    "namespace-empty": "{% set ns = namespace() %}{% set ns.index = 0 %}{% for m in messages %}{% set ns.index = ns.index + 1 %}{% endfor %}{{ ns.index }}",
    "loop": "{% for m in messages %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}",
    "loop-filter": "{% for m in messages if m.role != 'system' %}{{ loop.index }}{{ m.role }}{{ loop.last }};{% endfor %}",
    "loop-else": "{% for m in [] %}x{% else %}empty{% endfor %}",
    "loop-controls": "{% for m in messages %}{% if loop.first %}{% continue %}{% endif %}{{ m.role }}{% if m.role == 'assistant' %}{% break %}{% endif %}{% endfor %}",
    "loop-cycle": "{% for m in messages %}{{ loop.cycle('a', 'b') }}{% if not loop.first %}{{ loop.previtem.role }}{% endif %}{% endfor %}",
    "trim-filter": "[{{ messages[0].content | trim }}]|[{{ s | trim }}]|[{{ 'xxaxx' | trim('x') }}]",
    "strip-methods": "[{{ messages[0].content.strip() }}]|[{{ s.lstrip() }}]|[{{ s.rstrip() }}]|[{{ 'xxaxx'.strip('x') }}]",
    "string-methods": "{{ s.startswith('  H') }} {{ s.endswith('d') }} {{ s.upper() }} {{ s.lower() }} {{ 'hello world'.title() }} {{ s.replace('l', 'L') }} {{ s.split() }} {{ 'a,b'.split(',') }} {{ 'ab'.capitalize() }}",
    "tojson": "{{ d | tojson }}|{{ messages[0].content | tojson }}|{{ 'é<' | tojson }}|{{ none | tojson }}|{{ 3.0 | tojson }}",
    "tojson-indent": "{{ d | tojson(indent=4) }}",
    "print-values": "{{ true }} {{ false }} {{ none }} {{ [1, 'a', none, true] }} {{ {'k': 'v', 'n': 1} }} {{ 1.0 }} {{ 4 / 2 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 1e3 }} {{ 0.1 + 0.2 }}",
    "tests": "{{ tools is none }} {{ tools is defined }} {{ nothing is defined }} {{ nothing is undefined }} {{ s is string }} {{ d is mapping }} {{ d.a is iterable }} {{ s is iterable }} {{ 3 is number }} {{ d is not none }} {{ 'x' is string }} {{ 4 is even }} {{ 3 is odd }}",
    "membership": "{{ 'content' in messages[0] }} {{ 'tool_calls' in messages[0] }} {{ 'ell' in s }} {{ 2 in [1, 2] }} {{ 'z' not in s }}",
    "defined-not": "{% if not date_string is defined %}{% set date_string = '26 Jul 2024' %}{% endif %}{{ date_string }}{% if not tools is defined %}X{% endif %}{% if tools is not none %}Y{% endif %}",
    "select": "{{ messages | selectattr('role', 'equalto', 'user') | list | length }} {{ messages | rejectattr('role', 'equalto', 'user') | map(attribute='role') | join(',') }} {{ messages | map(attribute='role') | first }} {{ messages | map(attribute='role') | list | last }} {{ [3, 1, 2] | sort | join('') }} {{ ['a', 'b'] | join(', ') }}",
    "user-last": "{% set user_messages = messages | selectattr('role', 'equalto', 'user') | list %}{% for m in messages %}{{ m == user_messages[-1] }}{% endfor %}",
    "filters": "{{ e | default('dflt') }} {{ nothing | default('dflt') }} {{ e | default('dflt', true) }} {{ s | length }} {{ 3 | string }} {{ '42' | int + 1 }} {{ 'ab' | upper }} {{ 'AB' | lower }} {{ 'a-b' | replace('-', '+') }} {{ 'hello world' | capitalize }} {{ 'hello world' | title }} {{ [1, 2] | length }} {{ 'x' | list }} {{ 2.7 | int }} {{ '3.5' | float }} {{ -3 | abs }}",
    "items": "{% for k, v in d.items() %}{{ k }}={{ v is mapping }};{% endfor %}|{% for k, v in d | items %}{{ k }};{% endfor %}|{% for k in d %}{{ k }};{% endfor %}|{% for k, v in d | dictsort %}{{ k }};{% endfor %}|{{ d.get('b') }} {{ d.get('zz', 'no') }} {{ d.keys() | list }} {{ d['c']['k'] }} {{ d.c.k }}",
    "concat": "{{ 'a' + 'b' }} {{ 'a' ~ 1 ~ none }} {{ [1] + [2] }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 'ab' * 2 }}",
    "compare": "{{ 1 == 1.0 }} {{ 'a' < 'b' }} {{ 2 >= 3 }} {{ 1 != 2 }} {{ not true or true and false }} {{ (messages[0]['role'] == 'user') != (0 % 2 == 0) }} {{ none == none }} {{ [] == [] }}",
    "truthiness": "{% if e %}a{% else %}b{% endif %}{% if s %}c{% endif %}{% if [] %}d{% endif %}{% if {} %}e{% endif %}{% if 0 %}f{% endif %}{% if 0.0 %}g{% endif %}{% if none %}h{% endif %}{% if messages %}i{% endif %}{% if nothing %}j{% endif %}",
    "conditional-expr": "{{ 'yes' if messages else 'no' }} {{ 'yes' if e else 'no' }} {{ 'x' if false }}|",
    "literals": "{{ 'a\\nb' }}|{{ \"q\\\"q\" }}|{{ 'it\\'s' }}|{{ 'tab\\there' }}|{{ 'back\\\\slash' }}|{{ '\\u00e9' }}|{{ True }} {{ None }} {{ (1, 2) }} {{ [] }} {{ {} }}",
    "whitespace": "a  {{- ' b ' -}}  c\n  {%- if true %}  d  {% endif -%}\n  e {#- comment -#} f\n  {% if true %}\n  g\n  {% endif %}\n{%+ if true %} h{% endif %}",
    "trim-blocks": "{% for m in messages %}\n    {{ m.role }}\n{% endfor %}\nend",
    "raw": "{% raw %}{{ not evaluated }}{% endraw %}",
    "set-block": "{% set x %}inner {{ s | trim }}{% endset %}[{{ x }}]",
    "macro": "{% macro f(a, b='d') %}<{{ a }}|{{ b }}>{% endmacro %}{{ f(1) }}{{ f(2, b='e') }}{{ f('x', 'y') }}",
    "scoping": "{% set x = 1 %}{% for m in messages %}{% set x = x + 1 %}{% endfor %}{{ x }}",
    "dict-literal": "{% set t = {'name': 'n', 'args': {'a': 1}} %}{{ t.name }} {{ t['args'] | tojson }} {{ t }}",
    "string-concat-in-set": "{% set content = '<' + messages[1]['role'] + '>' + messages[1]['content'] | trim + '</>' %}{{ content }}",
    "content-is-data": "{{ messages[1]['content'] }}|{{ messages[1].content + '!' }}",
    "undefined-attr": "[{{ messages[0].nothing }}][{{ d.zz }}][{{ nothing }}]{% if messages[0].tool_calls is defined %}T{% endif %}",
    "int-float-format": "{{ 10 / 4 }} {{ 1 / 3 }} {{ 2.0 * 3 }} {{ 1e-5 }} {{ 123456789.0 * 10 }} {{ 3 | float }} {{ 0.5 | round }} {{ 2.5 | round }} {{ 1.25 | round(1) }}",
    "strftime-exists": "{{ strftime_now is defined }}",
    "loop-scope": "{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = x + 1 %}{{ x }};{% endfor %}{{ x }}",
    "if-scope": "{% set x = 1 %}{% if true %}{% set x = 5 %}{% endif %}{{ x }}",
    "loop-var-leak": "{% for i in [1,2] %}{% set y = i %}{% endfor %}[{{ y }}]",
    "macro-scope": "{% macro f() %}{{ x }}{% set x = 9 %}{{ x }}{% endmacro %}{% set x = 1 %}{{ f() }}{{ x }}",
    "nested-loops": "{% for i in [1,2] %}{% for j in [3] %}{{ loop.index }}{% endfor %}{{ loop.index }}{% endfor %}",
    "unpack": "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% for a, b in [[1,2],[3,4]] %}{{ a }}{{ b }}{% endfor %}",
    "cond-undefined": "{{ 'a' if false }}|{{ ('a' if false) is defined }}",
    "index-out-of-range": "{{ [1,2,3][5] }}|{{ 'ab'[9] }}|{{ [1,2][-1] }}|{{ 'héllo😀'[-1] }}|{{ 'héllo😀'[1:3] }}",
    "chained-compare": "{{ 1 < 2 < 3 }}{{ 3 > 2 > 2 }}",
    "range-dict": "{{ range(3) | list }}{{ range(1,4) | join }}{{ range(10, 0, -3) | list }}{{ dict(a=1, b='x') }}",
    "split-args": "{{ ' a b '.split(' ') }}{{ 'aXbXc'.split('X', 1) }}{{ 'aXbXc'.rsplit('X', 1) }}{{ '  a  b '.rsplit() }}{{ 'a\\nb\\r\\nc'.splitlines() }}",
    "test-args": "{{ 5 is divisibleby 5 }}{{ 'x' is eq 'x' }}{{ 3 is gt 2 }}{{ 2 is in [1, 2] }}{{ none is sameas none }}",
    "json-floats": "{{ [1, 'b'] | tojson }}{{ {'é': 1.5e20} | tojson }}{{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ -0.0 }} {{ 1e22 }} {{ 123.456 }} {{ 5e-324 }}",
    "arith-mixed": "{{ 3 // 2.0 }} {{ 7.5 % 2 }} {{ 2 ** -1 }} {{ 2 ** 0.5 }} {{ true + 1 }} {{ -7 % -3 }} {{ 7 % -3 }} {{ -7.5 // 2 }}",
    "none-filters": "{{ none | string }}{{ none | trim }}{{ [1] | string }}{{ none | default('x') }}{{ undefined_var | length }}",
    "int-parse": "{{ '42' | int }} {{ ' 42 ' | int }} {{ '4_2' | int }} {{ '42.9' | int }} {{ 'x' | int(7) }} {{ '0x1A' | int(0, 16) }} {{ 'ff' | int(0, 16) }} {{ '1e3' | float }} {{ 'inf' | float }} {{ 'x' | float }}",
    "string-extra": "{{ 'Hello'.find('l') }} {{ 'Hello'.rfind('l') }} {{ 'Hello'.count('l') }} {{ '-'.join(['a', 'b']) }} {{ 'abc'.center(9, '*') }} {{ 'ab'.center(5) }}| {{ '42'.zfill(5) }} {{ 'x'.isdigit() }} {{ '12'.isdigit() }} {{ 'ab'.isupper() }} {{ 'AB'.isupper() }} {{ \"they're bill's\".title() }} {{ 'ßtraße'.upper() }} {{ 'ǆemal'.capitalize() }}",
    "indent": "{{ 'a\\nb\\n\\nc' | indent }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'a\\n\\nb' | indent(width='> ', blank=true) }}",
    "misc-filters": "{{ [3, 1, 2] | max }} {{ [3, 1, 2] | min }} {{ [1, 2, 3] | sum }} {{ ['b', 'A', 'a'] | unique | list }} {{ ['b', 'A', 'c'] | sort }} {{ [1, 2] | reverse | list }} {{ 'abc' | reverse }} {{ '<a & b>' | e }} {{ 'hello big world' | wordcount }} {{ messages | map(attribute='role') | unique | join(',') }} {{ messages | selectattr('content') | list | length }} {{ [0, 1, 2] | select | list }} {{ [0, 1, 2] | reject('odd') | list }} {{ ['a', 'b'] | map('upper') | join }}",
    "dictsort": "{% for k, v in {'b': 1, 'A': 2, 'c': 0} | dictsort %}{{ k }}{{ v }}{% endfor %}|{% for k, v in {'b': 1, 'A': 2, 'c': 0} | dictsort(by='value', reverse=true) %}{{ k }}{% endfor %}",
    "repr-strings": "{{ ['it\\'s', 'say \"hi\"', 'both \\' \"', 'tab\\there', 'é\\x00\\x7f\\u200b😀'] }}",
    "namespace-repr": "{% set ns = namespace(a=1) %}{{ ns.a }}{{ ns.missing is defined }}",
    "with": "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }}",
    "filter-block": "{% filter upper %}abc {{ 'x' }}{% endfilter %}",
    "set-block-filter": "{% set x | trim %}  padded  {% endset %}[{{ x }}]",
    "generation": "{% generation %}gen {{ 1 }}{% endgeneration %}",
    "comments-lstrip": "a\n    {# comment #}\n  b\n  {#- c -#}  c",
    "raw-ws": "x  {%- raw -%}  {{ y }}  {%- endraw -%}  z\n  {% raw %}\n{{ keep }}\n  {% endraw %}\nend",
    "plus-control": "a\n  {%+ if true %}b{% endif +%}\nc",
    "dot-index": "{{ messages.0.role }}{{ messages.1['role'] }}",
    "getitem-attr-fallback": "{{ messages[0]['items'] is defined }} {{ d['keys'] is defined }} {{ 'abc'['upper']() }}",
    "string-concat-numbers": "{{ 'n=' ~ 3 ~ ',' ~ 2.50 ~ ',' ~ none ~ ',' ~ [1] }}",
    "loop-changed-prev-next": "{% for x in [1, 2, 3] %}{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }};{% endfor %}",
    "unicode-names": "{% set ñ = 'x' %}{{ ñ }}",
    "adjacent-strings": "{{ 'a' 'b' \"c\" }}",
    "big-ints": "{{ 2 ** 62 }} {{ 9007199254740993 }} {{ 0b101 }} {{ 0o17 }} {{ 0xff }} {{ 1_000 }}",
}
ERRORS = {
    "raise": "{{ raise_exception('roles must alternate') }}",
    "undefined-attr-of-undefined": "{{ nothing.x }}",
    "undefined-call": "{{ nothing() }}",
    "undefined-add": "{{ nothing + 'x' }}",
    "str-plus-int": "{{ 'a' + 1 }}",
    "unsafe-append": "{{ messages.append(1) }}",
    "unsafe-update": "{{ d.update({}) }}",
    "range-too-big": "{{ range(1000000) | length }}",
    "set-attr-non-namespace": "{% set d.x = 1 %}",
    "division-by-zero": "{{ 1 / 0 }}",
    "not-iterable": "{% for x in 3 %}{% endfor %}",
    "compare-str-int": "{{ 'a' < 1 }}",
    "unpack-mismatch": "{% set a, b = [1, 2, 3] %}",
    "in-str-int": "{{ 1 in 'abc' }}",
    "tojson-undefined": "{{ nothing | tojson }}",
}
SYNTAX_ERRORS = {
    "unknown-filter": "{{ x | nosuchfilter }}",
    "unknown-test": "{{ x is nosuchtest }}",
    "unknown-tag": "{% nosuchtag %}",
    "unclosed-if": "{% if x %}",
    "unclosed-comment": "{# never closed",
    "unclosed-string": "{{ 'abc }}",
    "bad-close": "{{ (1 + 2 }}",
}


def main():
    out = {"generator": "src/test/python/jinja_features_golden.py",
           "reference": {"jinja2": jinja2.__version__, "transformers": transformers.__version__},
           "vars": VARS, "cases": []}
    for name, src in FEATURES.items():
        out["cases"].append({"name": name, "template": src,
                             "expected": _compile_jinja_template(src).render(**VARS)})
    for name, src in ERRORS.items():
        try:
            _compile_jinja_template(src).render(**VARS)
            raise AssertionError(name + " did not fail")
        except jinja2.exceptions.TemplateSyntaxError:
            raise
        except Exception as e:  # TemplateError, TypeError, ZeroDivisionError, ...
            out["cases"].append({"name": name, "template": src, "error": str(e)})
    for name, src in SYNTAX_ERRORS.items():
        try:
            _compile_jinja_template(src)
            raise AssertionError(name + " did not fail")
        except jinja2.exceptions.TemplateSyntaxError as e:
            out["cases"].append({"name": name, "template": src, "syntax_error": e.message,
                                 "line": e.lineno})
    (DIR / "features.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")


if __name__ == "__main__":
    main()
