package io.trawl.core;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * A text output that appears only when complete: written to a temporary file beside the target
 * and renamed over it on {@link #commit()}. Closing without commit deletes the temporary file, even
 * when closing itself fails (a full disk), so a failure never leaves partial output or a hidden
 * {@code .tmp} file. {@code -} writes to stdout (nothing to rename).
 *
 * <p>The file gets the permissions of any new file (0666 less the umask), as with other tools.
 * Problems with the target (a folder, a parent that is a file) are found by {@link #check(String)}
 * before any work; write failures read {@code NAME: cannot write: reason} (exit 1).
 */
public final class AtomicOutput implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final Path target;
  private final Path temp;
  private final Writer writer;
  private boolean committed;

  private AtomicOutput(String name, Path target, Path temp, Writer writer) {
    this.name = name;
    this.target = target;
    this.temp = temp;
    this.writer = writer;
  }

  /**
   * Checks that {@code name} ({@code -} for stdout) can become an output file, before the work
   * that produces it starts: it is not a folder, and its nearest existing parent is a folder.
   */
  public static void check(String name) {
    if ("-".equals(name)) {
      return;
    }
    Path target = Path.of(name).toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw TrawlException.invalid(name + ": is a folder; give the name of a file to write");
    }
    Path p = target.getParent();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p != null && !Files.isDirectory(p)) {
      throw TrawlException.invalid(name + ": cannot write: " + p + " is not a folder");
    }
  }

  public static AtomicOutput open(String name) {
    if ("-".equals(name)) {
      Writer w = new BufferedWriter(new OutputStreamWriter(new OutputStream() {
        @Override
        public void write(int b) {
          System.out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          System.out.write(b, off, len);
        }

        @Override
        public void flush() {
          System.out.flush();
        }
      }, StandardCharsets.UTF_8), 1 << 16);
      return new AtomicOutput(name, null, null, w);
    }
    check(name);
    Path target = Path.of(name).toAbsolutePath();
    Path temp = null;
    try {
      Path dir = target.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      temp = createTempSibling(target);
      Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(temp),
          StandardCharsets.UTF_8), 1 << 16);
      return new AtomicOutput(name, target, temp, w);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw cannotWrite(name, e);
    }
  }

  /**
   * Creates an empty hidden file beside {@code target} ({@code .NAME.RANDOM.tmp}) with the
   * permissions any new file gets (unlike {@link Files#createTempFile}, which makes it 0600), for
   * writers that rename a finished file into place. It is deleted if the process is stopped
   * (Ctrl-C) before {@link Shutdown#forget(Path)}.
   */
  public static Path createTempSibling(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    for (int attempt = 0; ; attempt++) {
      Path p = dir.resolve("." + abs.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong()) + ".tmp");
      try {
        Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        Shutdown.deleteOnStop(p); // Ctrl-C leaves no partial output
        return p;
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /** {@code NAME: cannot write: reason} (exit 1), e.g. {@code No space left on device}. */
  public static TrawlException cannotWrite(String name, IOException e) {
    String reason = e.getMessage();
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      reason = fse.getReason();
    } else if (e instanceof java.nio.file.AccessDeniedException) {
      reason = "Permission denied";
    }
    return new TrawlException(TrawlException.RUNTIME, name + ": cannot write: " + reason, e);
  }

  /** The failure to write this output, as {@link #cannotWrite(String, IOException)} says it. */
  public TrawlException cannotWrite(IOException e) {
    return cannotWrite(name, e);
  }

  public Writer writer() {
    return writer;
  }

  /** Writes text; a failure (a full disk) is a {@link TrawlException} naming the output. */
  public void write(CharSequence text) {
    try {
      writer.append(text);
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  /** Flushes and moves the temporary file into place. */
  public void commit() {
    try {
      writer.flush();
      if (temp != null) {
        writer.close();
        try {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Shutdown.forget(temp);
      }
      committed = true;
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  @Override
  public void close() {
    if (temp == null) {
      try {
        writer.flush();
      } catch (IOException e) {
        // stdout: nothing to clean up
      }
      return;
    }
    if (!committed) {
      try {
        writer.close();
      } catch (IOException e) {
        // a full disk fails the last flush: the temporary file goes all the same
      } finally {
        deleteQuietly(temp);
        Shutdown.forget(temp);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // nothing more to do: the name is hidden and random
    }
  }
}
