package io.trawl.rerank.listwise;

import io.trawl.model.llm.Greedy;
import io.trawl.model.llm.LlmRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers chat prompts with a local decoder-only model ({@link LlmRuntime}): the model's chat
 * template with the assistant turn opened ({@link Ftfy#fixText} applied to the rendered text for
 * RankLLM's single-turn prompts, as RankLLM does), tokenized with the tokenizer's special tokens
 * (BOS) as RankLLM's {@code tokenizer([prompt])} and vLLM do, greedy decoding, {@code batch} prompts
 * per left-padded batch. With {@code maxTokens = 0} a window of n passages may generate as many
 * tokens as "[n] > [n-1] > ... > [1]" takes, plus 2.
 */
public final class LocalChatBackend implements ChatBackend {
  private final LlmRuntime rt;
  private final int batch;
  private final boolean ownsRuntime;
  private final String hint;
  private final ListwisePrompts.Template template;

  public LocalChatBackend(LlmRuntime rt, int batch, boolean ownsRuntime, String hint,
      ListwisePrompts.Template template) {
    this.rt = rt;
    this.batch = Math.max(1, batch);
    this.ownsRuntime = ownsRuntime;
    this.hint = hint;
    this.template = template;
  }

  /** The token ids of a request's prompt. */
  int[] promptIds(List<io.trawl.model.llm.ChatMessage> messages) {
    return rt.encodeWithSpecialTokens(ListwisePrompts.modelText(template, rt.render(messages, true)));
  }

  @Override
  public String describe() {
    return "backend=local";
  }

  int autoTokens(int passages, boolean alphabetic) {
    StringBuilder sb = new StringBuilder();
    for (int i = passages; i >= 1; i--) {
      sb.append(sb.isEmpty() ? "" : " > ").append('[')
          .append(ListwisePrompts.identifier(i - 1, alphabetic)).append(']');
    }
    return rt.tokenizer().encode(sb.toString()).length + 2;
  }

  @Override
  public List<Completion> completeAll(List<Request> requests) {
    List<Completion> out = new ArrayList<>(requests.size());
    for (int from = 0; from < requests.size(); from += batch) {
      List<Request> part = requests.subList(from, Math.min(requests.size(), from + batch));
      List<int[]> prompts = new ArrayList<>();
      int maxNew = 1;
      for (Request r : part) {
        int[] ids = promptIds(r.messages());
        int n = r.maxTokens() > 0 ? r.maxTokens() : autoTokens(r.passages(), false);
        rt.checkContext(ids.length, n, "a window of " + r.passages() + " passages", hint);
        prompts.add(ids);
        maxNew = Math.max(maxNew, n);
      }
      long t0 = System.nanoTime();
      Greedy.Result res = Greedy.generate(rt.model(), prompts, maxNew, rt.stopIds(), true, 1024);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      for (int i = 0; i < part.size(); i++) {
        out.add(new Completion(rt.decode(res.tokens()[i]), prompts.get(i).length,
            res.tokens()[i].length, ms, false, 0));
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (ownsRuntime) {
      rt.close();
    }
  }
}
