package io.trawl.model.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for a batch ({@code [B, kvHeads, S, headDim]}, already rotated),
 * the key mask ({@code [B, S]}, 1 for real tokens, 0 for padding) and, per row, the number of real
 * tokens seen (the next RoPE position). Arrays live on the manager given at creation. {@link
 * #fork()} shares the current arrays read-only, so several continuations can reuse one prefix (the
 * ICR calibration pass).
 */
public final class KvCache {
  final NDManager manager;
  final NDArray[] keys;
  final NDArray[] values;
  final boolean[] owned;
  NDArray keyMask;
  boolean maskOwned;
  boolean padded;
  int length;
  final long[] realTokens;

  public KvCache(NDManager manager, int layers, int batch) {
    this.manager = manager;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.owned = new boolean[layers];
    this.realTokens = new long[batch];
  }

  private KvCache(KvCache o) {
    this.manager = o.manager;
    this.keys = o.keys.clone();
    this.values = o.values.clone();
    this.owned = new boolean[o.owned.length];
    this.keyMask = o.keyMask;
    this.maskOwned = false;
    this.length = o.length;
    this.padded = o.padded;
    this.realTokens = o.realTokens.clone();
  }

  /** A continuation sharing this cache's arrays; appending to it leaves this cache intact. */
  public KvCache fork() {
    return new KvCache(this);
  }

  /** Positions cached so far (including padding). */
  public int length() {
    return length;
  }

  public int batch() {
    return realTokens.length;
  }

  void set(int layer, NDArray k, NDArray v) {
    k.attach(manager);
    v.attach(manager);
    if (owned[layer]) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = k;
    values[layer] = v;
    owned[layer] = true;
  }

  void setMask(NDArray m) {
    m.attach(manager);
    if (maskOwned && keyMask != null) {
      keyMask.close();
    }
    keyMask = m;
    maskOwned = true;
  }
}
