package io.trawl.model.encoder;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.trawl.core.TrawlException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process-wide ONNX Runtime environment, created on a thread with a 64 MiB stack.
 *
 * <p>Why: on Java 25 with onnxruntime 1.29.0, {@code OrtEnvironment.getEnvironment()} on the JVM
 * main thread (default 1 MiB stack) dies with SIGSEGV and no hs_err file once the class path is
 * long (reproduced with this project's test class path; {@code -Xss2m} or a bigger-stack thread
 * avoids it). Sessions are also created there; {@code run} is fine on any thread.
 */
final class OrtRuntime {
  private static volatile OrtEnvironment env;

  private OrtRuntime() {}

  static OrtEnvironment environment() {
    OrtEnvironment e = env;
    if (e == null) {
      synchronized (OrtRuntime.class) {
        if (env == null) {
          env = onBigStack(OrtEnvironment::getEnvironment);
        }
        e = env;
      }
    }
    return e;
  }

  static OrtSession createSession(byte[] model, OrtSession.SessionOptions options) throws OrtException {
    OrtEnvironment e = environment();
    return onBigStack(() -> e.createSession(model, options));
  }

  interface OrtCall<T> {
    T call() throws OrtException;
  }

  private static <T> T onBigStack(OrtCall<T> call) throws RuntimeException {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        result.set(call.call());
      } catch (Throwable x) {
        failure.set(x);
      }
    }, "trawl-ort-init", 64L << 20);
    t.start();
    try {
      t.join();
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new TrawlException(TrawlException.RUNTIME, "interrupted while loading ONNX Runtime");
    }
    Throwable x = failure.get();
    if (x instanceof OrtException oe) {
      throw new OrtFailure(oe);
    }
    if (x instanceof RuntimeException re) {
      throw re;
    }
    if (x instanceof Error er) {
      throw er;
    }
    return result.get();
  }

  /** Carries an OrtException out of the init thread. */
  static final class OrtFailure extends RuntimeException {
    OrtFailure(OrtException e) {
      super(e.getMessage(), e);
    }
  }
}
