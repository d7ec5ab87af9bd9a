package io.trawl.rerank;

import io.trawl.core.TrawlException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An exclusive lock on a rerank work file, so that two processes never append to (or truncate)
 * the same work file: the operating system's file lock on {@code <work>.lock}, which holds one line
 * naming the holder (process id, host, start time). A second process is refused with that line.
 * The lock goes when the holder ends, however it ends (the file stays after a kill, unlocked, and
 * is taken over); on a normal end the file is deleted.
 */
final class WorkLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private WorkLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of a work file. */
  static Path lockFile(Path work) {
    return work.resolveSibling(work.getFileName() + ".lock");
  }

  /** Takes the lock of {@code work}, or fails (exit 1) saying who holds it. */
  static WorkLock acquire(Path work) {
    Path file = lockFile(work.toAbsolutePath());
    try {
      Files.createDirectories(file.getParent());
      for (int attempt = 0; ; attempt++) {
        Object before = fileKey(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // held by this very process
        }
        if (lock == null) {
          String holder = read(ch);
          ch.close();
          throw new TrawlException(TrawlException.RUNTIME, work + ": in use by another trawl rerank ("
              + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for it to finish, or write"
              + " to another --output (or --work)");
        }
        // A holder deletes the file when it ends; if it did so between our look and our open, we
        // locked a file that no longer has the name: the name must show the same file throughout.
        // (Only stat here: opening the file again and closing it would drop the lock.)
        if (before != null && before.equals(fileKey(file))) {
          String line = "pid " + ProcessHandle.current().pid() + " on " + host() + ", since "
              + Instant.now().truncatedTo(ChronoUnit.SECONDS);
          ch.truncate(0);
          ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
          for (long pos = 0; b.hasRemaining(); ) {
            pos += ch.write(b, pos);
          }
          ch.force(true);
          io.trawl.core.Shutdown.deleteOnStop(file); // Ctrl-C: the work file stays, its lock goes
          return new WorkLock(file, ch, lock);
        }
        lock.release();
        ch.close();
        if (attempt >= 20) {
          throw new TrawlException(TrawlException.RUNTIME, file + ": cannot take the lock (the file"
              + " keeps being replaced)");
        }
      }
    } catch (IOException e) {
      throw io.trawl.core.AtomicOutput.cannotWrite(String.valueOf(file), e);
    }
  }

  /** The holder's line. */
  private static String read(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1024);
    ch.read(b, 0);
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
  }

  /**
   * The file's identity (device and inode; a constant where the file system has none), or null
   * when it does not exist.
   */
  private static Object fileKey(Path p) {
    try {
      Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
      return key != null ? key : "no file keys";
    } catch (IOException e) {
      return null;
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this host";
    }
  }

  /** Deletes the lock file and releases the lock. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // an unlocked leftover is taken over by the next job
    }
    io.trawl.core.Shutdown.forget(file);
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // closing the channel releases the lock in any case
    }
  }
}
