package dev.comet.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code comet sim --scenario}: the report, its files, the exit status of a failed check, and a bad file's error. */
class SimScenarioCommandTest {
    @TempDir
    Path dir;
    private Path scenario;

    @BeforeEach
    void writeScenario() throws IOException {
        Files.writeString(dir.resolve("once.lua"), """
                -- a one-time value: the first get on a replica sees it, later ones nothing
                aso.value = "secret"
                function onGet()
                  comet.deleteSelf()
                  return self.value
                end
                """);
        scenario = dir.resolve("once.scenario.lua");
        Files.writeString(scenario, """
                scenario { name = "once", seed = 5, duration = 120 }
                network { nodes = 30, settle = 30 }
                local once = object { name = "once", file = "once.lua", replicas = 1 }
                series { name = "values seen" }
                series { name = "replicas", every = 20, sample = function() return replicas(once) end }
                at(0, function() put(once) end)
                every(20, function()
                  get(once, { on = function(a) record("values seen", a.value == "secret") end })
                end, { from = 20, to = 100 })
                check { name = "seen once", series = "values seen", stat = "sum", equals = 1 }
                """);
    }

    @Test
    void aPassingScenarioPrintsItsReportAndWritesJsonAndCharts() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("sim", "--scenario", scenario.toString(), "--out", out.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PASS  seen once").contains("values seen").contains("measured: wall");
        assertThat(r.err()).as("no progress when stderr is not a terminal").isEmpty();
        assertThat(Files.readString(out.resolve("report.json"))).contains("\"passed\" : true").contains("\"points\"");
        assertThat(Files.readString(out.resolve("values-seen.svg"))).startsWith("<svg");
        assertThat(out.resolve("replicas.svg")).exists();
        assertThat(out.resolve("report.txt")).exists();
    }

    @Test
    void withoutHandlersTheCheckFailsAndTheExitStatusSaysSo() {
        CliRun r = CliRun.of("sim", "--scenario", scenario.toString(), "--without-handlers", "--json");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitStatus.CHECK_FAILED.code());
        assertThat(r.out().trim()).startsWith("{").contains("\"passed\" : false").contains("\"without_handlers\" : true");
    }

    @Test
    void progressIsShownOnStderrWhenAskedFor() {
        CliRun r = CliRun.of("sim", "--scenario", scenario.toString(), "--json", "--progress");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("joining").contains("virtual").contains("events/s");
    }

    @Test
    void aWarmStartFillsTheTablesInsteadOfSimulatingTheJoinsAndTheScenarioStillPasses() {
        CliRun r = CliRun.of("sim", "--scenario", scenario.toString(), "--json", "--progress", "--warm-start");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("\"passed\" : true");
        assertThat(r.err()).contains("filling tables").doesNotContain("joining");
    }

    @Test
    void aBadScenarioIsOneLineWithItsLineAndExitStatus2() throws IOException {
        Path bad = dir.resolve("bad.lua");
        Files.writeString(bad, "scenario { duration = 10 }\nnetwork { nodes = 5 }\nsereis { name = 'x' }\n");
        CliRun r = CliRun.of("sim", "--scenario", bad.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().trim()).isEqualTo(
                "comet: bad.lua:3: unknown operation or name 'sereis' (docs/scenarios.md lists the operations)");
    }
}
