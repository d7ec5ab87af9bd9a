package io.trawl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import io.trawl.index.IndexMetadata;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module runs Trawl's core on Spark's Jackson (the root build uses a newer one). Spark's
 * jackson-module-scala refuses any other databind minor version, so the versions must agree, and
 * the core's JSON must still work on it.
 */
class JacksonVersionTest {
  @TempDir Path tmp;

  @Test
  void databindIsTheVersionSparksScalaModuleWants() {
    var databind = PackageVersion.VERSION;
    var scala = com.fasterxml.jackson.module.scala.DefaultScalaModule$.MODULE$.version();
    assertEquals(scala.getMajorVersion(), databind.getMajorVersion());
    assertEquals(scala.getMinorVersion(), databind.getMinorVersion(),
        "databind " + databind + " vs jackson-module-scala " + scala);
    // registering the module runs its version check, as Spark does at start-up
    new ObjectMapper().registerModule(com.fasterxml.jackson.module.scala.DefaultScalaModule$.MODULE$);
  }

  @Test
  void coreJsonWorksOnSparksJacksonInsideATask() {
    // a Spark job (JSON of RDD scopes) and the core's metadata records in one JVM
    List<String> out = SparkTests.context().parallelize(List.of(1, 2), 2)
        .map(i -> new ObjectMapper().writeValueAsString(List.of(i))).collect();
    assertEquals(List.of("[1]", "[2]"), out);
    ShardManifest m = new ShardManifest(1, 2, "docid", ShardManifest.HASH, "c", "json", "flat", "a", 3,
        List.of(1L, 2L), 0.5);
    assertEquals(m, assertRoundTrip(m));
  }

  private ShardManifest assertRoundTrip(ShardManifest m) {
    try {
      m.write(ShardStore.of(tmp.toString()));
      return ShardManifest.JSON.readValue(tmp.resolve(ShardManifest.FILE).toFile(), ShardManifest.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void indexMetadataReadsOnSparksJackson() {
    IndexMetadata.class.getName(); // loads with its Jackson annotations
    assertEquals("2", String.valueOf(PackageVersion.VERSION.getMajorVersion()));
  }
}
