package io.trawl.spark;

import io.trawl.core.TrawlException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

/**
 * The work folder of a distributed job ({@code trawl-spark rerank}, {@code run}): its {@code
 * job.json} names the job; finished partitions are kept for {@code --resume}. A folder that is not
 * one of these is never emptied or removed, and finished partitions are never discarded silently.
 */
final class WorkFolder {
  static final String JOB = "job.json";

  private WorkFolder() {}

  /**
   * Creates the folder for {@code job}, or with {@code resume} checks that it holds this same job;
   * returns how many partitions are already finished ({@code finished.test(i)}).
   */
  static int prepare(Path work, String job, boolean resume, int parts, IntPredicate finished) {
    try {
      Path jobFile = work.resolve(JOB);
      if (Files.exists(work) && !Files.isDirectory(work)) {
        throw TrawlException.invalid(work + ": exists and is not a folder; give another --work");
      }
      if (Files.isDirectory(work) && !Files.exists(jobFile) && !isEmpty(work)) {
        throw TrawlException.invalid(work + ": a folder that is not a trawl-spark work folder (no "
            + JOB + "); give another --work");
      }
      if (Files.exists(jobFile)) {
        String old = Files.readString(jobFile, StandardCharsets.UTF_8);
        int done = 0;
        for (int i = 0; i < parts; i++) {
          done += finished.test(i) ? 1 : 0;
        }
        if (resume) {
          if (!old.equals(job)) {
            throw TrawlException.invalid(work + " holds another job (" + old.strip()
                + "); remove it or run without --resume");
          }
          return done;
        }
        if (done > 0) {
          throw TrawlException.invalid(work + ": holds " + done + " finished partition(s)"
              + (old.equals(job) ? " of this job; add --resume to keep them" : " of another job (" + old.strip() + ")")
              + ", or remove the folder to start over");
        }
        delete(work);
      }
      Files.createDirectories(work);
      Files.writeString(jobFile, job, StandardCharsets.UTF_8);
      return 0;
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, work + ": cannot prepare: " + e.getMessage(), e);
    }
  }

  /** A JSON string literal (or {@code null}) for a job description. */
  static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The metadata a task wrote beside a finished part ({@code RUN.meta.json}: tag, settings). */
  static com.fasterxml.jackson.databind.JsonNode partMetadata(Path partRun) {
    Path meta = Path.of(partRun + io.trawl.io.RunMetadata.SUFFIX);
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(meta.toFile());
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, meta + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** Removes a work folder (one holding {@link #JOB}, which this job made or resumed). */
  static void delete(Path work) {
    if (!Files.exists(work)) {
      return;
    }
    if (!Files.exists(work.resolve(JOB))) {
      throw new IllegalStateException(work + " is not a work folder");
    }
    try (Stream<Path> walk = Files.walk(work)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, work + ": cannot remove: " + e.getMessage(), e);
    }
  }
}
