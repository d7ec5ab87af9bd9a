package io.trawl.hostile;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.trawl.core.InputException;
import io.trawl.model.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing deserialises Java objects or runs pickles (the one pickle reader, fetch.TorchCheckpoint,
 * builds only tensors and refuses every other global); paths in specs and model folders stay where they
 * belong; secrets given by mistake never come back in messages.
 */
class SecurityTest {
  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.trawl");

  @TempDir Path tmp;

  @Test
  void noJavaDeserialisation() {
    noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.io.ObjectInputStream")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.ObjectInput")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.beans.XMLDecoder")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.rmi.server.RemoteObject")
        .because("a model or data file must never be able to run code when it is read")
        .check(MAIN);
    // Jackson polymorphic typing (enableDefaultTyping / activateDefaultTyping) is the JSON variant
    noClasses().should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.base.DescribedPredicate.describe("default typing",
                t -> t.getName().contains("DefaultTyping"))))
        .check(MAIN);
  }

  @Test
  void noPickleOrTorchScriptLoading() throws IOException {
    // runtimes read weights only from safetensors; a pytorch_model.bin (pickle) is opened only by
    // trawl fetch's restricted reader, which converts it to safetensors (TorchCheckpointTest)
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String s = Files.readString(f);
        for (String bad : new String[] {".pth\"", "Unpickler", "ObjectInputStream", "readObject("}) {
          assertFalse(s.contains(bad), f + " mentions " + bad);
        }
        if (!f.endsWith(Path.of("io/trawl/fetch/TorchCheckpoint.java"))) {
          assertFalse(s.contains("data.pkl"), f + " reads a pickle; only fetch.TorchCheckpoint may");
        }
      }
    }
    noClasses().should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.base.DescribedPredicate.describe("DJL Model.load (TorchScript is pickle-based)",
                t -> t.getOwner().getName().equals("ai.djl.Model") && t.getName().equals("load"))))
        .check(MAIN);
  }

  static Path spec(Path dir, String yaml) throws IOException {
    Path f = dir.resolve("cranfield-bm25.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void regressionSpecPathsStayInTheirRoots() throws IOException {
    String yaml = Files.readString(Path.of("regressions/cranfield-bm25.yaml"));
    Path coll = Files.createDirectories(tmp.resolve("collections"));
    Path outside = Files.writeString(tmp.resolve("secret.txt"), "q1 0 d1 1\n");
    String[][] cases = {
        {yaml.replace("index:\n  name: cranfield", "index:\n  name: ../../outside"), "index name '../../outside'"},
        {yaml.replace("index:\n  name: cranfield", "index:\n  name: a/b"), "index name 'a/b'"},
        {yaml.replace("path: builtin:cranfield", "path: ../secret.txt\n  format: tsv"), "escapes the collections root"},
        {yaml.replace("    qrels: cranfield", "    qrels: sub/../../secret.txt"), "escapes the collections root"},
        {yaml.replace("  - name: cranfield\n", "  - name: ../x\n"), "topic set name '../x'"},
    };
    for (String[] c : cases) {
      Path f = spec(Files.createDirectories(tmp.resolve("specs" + c[1].hashCode())), c[0]);
      Cli.Outcome o = Cli.run("regress", "run", f.toString(), "--dry-run", "--collections", coll.toString(),
          "--index-root", tmp.resolve("indexes").toString());
      assertEquals(2, o.code(), c[1] + ": " + o.err() + o.out());
      assertTrue(o.err().startsWith("trawl: error: " + f + ":"), o.err());
      assertTrue(o.err().contains(c[1]), o.err());
      assertEquals(1, o.err().strip().lines().count(), o.err());
    }
    assertTrue(Files.exists(outside));
    assertFalse(Files.exists(tmp.resolve("outside")));
  }

  @Test
  void safetensorsShardsStayInTheModelFolder() throws IOException {
    Path model = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(model.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"a\": \"../evil.safetensors\"}}");
    InputException e = assertThrows(InputException.class, () -> SafeTensors.open(model));
    assertTrue(e.getMessage().contains("outside the model folder"), e.getMessage());
    Files.writeString(model.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"a\": \"/etc/passwd\"}}");
    e = assertThrows(InputException.class, () -> SafeTensors.open(model));
    assertTrue(e.getMessage().contains("outside the model folder") || e.getMessage().contains("not a file name"),
        e.getMessage());
  }

  @Test
  void secretsInASpecAreNeverEchoed() throws IOException {
    Path cands = Files.writeString(tmp.resolve("c.jsonl"), "{\"query\":{\"text\":\"q\",\"qid\":\"1\"},\"candidates\":["
        + "{\"docid\":\"a\",\"score\":2,\"doc\":{\"contents\":\"x\"}},{\"docid\":\"b\",\"score\":1,\"doc\":{\"contents\":\"y\"}}]}\n");
    String secret = "sk-proj-SECRETSECRET0123456789";
    for (String spec : new String[] {
        "rankgpt(backend=openai,base-url=http://127.0.0.1:9/v1,model=gpt-4o,api-key=" + secret + ")",
        "rankgpt(backend=openai,base-url=http://127.0.0.1:9/v1,model=gpt-4o,retries=0,api-key-env=" + secret + ")",
        "monot5(model=x,token=" + secret + ")"}) {
      Cli.Outcome o = Cli.run("rerank", "--reranker", spec, "-i", cands.toString(),
          "-o", tmp.resolve("o.txt").toString());
      assertTrue(o.code() != 0, spec);
      assertFalse(o.err().contains("SECRETSECRET") || o.out().contains("SECRETSECRET"),
          "a secret was echoed: " + o.err());
    }
  }

  /** A shared spec whose only run reranks two candidates through an OpenAI-compatible endpoint. */
  Path apiSpec(String rerankerParams) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("api" + Integer.toHexString(rerankerParams.hashCode())));
    Path topics = Files.writeString(dir.resolve("topics.tsv"), "1\tflow\n");
    Path qrels = Files.writeString(dir.resolve("qrels.txt"), "1 0 b 1\n");
    Path cands = Files.writeString(dir.resolve("c.jsonl"), "{\"query\":{\"text\":\"flow\",\"qid\":\"1\"},"
        + "\"candidates\":[{\"docid\":\"a\",\"score\":2,\"doc\":{\"contents\":\"x\"}},"
        + "{\"docid\":\"b\",\"score\":1,\"doc\":{\"contents\":\"y\"}}]}\n");
    return Files.writeString(dir.resolve("api-spec.yaml"), String.join("\n",
        "name: api-spec",
        "description: A spec someone shared.",
        "topics:",
        "  - name: t",
        "    topics: " + topics,
        "    qrels: " + qrels,
        "measures:",
        "  - measure: nDCG@10",
        "    options: -c",
        "runs:",
        "  - name: llm",
        "    description: RankGPT through an API.",
        "    pipeline: candidates(file=" + cands + ")@2 >> rankgpt(" + rerankerParams + ")@2",
        "    expected:",
        "      t: {nDCG@10: 1.0}",
        ""));
  }

  Cli.Outcome regress(Path spec, String... extra) {
    String[] args = {"regress", "run", spec.toString(), "--runs", tmp.resolve("runs").toString(),
        "--index-root", tmp.resolve("indexes").toString(), "-q"};
    String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    return Cli.run(all);
  }

  @Test
  void aSpecCannotChooseTheEndpointOrTheKeyVariable() throws Exception {
    try (FakeChatServer server = new FakeChatServer()) {
      String url = server.baseUrl();
      // the spec names a host and a variable (PATH stands for a cloud secret): refused, nothing sent
      Path hostile = apiSpec("backend=openai,base-url=" + url + ",api-key-env=PATH,model=m,cache=off,retries=0");
      Cli.Outcome o = regress(hostile);
      assertEquals(2, o.code(), o.err() + o.out());
      assertEquals(1, o.err().strip().lines().count(), o.err());
      assertTrue(o.err().startsWith("trawl: error: " + hostile + ":13:"), o.err());
      assertTrue(o.err().contains("base-url=" + url) && o.err().contains("--base-url"), o.err());
      // confirming the host is not enough: the variable must be confirmed too
      o = regress(hostile, "--base-url", url);
      assertEquals(2, o.code(), o.err() + o.out());
      assertTrue(o.err().contains("api-key-env=PATH") && o.err().contains("--api-key-env"), o.err());
      assertEquals(List.of(), server.authorizations, "a request was sent for an unconfirmed spec");

      // a spec without them: skipped until the user gives an endpoint (named explicitly, it cannot
      // run here: exit 1), then the user's key is sent
      Path plain = apiSpec("backend=openai,model=m,cache=off,retries=0");
      o = regress(plain);
      assertEquals(1, o.code(), o.err() + o.out());
      assertTrue(o.out().contains("needs an API endpoint"), o.out());
      assertEquals(List.of(), server.authorizations);
      o = regress(plain, "--base-url", url, "--api-key-env", "HOME");
      assertTrue(o.code() == 0 || o.code() == 3, o.err() + o.out());
      assertEquals(List.of("Bearer " + System.getenv("HOME").strip()), server.authorizations);

      // the spec's own choices, confirmed by the same values from the user, are used
      o = regress(hostile, "--base-url", url, "--api-key-env", "PATH");
      assertTrue(o.code() == 0 || o.code() == 3, o.err() + o.out());
      assertEquals(2, server.authorizations.size());
    }
  }
}
