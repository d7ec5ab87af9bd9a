package io.trawl.corpus;

import io.trawl.core.InputException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Where corpus bytes come from: a file, every file under a folder (sorted by path, hidden files
 * skipped, so the order is the same on every machine), standard input ({@code -}), or a built-in
 * collection ({@code builtin:cranfield}). Gzip is detected by its magic bytes.
 */
final class Sources {
  /** The input name that reads standard input. */
  static final String STDIN = "-";

  private Sources() {}

  /** The files of {@code input}, in reading order. */
  static List<String> files(String input) {
    if (BuiltinCollections.isBuiltin(input) || STDIN.equals(input)) {
      return List.of(input);
    }
    Path p = Path.of(input);
    if (!Files.exists(p)) {
      throw new InputException(input, "no such file or folder");
    }
    if (!Files.isDirectory(p)) {
      return List.of(input);
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(p)) {
      walk.filter(Files::isRegularFile)
          .filter(f -> !hidden(p.relativize(f)))
          .map(Path::toString)
          .sorted()
          .forEach(out::add);
    } catch (IOException e) {
      throw new InputException(input, "cannot list folder: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new InputException(input, "folder holds no files");
    }
    return out;
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Total size in bytes of the inputs as stored (compressed size for .gz), for progress. */
  static long size(List<String> files) {
    long total = 0;
    for (String f : files) {
      if (BuiltinCollections.isBuiltin(f) || STDIN.equals(f)) {
        continue;
      }
      try {
        total += Files.size(Path.of(f));
      } catch (IOException e) {
        // progress only
      }
    }
    return total;
  }

  /** Opens {@code name}, counting stored bytes into {@code consumed}, gunzipping when needed. */
  static InputStream open(String name, AtomicLong consumed) {
    InputStream raw;
    try {
      if (BuiltinCollections.isBuiltin(name)) {
        raw = BuiltinCollections.get(name).open();
      } else if (STDIN.equals(name)) {
        raw = new java.io.FilterInputStream(System.in) {
          @Override
          public void close() {
            // leave stdin open
          }
        };
      } else {
        raw = Files.newInputStream(Path.of(name));
      }
    } catch (NoSuchFileException e) {
      throw new InputException(name, "no such file");
    } catch (IOException e) {
      throw new InputException(name, "cannot read: " + e.getMessage());
    }
    InputStream counted = consumed == null ? raw : new FilterInputStream(raw) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          consumed.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          consumed.addAndGet(n);
        }
        return n;
      }
    };
    try {
      BufferedInputStream b = new BufferedInputStream(counted, 1 << 16);
      b.mark(2);
      int m1 = b.read();
      int m2 = b.read();
      b.reset();
      if (m1 == 0x1f && m2 == 0x8b) {
        return new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16);
      }
      return b;
    } catch (IOException e) {
      throw new InputException(name, "cannot read: " + e.getMessage());
    }
  }
}
