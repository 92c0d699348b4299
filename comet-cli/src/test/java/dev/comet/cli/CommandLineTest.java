package dev.comet.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's contract: --help everywhere, exit 0 on success, a one-line error and exit 2 on bad input. */
class CommandLineTest {
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"node", "cluster", "sim"}) {
            Run r = run(command, "--help");
            assertThat(r.exitCode()).as(command).isZero();
            assertThat(r.out()).as(command).contains("Usage: comet " + command);
        }
    }

    @Test
    void unknownOptionIsAClearErrorWithExitCode2() {
        Run r = run("sim", "--frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--frobnicate'").doesNotContain("Exception");
    }

    @Test
    void invalidValuesAreClearErrorsWithoutStackTraces() {
        Run loss = run("sim", "--nodes", "10", "--loss", "1.5");
        assertThat(loss.exitCode()).isEqualTo(2);
        assertThat(loss.err()).contains("--loss must be in [0, 1)").doesNotContain("\tat ");

        Run nodes = run("sim", "--nodes", "abc");
        assertThat(nodes.exitCode()).isEqualTo(2);
        assertThat(nodes.err()).contains("--nodes").doesNotContain("\tat ");

        Run bootstrap = run("node", "--data-dir", "/tmp/comet-cli-test-unused", "--port", "0", "--bootstrap", "nohostport");
        assertThat(bootstrap.exitCode()).isEqualTo(2);
        assertThat(bootstrap.err()).contains("expected HOST:PORT").doesNotContain("\tat ");

        Run port = run("node", "--data-dir", "/tmp/comet-cli-test-unused", "--port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be 0 to 65535");
    }

    @Test
    void simPrintsOneJsonObjectWithTheDocumentedFields() {
        Run r = run("sim", "--nodes", "50", "--lookups", "20", "--seed", "3", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().trim()).startsWith("{").endsWith("}");
        for (String field : new String[] {"nodes", "lookups", "success_rate", "mean_overlap", "hops_median", "hops_p95",
                "messages_per_lookup", "latency_ms_median", "latency_ms_p99", "wall_seconds", "peak_heap_mb", "seed"}) {
            assertThat(r.out()).contains("\"" + field + "\"");
        }
    }

    @Test
    void clusterSelfTestPrintsJsonAndExitsZero() {
        Run r = run("cluster", "--nodes", "8", "--selftest", "--lookups", "30", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"success_rate\" : 1.0").contains("\"nodes\" : 8");
    }
}
