package io.trawl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The declared CLI: shared options come from one mixin each (same names, same help everywhere),
 * outputs are checked before any work, {@code --threads} has one meaning, and the names that help
 * texts list come from the registries.
 */
class DeclaredCliTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = Trawl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Every command and subcommand (aliases once). */
  static List<CommandLine> commands() {
    List<CommandLine> out = new ArrayList<>();
    collect(Trawl.commandLine(), out);
    return out;
  }

  private static void collect(CommandLine cl, List<CommandLine> out) {
    out.add(cl);
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals(e.getValue().getCommandName())
          && !(e.getValue().getCommand() instanceof CommandLine.HelpCommand)) {
        collect(e.getValue(), out);
      }
    }
  }

  private static CommandLine command(String... path) {
    CommandLine cl = Trawl.commandLine();
    for (String p : path) {
      cl = cl.getSubcommands().get(p);
    }
    return cl;
  }

  private static java.util.Set<String> names(OptionSpec o) {
    return new java.util.TreeSet<>(List.of(o.names()));
  }

  private static java.util.Set<String> set(String... names) {
    return new java.util.TreeSet<>(List.of(names));
  }

  @Test
  void sharedOptionsAreDeclaredOnceWithOneHelpText() {
    // each shared option, wherever it appears, has the same description (the mixin's)
    for (String name : List.of("--debug", "--quiet", "--threads", "--topics", "--run-tag", "--output")) {
      java.util.Set<String> texts = new java.util.TreeSet<>();
      for (CommandLine cl : commands()) {
        OptionSpec o = cl.getCommandSpec().findOption(name);
        if (o != null && (!name.equals("--output") || o.type() == String.class)) {
          String text = String.join(" ", o.description());
          // rerank and encode say what the topics are for, then the shared text
          texts.add(name.equals("--topics") && text.endsWith(TopicsOptions.DESCRIPTION)
              ? TopicsOptions.DESCRIPTION : text);
        }
      }
      assertEquals(1, texts.size(), name + " has several help texts: " + texts);
    }
  }

  @Test
  void everyCommandTakesDebugAndQuietButEvalKeepsDashQForPerQuery() {
    for (CommandLine cl : commands()) {
      String name = cl.getCommandSpec().qualifiedName();
      assertNotNull(cl.getCommandSpec().findOption("--debug"), name);
      assertNotNull(cl.getCommandSpec().findOption("--quiet"), name);
    }
    CommandLine eval = command("eval");
    assertEquals(set("-q", "--query_eval_wanted"), names(eval.getCommandSpec().findOption("-q")));
    assertEquals(set("--quiet"), names(eval.getCommandSpec().findOption("--quiet")));
    assertEquals(set("-q", "--quiet"), names(command("search").getCommandSpec().findOption("--quiet")));
  }

  @Test
  void depthAndTagNamesAreConsistentWithTheirOldSpellingsAsAliases() {
    for (String[] c : new String[][] {{"search"}, {"dense-search"}, {"fuse"}, {"demo"}}) {
      assertNotNull(command(c).getCommandSpec().findOption("--hits"), String.join(" ", c) + " --hits");
    }
    assertEquals(set("-k", "--hits"), names(command("search").getCommandSpec().findOption("--hits")));
    assertEquals(set("--hits", "--k"), names(command("dense-search").getCommandSpec().findOption("--k")));
    assertEquals(set("--depth", "--hits"), names(command("demo").getCommandSpec().findOption("--depth")));
    assertEquals(set("--k", "--rrf-k"), names(command("fuse").getCommandSpec().findOption("--k")));
    for (String c : List.of("search", "fuse", "rerank", "dense-search")) {
      OptionSpec o = command(c).getCommandSpec().findOption("--tag");
      assertNotNull(o, c + " --tag");
      assertEquals(set("--run-tag", "--tag"), names(o), c);
    }
    for (CommandLine cl : commands()) {
      OptionSpec o = cl.getCommandSpec().findOption("--output");
      if (o != null) {
        assertTrue(names(o).contains("-o"), cl.getCommandSpec().qualifiedName() + ": --output without -o");
      }
    }
  }

  @Test
  void outputIsCheckedBeforeAnyWork() throws IOException {
    Path folder = Files.createDirectories(tmp.resolve("a-folder"));
    String missing = tmp.resolve("missing.txt").toString();
    String[][] cases = {
      {"search", "--index", missing, "--topics", missing},
      {"run", "--pipeline", "bm25", "--index", missing, "--topics", missing},
      {"eval", missing, missing},
      {"compare", missing, missing, missing},
      {"fuse", missing},
      {"rerank", "--reranker", "embed", "-i", missing},
      {"dense-search", "--index", missing, "--topics", missing},
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOf(c, c.length + 2);
      args[c.length] = "-o";
      args[c.length + 1] = folder.toString();
      Result r = run(args);
      assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
      assertEquals("trawl: error: " + folder + ": is a folder; give the name of a file to write",
          r.err().strip(), String.join(" ", args));
    }
  }

  @Test
  void threadsHasOneMeaning() {
    for (CommandLine cl : commands()) {
      OptionSpec o = cl.getCommandSpec().findOption("--threads");
      if (o == null) {
        continue;
      }
      String name = cl.getCommandSpec().qualifiedName();
      assertTrue(String.join(" ", o.description()).contains("0 = all cores"), name);
      assertNull(o.defaultValue(), name + ": the default is the kind of work's, not a number");
    }
    Result r = run("search", "--index", tmp.toString(), "--topics", "cranfield", "--threads", "-1");
    assertEquals(2, r.code(), r.err());
    assertEquals("trawl: error: --threads must be 0 (all cores) or more, got -1", r.err().strip());
    int cores = Runtime.getRuntime().availableProcessors();
    ThreadsOptions t = new ThreadsOptions();
    assertEquals(cores, t.resolve(ThreadsOptions.Work.RETRIEVAL));
    assertEquals(Math.min(8, cores), t.resolve(ThreadsOptions.Work.INDEXING));
    assertEquals(cores, t.resolve(ThreadsOptions.Work.NEURAL));
    assertEquals(0, t.forEncoder());
    t.threads = 0;
    assertEquals(cores, t.resolve(ThreadsOptions.Work.INDEXING));
    t.threads = 3;
    assertEquals(3, t.resolve(ThreadsOptions.Work.INDEXING));
    assertEquals(3, t.forEncoder());
  }

  @Test
  void helpTextsListTheRegistriesNames() {
    String search = command("search").getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
    for (String n : RegistryNames.of("retrievers")) {
      assertTrue(search.contains(n), "search --help lacks retriever " + n);
    }
    String rerank = command("rerank").getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
    for (String n : RegistryNames.of("rerankers")) {
      assertTrue(rerank.contains(n), "rerank --help lacks reranker " + n);
    }
    for (String c : List.of("index", "encode", "dense-index")) {
      String help = command(c).getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
      assertTrue(help.contains(String.join(", ", RegistryNames.of("formats"))), c + " --help lists the formats");
    }
  }

  @Test
  void writeFailureOnStdoutIsAnErrorNotASilentSuccess() {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Trawl.execute(new String[] {"list", "topics"}, full);
    } finally {
      System.setErr(err);
    }
    assertEquals(1, code);
    assertEquals("trawl: error: stdout: cannot write: No space left on device",
        errBytes.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void anUnhandledIoFailureIsNotAnInternalError() {
    var e = Trawl.ioFailure(new java.io.UncheckedIOException(
        new java.nio.file.FileSystemException("/x/run.txt", null, "No space left on device")));
    assertEquals("/x/run.txt: I/O error: No space left on device", e.getMessage());
    assertEquals(1, e.exitCode());
    assertNull(Trawl.ioFailure(new IllegalStateException("a bug")));
  }
}
