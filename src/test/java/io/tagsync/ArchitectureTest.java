package io.tagsync;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.tagsync.input.FileRowReader;
import io.tagsync.run.RunParameters;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * The packages flow one way: input → staging → store, then submission → polling and the API client, then
 * reporting and the job, with the commands on top; {@code run} (the run's settings, parameters and
 * concurrency helpers) and {@code metrics} at the bottom. The tools (the sandbox, the benchmark and the demo,
 * in {@code src/tools/java} and a jar of their own) use the job; the job never uses them.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tagsync");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.tagsync.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("run")
                .definedBy("io.tagsync.run..")
                .layer("metrics")
                .definedBy("io.tagsync.metrics..")
                .layer("input")
                .definedBy("io.tagsync.input..")
                .layer("store")
                .definedBy("io.tagsync.store..")
                .layer("staging")
                .definedBy("io.tagsync.staging..")
                .layer("api")
                .definedBy("io.tagsync.api..")
                .layer("polling")
                .definedBy("io.tagsync.polling..")
                .layer("submission")
                .definedBy("io.tagsync.submission..")
                .layer("reporting")
                .definedBy("io.tagsync.reporting..")
                .layer("job")
                .definedBy("io.tagsync.job..")
                .layer("cli")
                .definedBy("io.tagsync.cli..")
                .layer("sandbox")
                .definedBy("io.tagsync.sandbox..")
                .layer("bench")
                .definedBy("io.tagsync.bench..")
                .layer("tools")
                .definedBy("io.tagsync.tools..")
                .whereLayer("cli")
                .mayOnlyBeAccessedByLayers("tools")
                .whereLayer("job")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("reporting")
                .mayOnlyBeAccessedByLayers("job", "cli")
                .whereLayer("submission")
                .mayOnlyBeAccessedByLayers("job", "cli")
                .whereLayer("polling")
                .mayOnlyBeAccessedByLayers("submission", "job")
                .whereLayer("api")
                .mayOnlyBeAccessedByLayers("polling", "submission", "job", "cli")
                .whereLayer("staging")
                .mayOnlyBeAccessedByLayers("polling", "submission", "job", "cli")
                .whereLayer("store")
                .mayOnlyBeAccessedByLayers("staging", "polling", "submission", "reporting", "job", "cli")
                .whereLayer("input")
                .mayOnlyBeAccessedByLayers("staging", "job", "cli", "bench", "tools")
                .whereLayer("sandbox")
                .mayOnlyBeAccessedByLayers("bench", "tools")
                .whereLayer("bench")
                .mayOnlyBeAccessedByLayers("tools")
                .whereLayer("tools")
                .mayNotBeAccessedByAnyLayer()
                .check(CLASSES);
    }

    @Test
    void theJobNeverUsesTheTools() {
        noClasses()
                .that()
                .resideOutsideOfPackages("io.tagsync.sandbox..", "io.tagsync.bench..", "io.tagsync.tools..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.tagsync.sandbox..", "io.tagsync.bench..", "io.tagsync.tools..")
                .because("the run jar leaves the tools out")
                .check(CLASSES);
    }

    @Test
    void onlyTheStoreSpeaksSql() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.tagsync.store..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework.jdbc..")
                .because("SQL lives in the store, beside the tables it reads and writes")
                .check(CLASSES);
    }

    @Test
    void eachInputFormatIsAnItemStreamReaderThatOnlyTheInputPackageOpens() {
        classes()
                .that()
                .haveSimpleNameEndingWith("UpdateReader")
                .should()
                .beAssignableTo(FileRowReader.class)
                .because("a format is one FileRowReader and one Format constant")
                .check(CLASSES);
        noClasses()
                .that()
                .resideOutsideOfPackage("io.tagsync.input..")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(FileRowReader.class)
                .because("the rest of the job reads an input through InputReader, whatever its format")
                .check(CLASSES);
    }

    @Test
    void stagingIsBuiltOfSpringBatchItemPieces() {
        classes()
                .that()
                .resideInAPackage("io.tagsync.staging..")
                .and()
                .arePublic()
                .and()
                .haveSimpleNameEndingWith("Writer")
                .should()
                .beAssignableTo(ItemWriter.class)
                .check(CLASSES);
        classes()
                .that()
                .areAssignableTo(Tasklet.class)
                .and()
                .doNotHaveModifier(JavaModifier.ABSTRACT)
                .should()
                .haveSimpleNameEndingWith("Tasklet")
                .because("a tasklet says so in its name, and says in its Javadoc why it is not chunk-oriented")
                .check(CLASSES);
    }

    @Test
    void threadCountsAndLimitsComeFromRunConcurrency() {
        noClasses()
                .that()
                .resideInAnyPackage("io.tagsync.submission..", "io.tagsync.polling..", "io.tagsync.job..")
                .should()
                .callMethod(RunParameters.class, "width")
                .orShould()
                .callMethod(RunParameters.class, "concurrency")
                .because("RunConcurrency works out every thread count of the API work, from one place")
                .check(CLASSES);
    }
}
