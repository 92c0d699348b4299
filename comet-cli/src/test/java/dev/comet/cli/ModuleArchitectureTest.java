package dev.comet.cli;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main classes of every module, seen from comet-cli, whose classpath holds them all: no cycle between any two
 * packages, and dependencies that point one way through the layers of DESIGN.md §2.
 */
class ModuleArchitectureTest {
    /** Main classes only: neither test-classes directories nor test jars (comet-core's contract tests). */
    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.comet");

    @Test
    void everyModuleIsOnTheClasspath() {
        assertThat(MAIN_CLASSES.stream().map(c -> c.getPackageName()).distinct())
                .contains("dev.comet.core", "dev.comet.lua", "dev.comet.runtime", "dev.comet.sim", "dev.comet.client",
                        "dev.comet.gateway", "dev.comet.apps", "dev.comet.cli")
                .doesNotContain("dev.comet.testing");
    }

    @Test
    void noPackageCycleAcrossTheModules() {
        slices().matching("dev.comet.(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    @Test
    void dependenciesPointOneWayThroughTheLayers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("core").definedBy("dev.comet", "dev.comet.aso..", "dev.comet.bencode..", "dev.comet.core..",
                        "dev.comet.id..", "dev.comet.items..", "dev.comet.krpc..", "dev.comet.lookup..",
                        "dev.comet.peers..", "dev.comet.routing..", "dev.comet.storage..")
                .layer("lua").definedBy("dev.comet.lua..")
                .layer("node").definedBy("dev.comet.runtime..")
                .layer("sim").definedBy("dev.comet.sim..")
                .layer("client").definedBy("dev.comet.client..")
                .layer("gateway").definedBy("dev.comet.gateway..")
                .layer("apps").definedBy("dev.comet.apps..")
                .layer("cli").definedBy("dev.comet.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("apps").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("gateway").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("client").mayOnlyBeAccessedByLayers("gateway", "cli")
                .whereLayer("sim").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("node").mayOnlyBeAccessedByLayers("client", "gateway", "cli")
                .whereLayer("lua").mayOnlyBeAccessedByLayers("sim", "client", "gateway", "cli")
                .check(MAIN_CLASSES);
    }
}
