package io.trawl.rerank.listwise;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of how well model answers parsed, over a run: {@code ok} (a clean "[a] > [b] > ..."
 * naming every passage once), {@code wrong_format} (prose, other separators, or no identifier at
 * all), {@code repetition} (an identifier repeated), {@code missing_ids} (some passage never
 * named) and {@code out_of_range}. An answer can count in several of the failure classes; {@code
 * windows} is the number of answers. Answers that pick one passage of a set (setwise, {@link
 * #addChoice}) count as {@code ok}, {@code wrong_format} (no answer found) or {@code out_of_range}
 * (a label that is not one of the set's). Thread-safe.
 */
public final class ParseStats {
  private final AtomicLong windows = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong wrongFormat = new AtomicLong();
  private final AtomicLong repetition = new AtomicLong();
  private final AtomicLong missing = new AtomicLong();
  private final AtomicLong outOfRange = new AtomicLong();

  public void add(PermutationParser.Result r) {
    windows.incrementAndGet();
    if (r.ok()) {
      ok.incrementAndGet();
    }
    if (r.wrongFormat()) {
      wrongFormat.incrementAndGet();
    }
    if (r.repetition()) {
      repetition.incrementAndGet();
    }
    if (r.missing()) {
      missing.incrementAndGet();
    }
    if (r.outOfRange()) {
      outOfRange.incrementAndGet();
    }
  }

  /**
   * One answer that names a single passage of a set: {@code wrongFormat} when no answer could be
   * read from it, {@code outOfRange} when it names a label the prompt did not show; ok otherwise.
   */
  public void addChoice(boolean wrongFormat, boolean outOfRange) {
    windows.incrementAndGet();
    if (wrongFormat) {
      this.wrongFormat.incrementAndGet();
    } else if (outOfRange) {
      this.outOfRange.incrementAndGet();
    } else {
      ok.incrementAndGet();
    }
  }

  public Map<String, Long> asMap() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("windows", windows.get());
    m.put("ok", ok.get());
    m.put("wrong_format", wrongFormat.get());
    m.put("repetition", repetition.get());
    m.put("missing_ids", missing.get());
    m.put("out_of_range", outOfRange.get());
    return m;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    asMap().forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(v));
    return sb.toString();
  }
}
