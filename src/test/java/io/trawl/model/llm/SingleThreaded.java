package io.trawl.model.llm;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs libtorch with one intra-op thread while a test class runs, then restores the setting. On
 * the shared, oversubscribed test machines OpenMP's spinning worker threads made small ops up to
 * 6x slower; results are the same either way.
 */
public final class SingleThreaded {
  private static int saved = -1;

  private SingleThreaded() {}

  public static synchronized void enter() {
    Engine.getEngine("PyTorch");
    if (saved < 0) {
      saved = JniUtils.getNumThreads();
    }
    JniUtils.setNumThreads(1);
  }

  public static synchronized void exit() {
    if (saved > 0) {
      JniUtils.setNumThreads(saved);
      saved = -1;
    }
  }
}
