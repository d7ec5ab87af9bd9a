package io.trawl.core;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A text output that appears only when complete: written to a temporary file beside the target
 * and renamed over it on {@link #commit()}. Closing without commit deletes the temporary file, so
 * a failure never leaves partial output. {@code -} writes to stdout (nothing to rename).
 */
public final class AtomicOutput implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final Writer writer;
  private boolean committed;

  private AtomicOutput(Path target, Path temp, Writer writer) {
    this.target = target;
    this.temp = temp;
    this.writer = writer;
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
      return new AtomicOutput(null, null, w);
    }
    Path target = Path.of(name).toAbsolutePath();
    try {
      Path dir = target.getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
      Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
      return new AtomicOutput(target, temp, w);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, name + ": cannot write: " + e.getMessage(), e);
    }
  }

  public Writer writer() {
    return writer;
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
      }
      committed = true;
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, target + ": cannot write: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      if (temp == null) {
        writer.flush();
        return;
      }
      if (!committed) {
        writer.close();
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      // best effort cleanup
    }
  }
}
