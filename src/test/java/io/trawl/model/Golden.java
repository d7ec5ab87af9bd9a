package io.trawl.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Access to ../shared/golden for tests (skips with a message when it is absent). */
public final class Golden {
  private Golden() {}

  public static Path shared() {
    Path p = Path.of(System.getProperty("trawl.shared", "../shared"));
    assumeTrue(Files.isDirectory(p.resolve("golden")), "skipped: " + p.toAbsolutePath() + "/golden is absent");
    return p;
  }

  public static Path model(String name) {
    return shared().resolve("golden").resolve(name);
  }

  public static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int[] ints(JsonNode n) {
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  public static int[][] ints2(JsonNode n) {
    int[][] out = new int[n.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = ints(n.get(i));
    }
    return out;
  }

  /** All numbers of a nested list, flattened in order. */
  public static float[] flat(JsonNode n) {
    List<Float> out = new ArrayList<>();
    flatten(n, out);
    float[] f = new float[out.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = out.get(i);
    }
    return f;
  }

  private static void flatten(JsonNode n, List<Float> out) {
    if (n.isArray()) {
      n.forEach(c -> flatten(c, out));
    } else {
      out.add((float) n.asDouble());
    }
  }

  /** Rows of input ids with the padding (mask 0) removed. */
  public static int[][] unpadded(JsonNode ids, JsonNode mask) {
    int[][] out = new int[ids.size()][];
    for (int i = 0; i < out.length; i++) {
      int n = 0;
      for (JsonNode m : mask.get(i)) {
        n += m.asInt();
      }
      out[i] = java.util.Arrays.copyOf(ints(ids.get(i)), n);
    }
    return out;
  }

  /** Max of |a - b| - (abs + rel |b|) over all entries; <= 0 means within tolerance. */
  public static double excess(float[] actual, float[] golden, double abs, double rel) {
    if (actual.length != golden.length) {
      throw new AssertionError("length " + actual.length + " != " + golden.length);
    }
    double worst = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < actual.length; i++) {
      double e = Math.abs(actual[i] - golden[i]) - (abs + rel * Math.abs(golden[i]));
      worst = Math.max(worst, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
    }
    return worst;
  }

  public static double maxAbs(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
