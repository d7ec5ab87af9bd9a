package io.trawl.fetch;

import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One file over HTTP(S), resumable and verified. Bytes go to {@code TARGET.part}; a rerun after a
 * crash or a cut connection asks for the rest ({@code Range: bytes=N-}) and appends when the server
 * answers 206 (it starts over on 200). When the size and the checksum match, the part file is
 * renamed to the target; when they do not, it is deleted and the error gives expected and actual
 * values. Reads time out after {@link Settings#readTimeout()} without a byte (a stalled server).
 */
public final class Download {
  /** How downloads behave: the read/connect timeout and where progress goes. */
  public record Settings(Duration readTimeout, Listener listener) {
    public Settings {
      listener = listener == null ? Listener.NONE : listener;
    }
  }

  /** Progress and messages. */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** {@code done} of {@code total} bytes (total -1 when unknown) of {@code what}. */
    default void bytes(String what, long done, long total) {}

    /** A line for the user (stderr). */
    default void say(String message) {}
  }

  /** An expected digest: {@code md5}, {@code sha256} or {@code git-sha1} (Git's blob id), lower-case hex. */
  public record Checksum(String algorithm, String hex) {
    public Checksum {
      algorithm = algorithm.toLowerCase(Locale.ROOT);
      hex = hex.toLowerCase(Locale.ROOT);
      if (!algorithm.equals("md5") && !algorithm.equals("sha256") && !algorithm.equals("git-sha1")) {
        throw new IllegalArgumentException("unknown checksum " + algorithm);
      }
    }

    @Override
    public String toString() {
      return algorithm + " " + hex;
    }
  }

  private Download() {}

  /**
   * Downloads {@code url} to {@code target} unless it is already there, verifying {@code size}
   * (-1: unknown) and {@code checksum} (null: none published; the sha256 is then reported).
   */
  public static void fetch(String url, Path target, long size, Checksum checksum, Settings settings) {
    if (Files.isRegularFile(target)) {
      return;
    }
    Path part = target.resolveSibling(target.getFileName() + ".part");
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, target.getParent() + ": cannot create: " + e.getMessage(), e);
    }
    String what = target.getFileName().toString();
    Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
    boolean held = false;
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = ch.tryLock()) {
      if (lock == null) {
        throw new TrawlException(TrawlException.RUNTIME, target + ": another trawl fetch is downloading it; wait for it"
            + " to finish");
      }
      held = true;
      locked(url, target, part, what, size, checksum, settings);
    } catch (java.nio.channels.OverlappingFileLockException e) {
      throw new TrawlException(TrawlException.RUNTIME, target + ": another trawl fetch is downloading it; wait for it"
          + " to finish", e);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, lockFile + ": cannot lock: " + e.getMessage(), e);
    } finally {
      if (held) {
        deleteQuietly(lockFile);
      }
    }
  }

  private static void locked(String url, Path target, Path part, String what, long size, Checksum checksum,
      Settings settings) {
    if (Files.isRegularFile(target)) {
      return;
    }
    if (!Files.exists(part)) {
      settings.listener().say("fetch: downloading " + what + (size >= 0 ? " (" + size + " bytes)" : "") + " from " + url);
    }
    long t0 = System.nanoTime();
    transfer(url, part, size, what, settings);
    verify(url, part, size, checksum, settings.listener());
    if (checksum != null) {
      settings.listener().say(String.format(Locale.ROOT, "fetch: %s: %s verified (%.1f s)", what, checksum.algorithm(),
          (System.nanoTime() - t0) / 1e9));
    }
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, target + ": cannot write: " + e.getMessage(), e);
    }
  }

  private static void transfer(String url, Path part, long size, String what, Settings settings) {
    long have = 0;
    try {
      have = Files.isRegularFile(part) ? Files.size(part) : 0;
    } catch (IOException e) {
      have = 0;
    }
    if (size >= 0 && have == size) {
      return;
    }
    if (size >= 0 && have > size) {
      deleteQuietly(part);
      have = 0;
    }
    HttpURLConnection c = null;
    try {
      c = open(url, settings, have);
      int code = c.getResponseCode();
      boolean append = false;
      if (code == 206 && have > 0) {
        String range = c.getHeaderField("Content-Range");
        if (range == null || !range.strip().startsWith("bytes " + have + "-")) {
          // not the bytes asked for: start over rather than splice the wrong ones in
          c.disconnect();
          c = null;
          deleteQuietly(part);
          settings.listener().say("fetch: " + what + ": the server sent another range (" + range + "); starting over");
          transfer(url, part, size, what, settings);
          return;
        }
        append = true;
        settings.listener().say("fetch: resuming " + what + " at " + have + " bytes");
      } else if (code == 416 && have > 0) {
        // the part file already holds everything the server has: verify it as it is
        return;
      } else if (code != 200) {
        throw new TrawlException(TrawlException.RUNTIME, url + ": HTTP " + code
            + (code == 404 ? " (not found)" : "") + "; nothing was written");
      } else if (have > 0) {
        settings.listener().say("fetch: " + what + ": the server does not resume downloads; starting over");
      }
      long total = c.getContentLengthLong();
      total = total >= 0 ? (append ? have + total : total) : size;
      long done = append ? have : 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = c.getInputStream();
          OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          done += n;
          settings.listener().bytes(what, done, total);
        }
      }
      if (total >= 0 && done < total) {
        throw new TrawlException(TrawlException.RUNTIME, url + ": connection closed after " + done + " of "
            + total + " bytes; run the same command again to resume from " + part);
      }
    } catch (SocketTimeoutException e) {
      throw new TrawlException(TrawlException.RUNTIME, url + ": no data for "
          + settings.readTimeout().toSeconds() + " s (server stalled); run the same command again to resume"
          + (Files.exists(part) ? " from " + part : ""), e);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, url + ": download failed: " + e
          + (Files.exists(part) ? "; run the same command again to resume from " + part : ""), e);
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  /** Opens a GET, asking for the bytes from {@code from} on when it is positive. */
  static HttpURLConnection open(String url, Settings settings, long from) throws IOException {
    URL u;
    try {
      u = URI.create(url).toURL();
    } catch (IllegalArgumentException | java.net.MalformedURLException e) {
      throw TrawlException.invalid("not a URL: " + url);
    }
    HttpURLConnection c = (HttpURLConnection) u.openConnection();
    int ms = (int) Math.min(Integer.MAX_VALUE, settings.readTimeout().toMillis());
    c.setConnectTimeout(ms);
    c.setReadTimeout(ms);
    c.setInstanceFollowRedirects(true);
    c.setRequestProperty("User-Agent", "trawl-fetch");
    c.setRequestProperty("Accept-Encoding", "identity");
    if (from > 0) {
      c.setRequestProperty("Range", "bytes=" + from + "-");
    }
    return c;
  }

  /** Reads a small document (an API answer) whole. */
  static byte[] get(String url, Settings settings) {
    HttpURLConnection c = null;
    try {
      c = open(url, settings, 0);
      int code = c.getResponseCode();
      if (code != 200) {
        throw new TrawlException(code == 404 || code == 401 ? TrawlException.INVALID_INPUT : TrawlException.RUNTIME,
            url + ": HTTP " + code + (code == 404 || code == 401 ? " (no such repository or revision, or it is private)" : ""));
      }
      try (InputStream in = c.getInputStream()) {
        return in.readNBytes(64 << 20);
      }
    } catch (SocketTimeoutException e) {
      throw new TrawlException(TrawlException.RUNTIME, url + ": no data for "
          + settings.readTimeout().toSeconds() + " s (server stalled)", e);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, url + ": request failed: " + e, e);
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  private static void verify(String url, Path part, long size, Checksum checksum, Listener listener) {
    try {
      long actualSize = Files.size(part);
      if (size >= 0 && actualSize != size) {
        deleteQuietly(part);
        throw new TrawlException(TrawlException.RUNTIME, url + ": size mismatch: expected " + size
            + " bytes, got " + actualSize + "; the download was deleted");
      }
      if (checksum == null) {
        listener.say("fetch: " + part.getFileName() + ": no published checksum; sha256 " + digest(part, "sha256"));
        return;
      }
      String actual = digest(part, checksum.algorithm());
      if (!actual.equals(checksum.hex())) {
        deleteQuietly(part);
        throw new TrawlException(TrawlException.RUNTIME, url + ": checksum mismatch: expected "
            + checksum.algorithm() + " " + checksum.hex() + ", got " + actual + "; the download was deleted");
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, part + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** The hex digest of a file; {@code git-sha1} is Git's blob id (sha1 of "blob SIZE\0" + bytes). */
  public static String digest(Path file, String algorithm) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(switch (algorithm) {
        case "md5" -> "MD5";
        case "sha256" -> "SHA-256";
        case "git-sha1" -> "SHA-1";
        default -> throw new IllegalArgumentException(algorithm);
      });
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (algorithm.equals("git-sha1")) {
      md.update(("blob " + Files.size(file) + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // nothing more to do
    }
  }
}
