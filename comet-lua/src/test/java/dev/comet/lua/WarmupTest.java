package dev.comet.lua;

import dev.comet.aso.HandlerEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #10: no class is initialised for the first time inside a handler, where a StackOverflowError in its static
 * initialisation would leave it unusable for the rest of the JVM's life. A JVM of its own (this one has run other
 * tests) logs every class it loads while {@link WarmupProbe} runs handlers after the warm-up: none may be loaded.
 */
class WarmupTest {
    /**
     * What a compiled object's classes are named: they are made when it loads, and initialised there, on the load's
     * shallow stack (HandlerCompiler), so they are no class a handler loads.
     */
    private static final String COMPILED_CHUNK = "] comet_chunk";

    @ParameterizedTest
    @EnumSource(HandlerEngine.class)
    void handlersLoadNoClassAfterTheWarmUp(HandlerEngine engine) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xss1m", "-Xlog:class+load=info:stdout", "-cp",
                System.getProperty("java.class.path"), WarmupProbe.class.getName(), engine.name())
                .redirectErrorStream(true).start();
        List<String> loaded = new ArrayList<>();
        List<String> output = new ArrayList<>();
        boolean between = false;
        boolean done = false;
        String running = "the Lua 5.2 cases";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.add(line);
                if (line.equals(WarmupProbe.WARMED)) {
                    between = true;
                } else if (line.equals(WarmupProbe.DONE)) {
                    between = false;
                    done = true;
                } else if (between && line.contains("[class,load]") && !line.contains(COMPILED_CHUNK)) {
                    loaded.add(line.substring(line.indexOf("[class,load]") + "[class,load]".length()).strip()
                            + " (in: " + running + ")");
                } else if (between) {
                    running = line;  // the probe names what it runs
                }
            }
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(done).as("the probe ran to its end:%n%s", String.join("\n",
                output.subList(Math.max(0, output.size() - 30), output.size()))).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(loaded).as("classes first loaded by a handler after the warm-up").isEmpty();
    }
}
