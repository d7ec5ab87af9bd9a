package io.trawl.cli;

import static io.trawl.cli.DeclaredCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.Registry;
import org.junit.jupiter.api.Test;

/**
 * A misspelt command, option or measure gets the nearest correct spelling (edit distance with
 * swaps of adjacent letters counted as one edit), and an unknown option is named before any
 * "missing required option" it probably is.
 */
class TypoSuggestionsTest {
  @Test
  void aSwapIsOneEdit() {
    assertEquals(1, Registry.editDistance("serach", "search"));
    assertEquals(1, Registry.editDistance("topic", "topics"));
    assertEquals(3, Registry.editDistance("abc", "xyz"));
    assertEquals("search", Registry.closest("serach", java.util.List.of("rerank", "dense-search", "search", "fuse")));
  }

  @Test
  void misspeltCommand() {
    DeclaredCliTest.Result r = run("serach");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown command 'serach' (did you mean 'trawl search'?)"), r.err());
    assertFalse(r.err().contains("rerank"), r.err());
    // with its options too: the command is what is wrong
    r = run("serach", "--index", "x", "--topics", "cranfield");
    assertTrue(r.err().contains("unknown command 'serach' (did you mean 'trawl search'?)"), r.err());
  }

  @Test
  void anOptionValueStartingWithADashIsNotAnOption() {
    assertEquals(null, Trawl.unknownOption(Trawl.commandLine().getSubcommands().get("search"),
        new String[] {"--query", "-covid vaccine", "--index", "x"}));
    DeclaredCliTest.Result r = run("search", "-z", "--index", "x", "--topics", "cranfield");
    assertTrue(r.err().contains("unknown option '-z'"), r.err());
    assertFalse(r.err().contains("did you mean"), r.err());
  }

  @Test
  void misspeltOptionComesBeforeMissingOptions() {
    DeclaredCliTest.Result r = run("search", "--topic", "cranfield", "--index", "x");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown option '--topic' (did you mean '--topics'?)"), r.err());
    assertFalse(r.err().contains("Missing required"), r.err());
    r = run("run", "--pipline", "bm25@10", "--topics", "cranfield");
    assertTrue(r.err().contains("unknown option '--pipline' (did you mean '--pipeline'?)"), r.err());
  }

  @Test
  void shortOptionsTogetherOrWithTheirValueAreNotTypos() {
    assertEquals(null, Trawl.unknownOption(Trawl.commandLine().getSubcommands().get("search"),
        new String[] {"search", "-k10", "--index", "x", "--topics", "-"}));
    assertEquals("-z", Trawl.unknownOption(Trawl.commandLine().getSubcommands().get("search"),
        new String[] {"search", "-z"}));
  }

  @Test
  void measuresAsTrecEvalPrintsThemOrMisspelt() {
    DeclaredCliTest.Result r = run("eval", "-m", "ndcg_cut_10", "cranfield", "x");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown measure 'ndcg_cut_10' (did you mean 'ndcg_cut.10'?)"), r.err());
    assertTrue(run("eval", "-m", "P_5", "cranfield", "x").err().contains("(did you mean 'P.5'?)"));
    assertTrue(run("eval", "-m", "recal.100", "cranfield", "x").err().contains("(did you mean 'recall.100'?)"));
    assertTrue(run("eval", "-m", "ndcg@10", "cranfield", "x").err().contains("(did you mean 'nDCG@10'?)"));
  }
}
