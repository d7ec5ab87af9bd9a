package io.trawl.spark;

import picocli.CommandLine.Option;

/** Options every trawl-spark command shares (a picocli mixin). */
public final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master: local[N], local[N,maxFailures], spark://host:port, yarn, k8s://... "
          + "(default: spark.master from spark-submit, else local[*]).")
  String master;

  @Option(names = "--debug", description = "Print stack traces of errors.")
  boolean debug;

  /** Test hook: the first attempt of this task fails (to check Spark's retry). */
  @Option(names = "--test-fail-first-attempt", hidden = true, defaultValue = "-1")
  int failFirstAttempt;
}
