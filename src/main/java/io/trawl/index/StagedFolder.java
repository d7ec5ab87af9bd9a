package io.trawl.index;

import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A folder (an index) built out of sight and renamed into place only when complete, so that the
 * target is always absent or whole, however the build ends. The folder is a hidden sibling of the
 * target, {@code .NAME.tmp-PID-RANDOM}, created with the usual umask permissions. It is removed
 * when the build fails, when the process is stopped (Ctrl-C, SIGTERM: a shutdown hook), and, when
 * the process was killed outright (SIGKILL, power cut), by the next build of the same target,
 * which removes the folders of processes that are gone.
 *
 * <p>When the shutdown hook abandons the build, the builder's threads fail in whatever way the
 * removal makes them fail; {@link #whenShutDown(Throwable)} then waits for the JVM to end instead of
 * reporting that consequence as an error, so stopping a build prints nothing.
 */
public final class StagedFolder implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path target;
  private final Path temp;
  private final Runnable release;
  private final Thread hook;
  private volatile boolean shutDown;
  private boolean committed;
  private boolean removed;
  private Path old;

  private StagedFolder(Path target, Path temp, Runnable release) {
    this.target = target;
    this.temp = temp;
    this.release = release;
    this.hook = new Thread(this::shutDown, "trawl-staged-folder-cleanup");
  }

  /**
   * Creates the hidden folder for {@code target} (after removing those of dead processes) and
   * registers the shutdown hook.
   *
   * @param release run before the folder is removed, from whichever thread removes it (close the
   *     writers that hold files in it); must not throw
   */
  public static StagedFolder create(Path target, Runnable release) {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    String name = abs.getFileName().toString();
    try {
      Files.createDirectories(parent);
      removeStale(parent, name);
      // createDirectory (not createTempDirectory): the folder gets the usual umask permissions
      Path temp = Files.createDirectory(parent.resolve("." + name + ".tmp-" + ProcessHandle.current().pid()
          + "-" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE)));
      StagedFolder s = new StagedFolder(abs, temp, release);
      Runtime.getRuntime().addShutdownHook(s.hook);
      return s;
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, abs + ": cannot create: " + e.getMessage(), e);
    }
  }

  /** The folder to build in. */
  public Path path() {
    return temp;
  }

  /**
   * Renames the finished folder to the target. An existing target (the caller has checked that it
   * may be replaced) is moved aside first and deleted after; if the rename fails, it is put back.
   */
  public void commit() throws IOException {
    synchronized (this) {
      if (shutDown || removed) {
        throw new TrawlException(TrawlException.RUNTIME, "interrupted: " + target + " was not written");
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
        move(target, old);
      }
      try {
        move(temp, target);
      } catch (IOException e) {
        if (old != null) {
          move(old, target);
          old = null;
        }
        throw e;
      }
      committed = true;
    }
    deleteOld();
  }

  /**
   * Call with a build's failure: when the JVM is shutting down and the hook has removed the
   * folder, the failure is its consequence (a closed writer, a missing file), not an error to
   * report, so this waits for the JVM to end; otherwise it returns at once.
   */
  public void whenShutDown(Throwable failure) {
    if (!shutDown) {
      return;
    }
    while (true) { // the JVM halts once the shutdown hooks are done
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        // keep waiting
      }
    }
  }

  /** Removes the folder unless committed, and unregisters the shutdown hook. */
  @Override
  public void close() {
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs
    }
  }

  private void shutDown() {
    shutDown = true;
    remove();
    deleteOld();
  }

  private void remove() {
    if (!committed) {
      release.run();
    }
    synchronized (this) {
      if (committed || removed) {
        return;
      }
      removed = true;
      deleteRecursively(temp);
    }
  }

  private void deleteOld() {
    Path o;
    synchronized (this) {
      o = old;
      old = null;
    }
    if (o != null) {
      deleteRecursively(o);
    }
  }

  /**
   * Removes the temporary folders of builds of {@code name} in {@code parent} whose process is
   * gone (killed with SIGKILL or by a power cut, so their shutdown hook never ran). A folder whose
   * process is still alive, or that does not follow the naming, is left alone.
   */
  static void removeStale(Path parent, String name) {
    String prefix = "." + name + ".tmp-";
    try (Stream<Path> s = Files.list(parent)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        if (!f.startsWith(prefix) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String rest = f.substring(prefix.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = dash > 0 ? Long.parseLong(rest.substring(0, dash)) : -1;
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        if (pid > 0) {
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      // best effort: a stale folder only wastes space
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  static void deleteRecursively(Path root) {
    for (int attempt = 0; attempt < 3 && Files.exists(root, LinkOption.NOFOLLOW_LINKS); attempt++) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.deleteIfExists(p);
          } catch (DirectoryNotEmptyException e) {
            // a file appeared meanwhile; next attempt
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (IOException | UncheckedIOException e) {
        // retry
      }
    }
  }
}
