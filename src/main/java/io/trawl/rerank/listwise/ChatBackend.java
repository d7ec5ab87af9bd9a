package io.trawl.rerank.listwise;

import io.trawl.model.llm.ChatMessage;
import java.util.List;

/**
 * Something that answers chat prompts greedily: an OpenAI-compatible endpoint ({@link
 * OpenAiChatBackend}) or a local decoder-only model ({@code LocalChatBackend}). Requests of one
 * call are independent and may run concurrently or as one batch; answers come back in order.
 */
public interface ChatBackend extends AutoCloseable {

  /**
   * One prompt ranking {@code passages} passages. {@code maxTokens} bounds the answer length; 0
   * lets the backend choose (enough for "[n] > ... > [1]").
   */
  record Request(List<ChatMessage> messages, int maxTokens, int passages) {}

  /**
   * One answer with what the sidecar records: token counts (-1 when unknown), latency, whether it
   * came from the response cache, and how many HTTP attempts it took (0 for local / cached).
   */
  record Completion(String text, int promptTokens, int completionTokens, long latencyMs,
      boolean cached, int attempts) {}

  List<Completion> completeAll(List<Request> requests);

  /** The spec parameters that identify the backend in a run tag (never a secret). */
  String describe();

  @Override
  default void close() {}
}
