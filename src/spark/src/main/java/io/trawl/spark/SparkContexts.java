package io.trawl.spark;

import io.trawl.core.TrawlException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starts Spark for a command. The master comes from {@code --master}, else from
 * {@code spark.master} (set by {@code spark-submit}), else {@code local[*]}. A standalone master
 * ({@code spark://host:port}) is probed first, so an unreachable one is a clear input error (exit
 * 2) within seconds instead of Spark's minute of registration retries. Local masters bind to
 * 127.0.0.1 unless configured otherwise, and run without the web UI.
 */
public final class SparkContexts {
  private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|\\d+)(,\\d+)?])?|local-cluster\\[\\d+,\\d+,\\d+]");
  /** Seconds to wait for a standalone master's port. */
  static final int PROBE_SECONDS = 5;

  private SparkContexts() {}

  public static JavaSparkContext open(String master, String appName) {
    SparkConf conf = new SparkConf().setAppName(appName);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    String m = conf.get("spark.master");
    check(m);
    if (LOCAL.matcher(m).matches()) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
    try {
      return new JavaSparkContext(conf);
    } catch (RuntimeException e) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot start Spark with master " + m + ": " + e.getMessage(), e);
    }
  }

  /** The master a command would use ({@code --master}, else spark-submit's, else local[*]). */
  static String describe(String master) {
    return master != null ? master : new SparkConf().get("spark.master", "local[*]");
  }

  /** Rejects a malformed master URL and a standalone master nobody listens at. */
  static void check(String master) {
    if (LOCAL.matcher(master).matches() || master.equals("yarn") || master.startsWith("k8s://")) {
      return;
    }
    if (!master.startsWith("spark://")) {
      throw TrawlException.invalid("unknown Spark master '" + master + "'; use local[N], spark://host:port, yarn or k8s://...");
    }
    String hosts = master.substring("spark://".length());
    StringBuilder why = new StringBuilder();
    for (String hp : hosts.split(",")) {
      int colon = hp.lastIndexOf(':');
      if (colon <= 0) {
        throw TrawlException.invalid("Spark master '" + master + "': expected spark://host:port");
      }
      int port;
      try {
        port = Integer.parseInt(hp.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw TrawlException.invalid("Spark master '" + master + "': bad port '" + hp.substring(colon + 1) + "'");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(hp.substring(0, colon), port), PROBE_SECONDS * 1000);
        return;
      } catch (IOException e) {
        why.append(why.isEmpty() ? "" : "; ").append(hp).append(": ").append(e.getMessage());
      }
    }
    throw TrawlException.invalid("cannot reach Spark master " + master + " (" + why
        + "); start it or check --master");
  }
}
