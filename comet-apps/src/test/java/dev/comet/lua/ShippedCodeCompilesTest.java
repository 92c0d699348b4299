package dev.comet.lua;

import dev.comet.aso.HandlerEngine;
import dev.comet.aso.HandlerLimits;
import dev.comet.apps.ShippedApps;
import dev.comet.testing.RepositoryFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shipped application and example runs compiled once hot: none is refused by the compiler's checks or bounds
 * (BlockMetering's shapes, HandlerCompiler's budget), which would leave it on the interpreter without a word. In
 * this package to read whether an object was compiled.
 */
class ShippedCodeCompilesTest {
    private final AsoContext context = new AsoContext("127.0.0.1", "ab".repeat(20), "key", () -> 1234L);

    @Test
    void everyShippedApplicationAndExampleLoadsCompiled() throws IOException {
        List<String[]> codes = new ArrayList<>();
        for (ShippedApps.App app : ShippedApps.all()) {
            codes.add(new String[] {app.name(), app.code()});
        }
        try (Stream<Path> examples = Files.list(RepositoryFiles.path("examples"))) {
            for (Path file : examples.filter(f -> f.toString().endsWith(".lua")
                    && !f.toString().endsWith(".scenario.lua")).sorted().toList()) {
                codes.add(new String[] {file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)});
            }
        }
        assertThat(codes).hasSizeGreaterThan(ShippedApps.all().size());
        Sandbox sandbox = new Sandbox(HandlerEngine.COMPILED);
        for (String[] code : codes) {
            AsoInstance object = sandbox.load(code[1], "=" + code[0], null, context, HandlerLimits.defaults());
            assertThat(object.compiled).as(code[0]).isTrue();
        }
    }
}
