package io.trawl.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Clean interruption of long jobs (Ctrl-C, SIGTERM). When the JVM starts to shut down, one shutdown
 * hook
 *
 * <ol>
 *   <li>marks the process as stopping: {@link #check()}, called by workers between batches (an
 *       encoder batch, a reranker's group of queries, a query), then throws {@link Stopped}, so no
 *       new native call (ONNX Runtime, DJL's tokenizers and libtorch) starts;
 *   <li>waits (at most {@link #WAIT_SECONDS} s) until every open {@link Job} is closed: a job is
 *       open while native resources are in use (a loaded model), and is closed after they are
 *       released, so the JVM does not run the native libraries' exit handlers under a call still in
 *       progress on another thread (which crashed the JVM now and then);
 *   <li>deletes the temporary files registered by {@link #deleteOnStop(Path)} (what {@link
 *       AtomicOutput} and {@link VectorFile} write before renaming), so an interrupted command leaves
 *       no partial output.
 * </ol>
 *
 * <p>The hook waits only in the command line's process ({@link #enable()}) when it was stopped from
 * outside, not when the command ends normally ({@link #exiting()}). The command line then prints nothing for the {@link Stopped} failure (the JVM exits with the
 * signal's status: 130 for SIGINT, 143 for SIGTERM). Index folders are removed by their own hook
 * ({@code index.StagedFolder}).
 */
public final class Shutdown {
  /** The longest the hook waits for open jobs. */
  static final int WAIT_SECONDS = 20;

  private static final Object LOCK = new Object();
  private static final Set<Path> TEMP = new LinkedHashSet<>();
  private static volatile boolean stopping;
  private static volatile boolean enabled;
  private static volatile boolean exiting;
  private static int jobs;
  private static boolean installed;

  private Shutdown() {}

  /** The failure a worker throws when the process is stopping. */
  public static final class Stopped extends TrawlException {
    public Stopped() {
      super(130, "interrupted");
    }
  }

  /** Open while native resources are in use; see the class comment. */
  public static final class Job implements AutoCloseable {
    private boolean closed;

    private Job() {}

    @Override
    public void close() {
      synchronized (LOCK) {
        if (!closed) {
          closed = true;
          jobs--;
          LOCK.notifyAll();
        }
      }
    }
  }

  /**
   * Makes the hook wait for open jobs: called by the command line's {@code main}, not in a library
   * or test JVM (where an encoder left open would hold up the exit).
   */
  public static void enable() {
    synchronized (LOCK) {
      install();
      enabled = true;
    }
  }

  /** The process ends normally ({@code System.exit} after the command): nothing to wait for. */
  public static void exiting() {
    exiting = true;
  }

  /** Opens a job (the hook waits for it to close). */
  public static Job job() {
    synchronized (LOCK) {
      install();
      jobs++;
      return new Job();
    }
  }

  /** True once the JVM is shutting down. */
  public static boolean stopping() {
    return stopping;
  }

  /** Throws {@link Stopped} once the JVM is shutting down. */
  public static void check() {
    if (stopping) {
      throw new Stopped();
    }
  }

  /** True when {@code t} or one of its causes is {@link Stopped}, or the process is stopping. */
  public static boolean isStop(Throwable t) {
    for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof Stopped) {
        return true;
      }
    }
    return stopping;
  }

  /** Deletes {@code temp} if the process stops before {@link #forget(Path)}. */
  public static void deleteOnStop(Path temp) {
    synchronized (LOCK) {
      install();
      TEMP.add(temp.toAbsolutePath());
    }
  }

  /** {@code temp} was renamed or deleted: nothing to do for it at shutdown. */
  public static void forget(Path temp) {
    if (temp != null) {
      synchronized (LOCK) {
        TEMP.remove(temp.toAbsolutePath());
      }
    }
  }

  private static void install() {
    if (!installed) {
      installed = true;
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(Shutdown::stop, "trawl-shutdown"));
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  /** The hook: stop, wait for the jobs, delete temporary files. */
  static void stop() {
    stopping = true;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    List<Path> temp;
    synchronized (LOCK) {
      long left;
      while (enabled && !exiting && jobs > 0 && (left = deadline - System.nanoTime()) > 0) {
        try {
          LOCK.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          break;
        }
      }
      temp = new ArrayList<>(TEMP);
      TEMP.clear();
    }
    for (Path p : temp) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // best effort
      }
    }
  }
}
