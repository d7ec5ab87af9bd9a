package io.trawl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trawl.core.TrawlException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MeasureTest {
  @ParameterizedTest
  @ValueSource(strings = {"nDCG@10", "RR@10", "R@1000", "AP", "P@10", "RR(rel=2)@10", "Judged@10",
      "AP(rel=2)", "nDCG", "map", "P.5,10", "ndcg_cut.10", "recip_rank", "iprec_at_recall",
      "ndcg.1=3,2=9", "Rprec", "bpref", "success.1,5", "infAP", "gm_map", "11pt_avg"})
  void canonicalStringParsesBack(String text) {
    Measure m = Measure.parse(text);
    assertEquals(text, m.toString());
    assertEquals(m, Measure.parse(m.toString()));
  }

  @Test
  void outputNamesFollowTrecEval() {
    assertEquals(List.of("P_5", "P_10"), Measure.parse("P.10,5").outputNames());
    assertEquals(List.of("ndcg_cut_10"), Measure.parse("ndcg_cut.10").outputNames());
    assertEquals(List.of("RR(rel=2)@10"), Measure.parse("RR(rel=2)@10").outputNames());
  }

  @Test
  void officialIsTrecEvalsDefaultSetInOrder() {
    List<Measure> ms = Measure.parseAll(List.of("official"));
    assertEquals(List.of("runid", "num_q", "num_ret", "num_rel", "num_rel_ret", "map", "gm_map",
        "Rprec", "bpref", "recip_rank", "iprec_at_recall", "P"),
        ms.stream().map(Measure::toString).toList());
  }

  @Test
  void repeatedFamilyKeepsTheFirstParametersAndOrderFollowsTrecEval() {
    // trec_eval 10.0 reads the parameters of the first -m that gives some for a family
    List<Measure> ms = Measure.parseAll(List.of("recall.1000", "map", "recall.100", "nDCG@10"));
    assertEquals(List.of("map", "recall.1000", "nDCG@10"),
        ms.stream().map(Measure::toString).toList());
    assertEquals(List.of("P.10"), Measure.parseAll(List.of("P", "P.10", "P.5")).stream()
        .map(Measure::toString).toList());
    assertEquals(Measure.parseAll(List.of("all_trec", "P.7")),
        Measure.parseAll(List.of("P.7", "all_trec")));
  }

  @Test
  void duplicateCutoffsAreRefusedAsTrecEvalDoes() {
    TrawlException e = assertThrows(TrawlException.class, () -> Measure.parseAll(List.of("P.5,5")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("duplicate cutoffs"), e.getMessage());
    // only the parameters that are used are read, as in trec_eval
    assertEquals("P.10", Measure.parseAll(List.of("P.10", "P.5,5")).get(0).toString());
  }

  @Test
  void cutoffNamesRoundLikeCPrintf() {
    // %3.2f of 0.125 is 0.12 in C (the binary value is exactly .125: ties to even)
    assertEquals(List.of("iprec_at_recall_0.12", "iprec_at_recall_0.38"),
        Measure.parse("iprec_at_recall..125,.375").outputNames());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ndcg_cutt.10", "NDCG@10x", "mapp", "P", "P@", "nDCG(rel=2)@10",
      "RR(foo=1)"})
  void badNamesFailListingValidOnes(String text) {
    if (text.equals("P")) {
      // P alone is trec_eval's P with its default cutoffs
      assertEquals("P", Measure.parse("P").toString());
      return;
    }
    TrawlException e = assertThrows(TrawlException.class, () -> Measure.parseAll(List.of(text)));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("valid:") || e.getMessage().contains("known:")
        || e.getMessage().contains("takes none") || e.getMessage().contains("unknown parameter"),
        e.getMessage());
  }

  @Test
  void cPrintfRounding() {
    assertEquals("0.1235", EvalResult.formatValue(0.12345000000000001, false));
    // C rounds the exact binary value: 0.30005 is stored just below, 0.20005 just above
    assertEquals("0.3000", EvalResult.formatValue(0.30005, false));
    assertEquals("0.2001", EvalResult.formatValue(0.20005, false));
    assertEquals("2.0002", EvalResult.formatValue(2.00025, false));
    assertEquals("-412.6667", EvalResult.formatValue(-412.66666666, false));
    assertEquals("1500", EvalResult.formatValue(1500, true));
    assertEquals("  -nan", EvalResult.formatValue(Double.NaN, false));
    assertEquals("-0.0000", EvalResult.formatValue(-0.00001, false));
    assertEquals("-0.0000", EvalResult.formatValue(-0.0, false));
    assertEquals("   inf", EvalResult.formatValue(Double.POSITIVE_INFINITY, false));
  }
}
