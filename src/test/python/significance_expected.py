"""Expected p-values for io.trawl.eval.SignificanceTest, computed with the reference libraries.

Run with scipy 1.17 and statsmodels 0.15 (pip install scipy statsmodels); it prints the Java
literals that SignificanceTest holds. The test suite never runs this script.

Generated arrays use the same integer formula in Java (SignificanceTest.gen), so both sides
see identical doubles: d_i = ((i * mul) % mod - off) / scale.
"""
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

warnings.simplefilter("ignore")


def gen(n, mul, mod, off, scale):
    return np.array([((i * mul) % mod - off) / scale for i in range(n)])


SMALL = [0, 0.1, -0.1, 0.2, 0.2, 0.3, -0.05, 0.5, 0]
# DL19 passage, nDCG@10 (-l 2), RankLLM BM25+RM3 minus BM25 top-100, per query, as Trawl computes them
DL19 = [0.0, 0.17618384478764937, 0.0, 0.006449450350136776, -0.1527454893252848, 0.08864449846572198, -0.1272745566315694, -0.10360402806383107, 0.11228515103253794, 0.2024997637708098, 0.08135861890935275, 0.2394801469264185, 0.06895091218908511, -0.027647827523586736, 0.0, 0.0819271884532442, 0.05152477985946602, 0.006662172465697114, -0.02032911764783807, 0.06062452521619244, 0.1279553530645251, 0.06609089156858738, -0.007141480756730267, 0.025092003778228178, 0.3019891800549215, -0.14157374803728467, -0.0498726046273516, 0.0796983039220257, -0.03559712755749633, 0.14371821182027877, -0.005810433737825554, 0.058320336025542485, -0.044698428407985435, -0.2071995956956137, 0.0400588614574402, -0.23581575492452944, 0.039828904386182196, 0.09090780752675287, 0.033451195989278704, -0.06986402883769705, -0.05304288281931602, -0.15800117010177883, -0.06625422345438903]

# (java expression for d, numpy d, [(zero_method, correction, method), ...])
ALL_ZM = [(z, False, "auto") for z in ("wilcox", "pratt", "zsplit")]
WILCOXON = [
    ("d(-1, 1, -1, 1)", [-1, 1, -1, 1], [("wilcox", False, "auto")]),
    ("d(1, 2, 3, 4, 5)", [1, 2, 3, 4, 5], [("wilcox", False, "auto")]),
    ("d(0.3)", [0.3], [("wilcox", False, "auto")]),
    ("d(0.1, 0.2)", [0.1, 0.2], [("wilcox", False, "auto")]),
    ("d(0.1, -0.2)", [0.1, -0.2], [("wilcox", False, "auto")]),
    ("d(0, 0.5)", [0, 0.5], ALL_ZM),
    ("d(0, 0, 0, 0, 0)", [0, 0, 0, 0, 0], [("wilcox", False, "auto")]),
    ("SMALL", SMALL, ALL_ZM
     + [(z, False, "exact") for z in ("wilcox", "pratt", "zsplit")]
     + [(z, c, "asymptotic") for z in ("wilcox", "pratt", "zsplit") for c in (False, True)]),
    ("gen(300, 37, 101, 40, 100)", gen(300, 37, 101, 40, 100),
     [(z, c, "auto") for z in ("wilcox", "pratt", "zsplit") for c in (False, True)]),
    ("gen(300, 1, 97, -1, 100)", gen(300, 1, 97, -1, 100),
     [("wilcox", False, "auto"), ("wilcox", True, "auto")]),
    ("gen(50, 37, 101, 50, 100)", gen(50, 37, 101, 50, 100),
     [("wilcox", False, "auto"), ("wilcox", True, "auto"), ("wilcox", False, "exact"),
      ("pratt", False, "exact"), ("zsplit", False, "exact")]),
    ("gen(51, 37, 101, 50, 100)", gen(51, 37, 101, 50, 100), [("wilcox", False, "auto")]),
    ("gen(20, 7, 11, 5, 10)", gen(20, 7, 11, 5, 10),
     ALL_ZM + [(z, False, "exact") for z in ("wilcox", "pratt", "zsplit")]
     + [("pratt", True, "auto"), ("zsplit", True, "auto")]),
    ("gen(13, 5, 7, 3, 10)", gen(13, 5, 7, 3, 10), ALL_ZM),
    ("gen(14, 5, 7, 3, 10)", gen(14, 5, 7, 3, 10), [("wilcox", False, "auto"), ("wilcox", True, "auto")]),
    ("gen(50, 1, 1000, -1, 1)", gen(50, 1, 1000, -1, 1), [("wilcox", False, "auto")]),
    ("gen(50, 7, 101, 50.5, 10)", gen(50, 7, 101, 50.5, 10),
     [("wilcox", False, "auto"), ("wilcox", False, "asymptotic"), ("wilcox", True, "asymptotic")]),
    ("gen(51, 7, 101, 50.5, 10)", gen(51, 7, 101, 50.5, 10),
     [("wilcox", False, "auto"), ("wilcox", False, "exact")]),
    ("DL19", DL19, [("wilcox", False, "auto"), ("wilcox", True, "auto"), ("wilcox", False, "exact")]),
    # CompareFuseCommandTest.compareTakesTheWilcoxonOptions: RR deltas of its tiny runs
    ("d(0.5, 0, 1)", [0.5, 0, 1], [("zsplit", True, "asymptotic")]),
]

