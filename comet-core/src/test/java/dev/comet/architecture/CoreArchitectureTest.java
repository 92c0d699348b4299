package dev.comet.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape DESIGN.md §2 asks of comet-core: no class over 500 lines (§2.1.1: a newcomer finds where a change
 * belongs from the names alone), no cycle between its packages, and no I/O library (§2: Netty, RocksDB and LuaJ
 * live in the modules that implement the core's interfaces).
 */
class CoreArchitectureTest {
    private static final int MAX_LINES = 500;
    private static final Path MAIN_SOURCES = Path.of("src/main/java");
    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.comet");

    @Test
    void noMainClassIsOverFiveHundredLines() throws IOException {
        Map<String, Integer> over = new LinkedHashMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertThat(sources).as("comet-core's main sources under %s", MAIN_SOURCES.toAbsolutePath()).isNotEmpty();
        for (Path source : sources) {
            int lines = Files.readAllLines(source).size();
            if (lines > MAX_LINES) {
                over.put(MAIN_SOURCES.relativize(source).toString(), lines);
            }
        }
        Map<String, Integer> largestFirst = new LinkedHashMap<>();
        over.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> largestFirst.put(e.getKey(), e.getValue()));
        assertThat(largestFirst).as("main classes of comet-core over %d lines (file: lines)", MAX_LINES).isEmpty();
    }

    @Test
    void thePackagesOfCometCoreHaveNoCycle() {
        assertThat(MAIN_CLASSES).as("comet-core's main classes").isNotEmpty();
        slices().matching("dev.comet.(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    /**
     * The node's parts share the package {@code dev.comet.core}, so the package rule cannot see a cycle between
     * them: here every top-level class of that package (with its nested and anonymous classes) is a slice of its
     * own. A part reaches a lower one directly and hears from it through a listener it declares (docs/architecture.md).
     */
    @Test
    void theNodesPartsHaveNoCycle() {
        SliceAssignment topLevelClasses = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                if (!c.getPackageName().equals("dev.comet.core")) {
                    return SliceIdentifier.ignore();
                }
                String name = c.getName();
                int nested = name.indexOf('$');
                return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
            }

            @Override
            public String getDescription() {
                return "the top-level classes of dev.comet.core";
            }
        };
        slices().assignedFrom(topLevelClasses).should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    @Test
    void cometCoreUsesNoIoLibrary() {
        noClasses().that().resideInAPackage("dev.comet..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.rocksdb..", "org.luaj..")
                .because("comet-core is sans-I/O: the runtimes implement its interfaces (DESIGN.md §2)")
                .check(MAIN_CLASSES);
    }
}
