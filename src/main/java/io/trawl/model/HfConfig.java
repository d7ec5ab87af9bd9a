package io.trawl.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Hugging Face model folder's {@code config.json}, with typed getters whose errors name the file
 * and the key. Architecture-specific records ({@link T5Config}, the decoder-only configs) are built
 * from it; {@link #requireModelType(String, Set)} rejects a folder of the wrong kind with a
 * one-line message.
 */
public final class HfConfig {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path folder;
  private final Path file;
  private final JsonNode root;

  private HfConfig(Path folder, Path file, JsonNode root) {
    this.folder = folder;
    this.file = file;
    this.root = root;
  }

  /** Reads {@code <folder>/config.json}; a missing folder or file is an {@link InputException}. */
  public static HfConfig load(Path folder) {
    if (!Files.exists(folder)) {
      throw new InputException(folder.toString(), "no such model folder");
    }
    if (!Files.isDirectory(folder)) {
      throw new InputException(folder.toString(), "not a folder; expected a Hugging Face model folder with config.json");
    }
    Path file = folder.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      throw new InputException(file.toString(), "no config.json: not a Hugging Face model folder");
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new InputException(file.toString(), "invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InputException(file.toString(), "cannot read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InputException(file.toString(), "expected a JSON object");
    }
    return new HfConfig(folder, file, root);
  }

  public Path folder() {
    return folder;
  }

  public Path file() {
    return file;
  }

  public JsonNode json() {
    return root;
  }

  /** {@code model_type}, or "" when absent. */
  public String modelType() {
    JsonNode n = root.get("model_type");
    return n != null && n.isTextual() ? n.asText() : "";
  }

  /** {@code architectures}, or empty. */
  public List<String> architectures() {
    List<String> out = new ArrayList<>();
    JsonNode n = root.get("architectures");
    if (n != null && n.isArray()) {
      n.forEach(a -> out.add(a.asText()));
    }
    return out;
  }

  /**
   * Fails unless {@code model_type} is one of {@code types}; names what was found and what a
   * {@code user} (e.g. "monot5") accepts.
   */
  public String requireModelType(String user, Set<String> types) {
    String t = modelType();
    if (!types.contains(t)) {
      String arch = architectures().isEmpty() ? "" : " (architectures " + architectures() + ")";
      throw new InputException(file.toString(), (t.isEmpty() ? "no model_type" : "unknown model_type '" + t + "'")
          + arch + " for " + user + "; expected " + String.join(" or ", new java.util.TreeSet<>(types)));
    }
    return t;
  }

  /** Fails when {@code architectures} is present and names none of {@code known}. */
  public void requireArchitecture(String user, Set<String> known) {
    List<String> arch = architectures();
    if (!arch.isEmpty() && arch.stream().noneMatch(known::contains)) {
      throw new InputException(file.toString(), "unknown architecture " + arch + " for " + user
          + "; expected one of " + new java.util.TreeSet<>(known));
    }
  }

  public boolean has(String key) {
    JsonNode n = root.get(key);
    return n != null && !n.isNull();
  }

  public int requireInt(String key) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      throw new InputException(file.toString(), "missing \"" + key + "\"");
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new InputException(file.toString(), "\"" + key + "\" must be an integer, got " + n);
    }
    return n.asInt();
  }

  public int positiveInt(String key) {
    int v = requireInt(key);
    if (v <= 0) {
      throw new InputException(file.toString(), "\"" + key + "\" must be positive, got " + v);
    }
    return v;
  }

  public int getInt(String key, int def) {
    return has(key) ? requireInt(key) : def;
  }

  public double getDouble(String key, double def) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    if (!n.isNumber()) {
      throw new InputException(file.toString(), "\"" + key + "\" must be a number, got " + n);
    }
    return n.asDouble();
  }

  public boolean getBoolean(String key, boolean def) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    if (!n.isBoolean()) {
      throw new InputException(file.toString(), "\"" + key + "\" must be true or false, got " + n);
    }
    return n.asBoolean();
  }

  public String getString(String key, String def) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    if (!n.isTextual()) {
      throw new InputException(file.toString(), "\"" + key + "\" must be a string, got " + n);
    }
    return n.asText();
  }

  /** An error about this config file. */
  public InputException error(String problem) {
    return new InputException(file.toString(), problem);
  }
}