# paired t-test: (java a, java b, numpy a, numpy b)
TTEST = [
    ("d(0.5, 0.3)", "d(0.2, 0.25)", [0.5, 0.3], [0.2, 0.25]),
    ("gen(300, 37, 101, 40, 100)", "gen(300, 13, 17, 8, 50)", gen(300, 37, 101, 40, 100), gen(300, 13, 17, 8, 50)),
    ("gen(300, 1, 97, -1, 100)", "zeros(300)", gen(300, 1, 97, -1, 100), np.zeros(300)),
    ("zeros(20)", "gen(20, 7, 11, 5, 10)", np.zeros(20), gen(20, 7, 11, 5, 10)),
    ("DL19", "zeros(43)", DL19, np.zeros(43)),
]

HOLM_BONF = [0.01, 0.04, 0.03, 0.005, 0.04, 0.9, 0.2, 0.0]


def lit(x):
    x = float(x)
    if np.isnan(x):
        return "Double.NaN"
    return repr(x)


def main():
    print("// Wilcoxon: d, zero method, correction, method, p")
    for expr, d, opts in WILCOXON:
        d = np.asarray(d, dtype=float)
        for z, c, m in opts:
            p = stats.wilcoxon(d, zero_method=z, correction=c, method=m).pvalue
            print(f'w("{expr}", {expr}, {z.upper()}, {str(c).lower()}, {m.upper()}, {lit(p)}),')
    print("// paired t-test: a, b, p")
    for ea, eb, a, b in TTEST:
        p = stats.ttest_rel(np.asarray(a, float), np.asarray(b, float)).pvalue
        print(f'{ea}, {eb}, {lit(p)}')
    print("// sign-flip permutation on the sum, exact (scipy permutation_test), two-sided")
    for d in (SMALL, [0.3, -0.1, 0.25, 0.4, 0.05, 0.2, -0.02, 0.15, 0.3, 0.1],
              [1, -1, 1, -1]):
        r = stats.permutation_test((np.asarray(d, float),), np.sum, permutation_type="samples",
                                   n_resamples=np.inf, alternative="two-sided")
        print(d, lit(r.pvalue))
    print("// statsmodels multipletests on", HOLM_BONF)
    for m in ("bonferroni", "holm"):
        print(m, [lit(x) for x in multipletests(HOLM_BONF, method=m)[1]])


if __name__ == "__main__":
    main()
