package io.trawl.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.cli.Trawl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Help with runnable examples, completion, --quiet, --debug and suggestions on every command. */
class UsabilityTest {
  @TempDir Path tmp;

  /** Every command and subcommand, with its qualified name ("regress run"). */
  static List<CommandLine> allCommands() {
    List<CommandLine> out = new ArrayList<>();
    collect(Trawl.commandLine(), out);
    return out;
  }

  private static void collect(CommandLine cl, List<CommandLine> out) {
    out.add(cl);
    for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
      if (!e.getKey().equals(e.getValue().getCommandName())) {
        continue; // an alias
      }
      if (!(e.getValue().getCommand() instanceof CommandLine.HelpCommand)) {
        collect(e.getValue(), out);
      }
    }
  }

  @Test
  void everyCommandsUsageHasAnExampleSection() {
    List<String> missing = new ArrayList<>();
    for (CommandLine cl : allCommands()) {
      String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
      int at = usage.indexOf("Example");
      if (at < 0 || !usage.substring(at).contains("trawl ")) {
        missing.add(cl.getCommandSpec().qualifiedName());
      }
    }
    assertEquals(List.of(), missing, "commands whose --help has no 'Example' section with a trawl command line");
  }

  @Test
  void everyCommandAcceptsDebugAndHelp() {
    for (CommandLine cl : allCommands()) {
      String name = cl.getCommandSpec().qualifiedName();
      assertTrue(cl.getCommandSpec().findOption("--debug") != null, name + " lacks --debug");
      assertTrue(cl.getCommandSpec().findOption("--help") != null, name + " lacks --help");
    }
    Cli.Outcome help = Cli.run("--help");
    assertEquals(0, help.code());
    for (String c : List.of("index", "search", "rerank", "eval", "compare", "fuse", "regress", "completion")) {
      assertTrue(help.out().contains("  " + c + " ") || help.out().contains("  " + c + "\n"), "trawl --help lists " + c + ":\n" + help.out());
    }
  }

  @Test
  void longRunningCommandsHaveQuiet() {
    List<String> missing = new ArrayList<>();
    for (CommandLine cl : allCommands()) {
      String name = cl.getCommandSpec().qualifiedName();
      if (List.of("trawl index", "trawl search", "trawl rerank", "trawl run", "trawl regress run", "trawl encode",
          "trawl dense-index", "trawl dense-search").contains(name)
          && cl.getCommandSpec().findOption("--quiet") == null) {
        missing.add(name);
      }
    }
    assertEquals(List.of(), missing, "long-running commands without --quiet");
  }

  @Test
  void completionScriptCoversEveryCommand() {
    Cli.Outcome o = Cli.run("completion");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("complete -F"), "a bash completion script");
    for (CommandLine cl : allCommands()) {
      if (cl.getParent() != null && cl.getParent().getParent() == null) {
        assertTrue(o.out().contains(cl.getCommandName()), "completion lacks " + cl.getCommandName());
      }
    }
    assertTrue(o.out().contains("--topics") && o.out().contains("--reranker"), "options are completed");
  }

  @Test
  void errorsSuggestTheFix() {
    Cli.Outcome typoCommand = Cli.run("serach", "--index", "x");
    assertEquals(2, typoCommand.code());
    assertTrue(typoCommand.err().contains("search"), typoCommand.err());
    Cli.Outcome typoTopics = Cli.run("search", "--index", tmp.toString(), "--topics", "dl19-pasage");
    assertEquals(2, typoTopics.code());
    assertTrue(typoTopics.err().contains("dl19-passage"), typoTopics.err());
    Cli.Outcome typoRetriever = Cli.run("run", "--pipeline", "bm52", "--topics", "cranfield", "-o",
        tmp.resolve("r.txt").toString());
    assertEquals(2, typoRetriever.code());
    assertTrue(typoRetriever.err().contains("bm25"), typoRetriever.err());
    Cli.Outcome typoMeasure = Cli.run("eval", "-m", "ndcg_cut10", "cranfield", "x.txt");
    assertEquals(2, typoMeasure.code());
    assertFalse(typoMeasure.err().contains("\tat "), typoMeasure.err());
  }

  @Test
  void luceneInfoLoggingIsSilenced() throws Exception {
    java.lang.reflect.Method m = Trawl.class.getDeclaredMethod("quietLibraryLogging");
    m.setAccessible(true);
    m.invoke(null);
    java.util.logging.Logger l = java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");
    assertFalse(l.isLoggable(java.util.logging.Level.INFO), "Lucene INFO lines would reach stderr");
    assertTrue(l.isLoggable(java.util.logging.Level.WARNING));
  }
}
