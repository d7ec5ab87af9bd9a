package io.trawl.fetch;

import io.trawl.core.InputException;
import io.trawl.core.TrawlException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a {@code .tar.gz} (ustar, GNU long names, pax paths) or {@code .zip} archive into a
 * folder that appears whole: the entries go to a hidden temporary folder beside the target, which
 * is renamed into place at the end. When the archive holds one top folder (Anserini's
 * {@code lucene-inverted.NAME.DATE.HASH/}), its contents become the target. Entries that would
 * land outside the target ({@code ..}, absolute paths) and links are refused.
 */
final class Archives {
  private Archives() {}

  static void unpack(Path archive, Path target, Download.Listener listener) {
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve("." + target.getFileName() + ".unpacking");
    try {
      Files.createDirectories(parent);
      deleteTree(tmp);
      Files.createDirectories(tmp);
      String name = archive.getFileName().toString();
      listener.say("fetch: unpacking " + name);
      if (name.endsWith(".zip")) {
        unzip(archive, tmp);
      } else {
        untar(archive, tmp);
      }
      Path content = tmp;
      try (Stream<Path> s = Files.list(tmp)) {
        List<Path> top = s.toList();
        if (top.size() == 1 && Files.isDirectory(top.get(0))) {
          content = top.get(0);
        }
      }
      Files.move(content, target, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(tmp);
    } catch (IOException e) {
      deleteTreeQuietly(tmp);
      throw new TrawlException(TrawlException.RUNTIME, archive + ": cannot unpack into " + target + ": " + e, e);
    } catch (RuntimeException e) {
      deleteTreeQuietly(tmp);
      throw e;
    }
  }

  private static void unzip(Path archive, Path dir) throws IOException {
    try (ZipInputStream z = new ZipInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      ZipEntry e;
      while ((e = z.getNextEntry()) != null) {
        Path out = inside(archive, dir, e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(z, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void untar(Path archive, Path dir) throws IOException {
    try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
      byte[] header = new byte[512];
      String longName = null;
      long paxSize = -1;
      while (true) {
        if (in.readNBytes(header, 0, 512) < 512) {
          throw new InputException(archive.toString(), "truncated tar archive");
        }
        if (allZero(header)) {
          return;
        }
        String name = longName != null ? longName : string(header, 0, 100);
        longName = null;
        String prefix = string(header, 345, 155);
        // POSIX ustar ("ustar\0") has a name prefix at 345; GNU tar ("ustar  ") keeps other fields there
        if (!prefix.isEmpty() && string(header, 257, 6).equals("ustar") && header[262] == 0) {
          name = prefix + "/" + name;
        }
        long size = paxSize >= 0 ? paxSize : octal(archive, header, 124, 12);
        char type = (char) header[156];
        if (type != 'x' && type != 'g' && type != 'L') {
          paxSize = -1;
        }
        long padded = (size + 511) / 512 * 512;
        switch (type) {
          case 'L' -> {
            longName = new String(in.readNBytes((int) size), StandardCharsets.UTF_8).replace("\0", "");
            in.skipNBytes(padded - size);
          }
          case 'x' -> {
            String pax = new String(in.readNBytes((int) size), StandardCharsets.UTF_8);
            in.skipNBytes(padded - size);
            longName = pax(pax, "path");
            String sz = pax(pax, "size");
            paxSize = sz == null ? -1 : Long.parseLong(sz.strip());
          }
          case 'g' -> in.skipNBytes(padded);
          case '5' -> Files.createDirectories(inside(archive, dir, name));
          case '0', '\0', '7' -> {
            Path out = inside(archive, dir, name);
            Files.createDirectories(out.getParent());
            try (OutputStream o = Files.newOutputStream(out)) {
              copy(in, o, size);
            }
            in.skipNBytes(padded - size);
          }
          default -> throw new InputException(archive.toString(), "tar entry " + name + " of type '" + type
              + "' (a link or device) is not allowed");
        }
      }
    }
  }

  /** A record ({@code LEN key=value}) of a pax extended header, or null. */
  private static String pax(String pax, String key) {
    for (String line : pax.split("\n")) {
      int sp = line.indexOf(' ');
      if (sp > 0 && line.startsWith(key + "=", sp + 1)) {
        return line.substring(sp + 2 + key.length());
      }
    }
    return null;
  }

  private static void copy(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (n > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (r < 0) {
        throw new IOException("truncated tar entry");
      }
      out.write(buf, 0, r);
      n -= r;
    }
  }

  /** {@code dir/name}, refusing names that leave {@code dir}. */
  private static Path inside(Path archive, Path dir, String name) {
    Path out = dir.resolve(name).normalize();
    if (name.startsWith("/") || !out.startsWith(dir)) {
      throw new InputException(archive.toString(), "entry '" + name + "' would be written outside the target folder");
    }
    return out;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(Path archive, byte[] b, int off, int len) {
    if ((b[off] & 0x80) != 0) {
      long v = 0;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (b[i] & 0xff);
      }
      return v;
    }
    String s = string(b, off, len).trim();
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new InputException(archive.toString(), "bad tar header (size '" + s + "')");
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  static void deleteTreeQuietly(Path p) {
    try {
      deleteTree(p);
    } catch (IOException e) {
      // best effort
    }
  }
}
