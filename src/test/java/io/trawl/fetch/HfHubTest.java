package io.trawl.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.TrawlException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which files of a Hub repository a Trawl runtime gets, and how each is checked. */
class HfHubTest {
  static JsonNode info(String... files) throws Exception {
    StringBuilder sb = new StringBuilder("{\"sha\": \"" + "a".repeat(40) + "\", \"siblings\": [");
    for (int i = 0; i < files.length; i++) {
      sb.append(i > 0 ? "," : "").append("{\"rfilename\": \"").append(files[i]).append("\", \"size\": 3, \"blobId\": \"")
          .append("b".repeat(40)).append("\"")
          .append(files[i].endsWith(".bin") || files[i].endsWith(".safetensors")
              ? ", \"lfs\": {\"sha256\": \"" + "c".repeat(64) + "\", \"size\": 7}" : "")
          .append("}");
    }
    return new ObjectMapper().readTree(sb.append("]}").toString());
  }

  static List<String> names(List<HfHub.File> files) {
    return files.stream().map(HfHub.File::name).sorted().toList();
  }

  @Test
  void safetensorsAreChosenOverThePickleAndOnlyRuntimeFilesAreTaken() throws Exception {
    List<HfHub.File> f = HfHub.select("api", info("README.md", "config.json", "model.safetensors",
        "pytorch_model.bin", "tf_model.h5", "spiece.model", "../escape.json", "1_Pooling/config.json"));
    assertEquals(List.of("1_Pooling/config.json", "config.json", "model.safetensors", "spiece.model"), names(f));
    HfHub.File st = f.stream().filter(x -> x.name().equals("model.safetensors")).findFirst().orElseThrow();
    assertEquals("sha256", st.checksum().algorithm());
    assertEquals(7, st.size(), "the LFS size, not the pointer's");
    HfHub.File cfg = f.stream().filter(x -> x.name().equals("config.json")).findFirst().orElseThrow();
    assertEquals("git-sha1", cfg.checksum().algorithm());
  }

  @Test
  void shardsComeWithTheirIndexAndAPickleOnlyRepoGetsItsBin() throws Exception {
    assertEquals(List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
        "model.safetensors.index.json"), names(HfHub.select("api", info("config.json", "model.safetensors.index.json",
            "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "pytorch_model.bin"))));
    assertEquals(List.of("config.json", "pytorch_model.bin"), names(HfHub.select("api", info("config.json",
        "pytorch_model.bin"))));
    TrawlException e = assertThrows(TrawlException.class, () -> HfHub.select("api", info("config.json",
        "pytorch_model.bin.index.json", "pytorch_model-00001-of-00002.bin")));
    assertTrue(e.getMessage().contains("sharded pytorch_model-*.bin checkpoints are not converted"), e.getMessage());
  }

  @Test
  void idsAndRevisions() {
    assertTrue(HfHub.isModelId("castorini/monot5-base-msmarco-10k"));
    assertTrue(HfHub.isModelId("castorini/monot5-base-msmarco-10k@v1.0"));
    assertFalse(HfHub.isModelId("msmarco-v1-passage"));
    assertFalse(HfHub.isModelId("a/b/c"));
    assertFalse(HfHub.isModelId("../x"));
  }
}
