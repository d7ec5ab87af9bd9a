package io.trawl.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A run: query id to ranked list, in insertion order, plus the tag (the spec that made it). */
public final class Run {
  private final String tag;
  private final Map<String, RankedList> lists;

  public Run(String tag, Map<String, RankedList> lists) {
    this.tag = Objects.requireNonNull(tag, "tag");
    this.lists = Collections.unmodifiableMap(new LinkedHashMap<>(lists));
  }

  public String tag() {
    return tag;
  }

  public Map<String, RankedList> lists() {
    return lists;
  }

  public RankedList get(String queryId) {
    return lists.get(queryId);
  }

  public int size() {
    return lists.size();
  }
}
