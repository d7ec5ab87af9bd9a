package io.trawl;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the package picture of design.md true: dependencies point only downward. */
class ArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.trawl");

  @Test
  void nothingImportsTheCli() {
    noClasses().that().resideOutsideOfPackage("io.trawl.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.trawl.cli..")
        .check(CLASSES);
  }

  @Test
  void coreDependsOnNoFramework() {
    noClasses().that().resideInAPackage("io.trawl.core..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.lucene..", "ai.djl..", "picocli..", "io.trawl.corpus..", "io.trawl.index..",
            "io.trawl.search..", "io.trawl.rerank..", "io.trawl.model..", "io.trawl.eval..",
            "io.trawl.pipeline..", "io.trawl.regress..", "io.trawl.io..", "io.trawl.fetch..")
        .check(CLASSES);
  }

  /**
   * Every package, sub-packages included, is a slice, and no slices depend on each other in a
   * circle: a variant sub-package ({@code rerank.listwise}) may use its parent ({@code rerank}), so
   * the parent may not use it; what knows every variant (the registry, {@code rerank.registry})
   * sits above both.
   */
  @Test
  void noCyclesBetweenPackages() {
    slices().matching("io.trawl.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  /** The layers of design.md, each allowed only the layers above it as users: no exceptions. */
  @Test
  void layersPointDownward() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("cli").definedBy("io.trawl.cli..")
        .layer("regress").definedBy("io.trawl.regress..")
        .layer("pipeline").definedBy("io.trawl.pipeline..")
        .layer("rerank").definedBy("io.trawl.rerank..")
        .layer("search").definedBy("io.trawl.search..")
        .layer("fetch").definedBy("io.trawl.fetch..")
        .layer("model").definedBy("io.trawl.model..")
        .layer("index").definedBy("io.trawl.index..")
        .layer("corpus").definedBy("io.trawl.corpus..")
        .layer("eval").definedBy("io.trawl.eval..")
        .layer("io").definedBy("io.trawl.io..")
        .layer("core").definedBy("io.trawl.core..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("regress").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("pipeline").mayOnlyBeAccessedByLayers("cli", "regress")
        .whereLayer("rerank").mayOnlyBeAccessedByLayers("cli", "regress", "pipeline")
        .whereLayer("search").mayOnlyBeAccessedByLayers("cli", "regress", "pipeline", "rerank")
        .whereLayer("fetch").mayOnlyBeAccessedByLayers("cli", "regress", "pipeline", "rerank", "search")
        .whereLayer("model").mayOnlyBeAccessedByLayers("cli", "regress", "pipeline", "rerank", "search", "fetch")
        .whereLayer("index").mayOnlyBeAccessedByLayers("cli", "regress", "pipeline", "rerank", "search")
        .whereLayer("corpus").mayOnlyBeAccessedByLayers("cli", "regress", "pipeline", "rerank", "search", "index", "io")
        .whereLayer("eval").mayOnlyBeAccessedByLayers("cli", "regress", "pipeline", "rerank", "search")
        .whereLayer("io").mayOnlyBeAccessedByLayers("cli", "regress", "pipeline", "rerank", "search", "fetch", "model", "index", "eval")
        .check(CLASSES);
  }
}
