package io.trawl.regress;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The CI hook: every spec in {@code regressions/} that can run here (CPU, data in the repository or
 * in {@code ../shared/data}) is run and must match; the others are reported as skipped with the
 * reason (needs gpu, a model folder, an API key, data). Indexes are kept in
 * {@code target/regress/indexes} and reused while they match their specs.
 *
 * <p>Equivalent command: {@code trawl regress run --all --collections ../shared/data}.
 */
class RegressionSuiteTest {
  @TestFactory
  List<DynamicTest> everyRegression() {
    Path shared = Path.of(System.getProperty("trawl.shared", "../shared"));
    Path data = shared.resolve("data");
    RegressEnv env = RegressEnv.of(Files.isDirectory(data) ? data : null, null,
        Path.of("target", "regress", "indexes"), Path.of("target", "regress", "runs"));
    RegressionRunner runner = new RegressionRunner(env, null,
        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), false);
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : RegressionSpecs.files(Path.of(RegressionSpecs.DEFAULT_DIR))) {
      String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      tests.add(DynamicTest.dynamicTest(name, () -> {
        RegressionPlan plan = RegressionPlan.resolve(file, RegressionSpecs.load(file), env);
        Assumptions.assumeTrue(plan.skipped() == null, () -> name + " skipped: " + plan.skipped());
        RegressionResult result = runner.run(plan);
        switch (result.status()) {
          case PASS -> { }
          case SKIP -> Assumptions.abort(name + " skipped: " + String.join("; ",
              result.runs().stream().map(r -> r.run() + " " + r.skipped()).toList()));
          case FAIL -> fail("regression " + name + " does not reproduce its expected values:\n"
              + RegressionReport.render(result));
          default -> throw new IllegalStateException();
        }
      }));
    }
    return tests;
  }
}
