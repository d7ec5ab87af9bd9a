package io.trawl.model;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import io.trawl.core.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A SentencePiece model file ({@code spiece.model} for T5, {@code tokenizer.model} for Llama),
 * through DJL's sentencepiece binding. The special-token convention is given by the caller:
 * {@link Tokenizers.Convention#T5} appends {@code </s>} (what Hugging Face's {@code T5Tokenizer}
 * does), {@link Tokenizers.Convention#LLAMA} prepends {@code <s>}.
 */
public final class SentencePieceTokenizer implements TextTokenizer {
  private final Path file;
  private final SpTokenizer tokenizer;
  private final SpProcessor processor;
  private final int[] prefix;
  private final int[] suffix;
  private final int vocabSize;
  private final String[] pieceList;
  private final int[] types;
  private final Map<String, Integer> index = new HashMap<>();

  public SentencePieceTokenizer(Path file, Tokenizers.Convention convention) {
    this.file = file;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InputException(file.toString(), "cannot read: " + e.getMessage());
    }
    List<Integer> types = new ArrayList<>();
    List<String> read = readPieces(bytes, types);
    if (read == null || read.isEmpty()) {
      throw new InputException(file.toString(), "not a SentencePiece model (no pieces found)");
    }
    SpTokenizer t;
    try {
      t = new SpTokenizer(bytes);
    } catch (RuntimeException e) {
      throw new InputException(file.toString(), "not a SentencePiece model: " + e.getMessage());
    }
    this.tokenizer = t;
    this.pieceList = read.toArray(new String[0]);
    this.types = types.stream().mapToInt(Integer::intValue).toArray();
    this.vocabSize = pieceList.length;
    for (int i = 0; i < pieceList.length; i++) {
      index.putIfAbsent(pieceList[i], i);
    }
    this.processor = t.getProcessor();
    this.prefix = switch (convention) {
      case LLAMA -> special("<s>");
      default -> new int[0];
    };
    this.suffix = switch (convention) {
      case T5 -> special("</s>");
      default -> new int[0];
    };
  }

  /** Piece types of sentencepiece_model.proto. */
  static final int NORMAL = 1;
  static final int UNKNOWN = 2;
  static final int CONTROL = 3;
  static final int USER_DEFINED = 4;
  static final int BYTE = 6;

  /**
   * Reads the pieces of a serialized {@code ModelProto} (top-level field 1,
   * {@code repeated SentencePiece pieces}, each with field 1 {@code piece} and field 3
   * {@code type}). Returns null when the bytes are not a valid protobuf.
   */
  static List<String> readPieces(byte[] b, List<Integer> types) {
    List<String> pieces = new ArrayList<>();
    int pos = 0;
    try {
      while (pos < b.length) {
        long[] r = varint(b, pos);
        int field = (int) (r[0] >>> 3);
        int wire = (int) (r[0] & 7);
        pos = (int) r[1];
        if (wire == 2) {
          long[] len = varint(b, pos);
          if (len[0] < 0 || len[1] + len[0] > b.length) {
            return null;
          }
          int from = (int) len[1];
          int to = (int) (len[1] + len[0]);
          if (field == 1) {
            String[] piece = {null};
            int[] type = {NORMAL};
            int q = from;
            while (q < to) {
              long[] t = varint(b, q);
              int f = (int) (t[0] >>> 3);
              int w = (int) (t[0] & 7);
              q = (int) t[1];
              if (w == 2) {
                long[] l = varint(b, q);
                if (l[0] < 0 || l[1] + l[0] > to) {
                  return null;
                }
                if (f == 1) {
                  piece[0] = new String(b, (int) l[1], (int) l[0], StandardCharsets.UTF_8);
                }
                q = (int) (l[1] + l[0]);
              } else if (w == 0) {
                long[] v = varint(b, q);
                if (f == 3) {
                  type[0] = (int) v[0];
                }
                q = (int) v[1];
              } else if (w == 5) {
                q += 4;
              } else if (w == 1) {
                q += 8;
              } else {
                return null;
              }
            }
            if (piece[0] == null) {
              return null;
            }
            pieces.add(piece[0]);
            types.add(type[0]);
          }
          pos = to;
        } else if (wire == 0) {
          pos = (int) varint(b, pos)[1];
        } else if (wire == 1) {
          pos += 8;
        } else if (wire == 5) {
          pos += 4;
        } else {
          return null;
        }
        if (pos > b.length) {
          return null;
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      return null;
    }
    return pieces;
  }

  private static long[] varint(byte[] b, int pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte x = b[pos++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return new long[] {v, pos};
      }
    }
    throw new ArrayIndexOutOfBoundsException("varint too long");
  }

  private int[] special(String piece) {
    int id = pieceId(piece);
    if (id < 0) {
      throw new InputException(file.toString(), "the SentencePiece model has no '" + piece + "' piece");
    }
    return new int[] {id};
  }

  @Override
  public int[] encode(String text) {
    if (text.isEmpty()) {
      return new int[0];
    }
    return processor.encode(text);
  }

  /**
   * Starts from the pieces themselves: their surface text ({@code ▁} a space, byte pieces joined
   * as UTF-8) laid end to end must give back {@code text}, or {@code text} after one space (the
   * dummy prefix), which holds for models without a rewriting normalizer (Llama's); otherwise
   * (T5's NFKC, collapsed spaces, unknown pieces) starts is null.
   */
  @Override
  public Tokens encodeWithStarts(String text) {
    int[] ids = encode(text);
    int[] starts = new int[ids.length];
    StringBuilder surface = new StringBuilder();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int bytesFrom = -1; // first token of the pending byte run
    for (int i = 0; i < ids.length; i++) {
      int type = ids[i] >= 0 && ids[i] < vocabSize ? types[ids[i]] : UNKNOWN;
      if (type == BYTE) {
        String p = pieceList[ids[i]];
        int b = Integer.parseInt(p.substring(3, p.length() - 1), 16);
        if ((b & 0xC0) != 0x80 && bytes.size() > 0) {
          bytesFrom = flushBytes(bytes, surface, starts, bytesFrom, i);
        }
        if (bytes.size() == 0) {
          bytesFrom = i;
        }
        bytes.write(b);
        continue;
      }
      if (bytes.size() > 0) {
        bytesFrom = flushBytes(bytes, surface, starts, bytesFrom, i);
      }
      if (type != NORMAL && type != USER_DEFINED) {
        return new Tokens(ids, null);
      }
      starts[i] = surface.length();
      surface.append(pieceList[ids[i]].replace('\u2581', ' '));
    }
    if (bytes.size() > 0) {
      flushBytes(bytes, surface, starts, bytesFrom, ids.length);
    }
    int shift;
    if (surface.toString().equals(text)) {
      shift = 0;
    } else if (surface.length() == text.length() + 1 && surface.charAt(0) == ' '
        && surface.substring(1).equals(text)) {
      shift = 1;
    } else {
      return new Tokens(ids, null);
    }
    for (int i = 0; i < starts.length; i++) {
      starts[i] = Math.max(0, starts[i] - shift);
    }
    return new Tokens(ids, starts);
  }

  /**
   * Appends the pending bytes (tokens {@code from..to-1}) as UTF-8; each byte token starts where
   * the character its byte belongs to starts. Returns -1.
   */
  private static int flushBytes(ByteArrayOutputStream bytes, StringBuilder surface, int[] starts, int from, int to) {
    byte[] b = bytes.toByteArray();
    bytes.reset();
    int at = surface.length();
    int k = 0;
    for (int i = from; i < to; i++, k++) {
      // a character's lead byte starts it; continuation bytes belong to the character before
      if ((b[k] & 0xC0) != 0x80) {
        at = surface.length() + new String(b, 0, k, StandardCharsets.UTF_8).length();
      }
      starts[i] = at;
    }
    surface.append(new String(b, StandardCharsets.UTF_8));
    return -1;
  }

  @Override
  public String[] pieces(String text) {
    int[] ids = encode(text);
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = pieceList[ids[i]];
    }
    return out;
  }

  /**
   * Decodes in Java (DJL's native decode mangles 4-byte UTF-8): control pieces are skipped,
   * byte pieces ({@code <0xF0>}) are joined as UTF-8, {@code ▁} becomes a space, unknown pieces
   * read {@code " ⁇ "}, and the dummy-prefix space of the first piece is removed, as
   * SentencePiece's decoder does.
   */
  @Override
  public String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean first = true;
    for (int id : ids) {
      if (id < 0 || id >= vocabSize) {
        continue;
      }
      int type = types[id];
      if (type == CONTROL) {
        continue;
      }
      if (type == BYTE) {
        String p = pieceList[id];
        bytes.write(Integer.parseInt(p.substring(3, p.length() - 1), 16));
        first = false;
        continue;
      }
      flush(bytes, sb);
      String p = type == UNKNOWN ? " \u2047 " : pieceList[id].replace('\u2581', ' ');
      if (first && p.startsWith(" ")) {
        p = p.substring(1);
      }
      first = false;
      sb.append(p);
    }
    flush(bytes, sb);
    return sb.toString();
  }

  private static void flush(ByteArrayOutputStream bytes, StringBuilder sb) {
    if (bytes.size() > 0) {
      sb.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
      bytes.reset();
    }
  }

  @Override
  public int pieceId(String piece) {
    return index.getOrDefault(piece, -1);
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int[] prefix() {
    return prefix.clone();
  }

  @Override
  public int[] suffix() {
    return suffix.clone();
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "sentencepiece(" + file + ")";
  }
}
