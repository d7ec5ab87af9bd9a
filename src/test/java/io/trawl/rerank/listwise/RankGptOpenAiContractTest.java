package io.trawl.rerank.listwise;

import com.sun.net.httpserver.HttpServer;
import io.trawl.rerank.RerankerContractTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The reranker contract for RankGPT with the OpenAI-compatible backend, against a local endpoint
 * whose model ranks every window in reverse ({@link RankGptOpenAiTest#reverseAnswer}); no cache.
 */
class RankGptOpenAiContractTest extends RerankerContractTest {
  private HttpServer server;

  @Override
  protected String name() {
    return "rankgpt";
  }

  @Override
  protected String spec(Path dir) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      byte[] body = RankGptOpenAiTest.reverseAnswer(RankGptOpenAiTest.JSON.readTree(ex.getRequestBody()))
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    return "rankgpt(backend=openai,model=fake,base-url=http://127.0.0.1:" + server.getAddress().getPort()
        + "/v1,window=4,stride=2,cache=off,api-key-env=\"\",retries=0)";
  }

  @Override
  protected Map<String, String> runSettings() {
    return Map.of("cache", "off", "api-key-env", "", "retries", "0");
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }
}
