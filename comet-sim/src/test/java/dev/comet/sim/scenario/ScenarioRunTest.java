package dev.comet.sim.scenario;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A scenario file runs the real nodes in virtual time: its checks, series, seed and errors. */
class ScenarioRunTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ScenarioRunTest.class.getResource("/scenarios/" + name).toURI());
    }

    @Test
    void theCounterScenarioPassesWithItsHandlersAndTheSameSeedGivesTheSameReport() throws Exception {
        ScenarioReport first = ScenarioRun.run(resource("counter.scenario.lua"), ScenarioRun.Options.defaults());
        assertThat(first.passed()).as(first.text()).isTrue();
        assertThat(first.checks()).hasSize(5);
        assertThat(first.series()).extracting(ScenarioReport.SeriesResult::name)
                .containsExactly("count answered", "replicas", "counted on replicas");
        assertThat(first.text()).contains("PASS  twenty gets").contains("handler_instructions");
        ScenarioReport second = ScenarioRun.run(resource("counter.scenario.lua"), ScenarioRun.Options.defaults());
        assertThat(second.text()).isEqualTo(first.text());
    }

    @Test
    void aRunOfHoursMeasuresTheHeapAfterACollectionAtEachVirtualHour(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hours.scenario.lua");
        Files.writeString(file, "scenario { duration = 7200 }\nnetwork { nodes = 20, settle = 30 }\n"
                + "series { name = \"live\", every = 3600, sample = function() return live_nodes() end }\n");
        ScenarioReport r = ScenarioRun.run(file, ScenarioRun.Options.defaults());
        assertThat(r.heapByHourMb()).hasSize(2).allSatisfy(mb -> assertThat(mb).isPositive());
        assertThat(r.measurements()).contains("heap after a collection").contains("at hour 2");
        assertThat(r.fields()).containsKey("heap_after_gc_by_hour_mb");
        assertThat(r.text()).as("a measurement, not part of the seeded report").doesNotContain("heap after");
    }

    @Test
    void anOperationWhoseNodeLeavesIsCountedAsLostAndNeverCallsBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lost.scenario.lua");
        Files.writeString(file, """
                scenario { duration = 120 }
                network { nodes = 20, settle = 30 }
                local o = object { name = "o", code = "function onGet() return 1 end", replicas = 3 }
                series { name = "answers" }
                at(0, function() put(o) end)
                at(30, function()
                  -- a holder starts a get (a lookup first, so it does not answer at once) and crashes with the others
                  get(o, { from = pick { holding = o }, on = function() record("answers", 1) end })
                  kill_replicas(o)
                end)
                at(40, function() get(o, { on = function() record("answers", 1) end }) end)
                """);
        ScenarioReport r = ScenarioRun.run(file, ScenarioRun.Options.defaults());
        assertThat(r.totals()).containsEntry("gets", 2L).containsEntry("operations_lost_with_node", 1L)
                .doesNotContainKey("operations_unfinished");
        assertThat(r.text()).containsPattern("answers +count 1,");
    }

    @Test
    void theSoakScenarioLoadsWithItsChecks() {
        ScenarioScript script = ScenarioScript.load(SoakTest.soakScenario(), false);
        assertThat(script.scenario().durationSeconds()).isEqualTo(86_400);
        assertThat(script.scenario().network().nodes()).isEqualTo(10_000);
        assertThat(script.scenario().objects()).hasSize(100);
        assertThat(script.scenario().checks()).extracting(Scenario.CheckSpec::name).contains(
                "gets found their object", "every object is readable after a day");
    }

    @Test
    void withoutHandlersTheCounterScenarioFailsItsChecks() throws Exception {
        ScenarioReport r = ScenarioRun.run(resource("counter.scenario.lua"),
                new ScenarioRun.Options(null, null, null, true, dev.comet.sim.Progress.NONE));
        assertThat(r.passed()).as(r.text()).isFalse();
        assertThat(r.text()).contains("WITHOUT HANDLERS").contains("FAIL  every get answered with a count");
    }

    @Test
    void anotherSeedGivesAnotherRun() throws Exception {
        ScenarioReport a = ScenarioRun.run(resource("counter.scenario.lua"), ScenarioRun.Options.defaults());
        ScenarioReport b = ScenarioRun.run(resource("counter.scenario.lua"),
                new ScenarioRun.Options(4L, null, null, false, dev.comet.sim.Progress.NONE));
        assertThat(b.seed()).isEqualTo(4);
        assertThat(b.totals().get("datagrams")).isNotEqualTo(a.totals().get("datagrams"));
    }

    @Test
    void updatesRunTheReplicasOnUpdateWhichKeepsTheNewestVersionWhateverTheOrder() throws Exception {
        ScenarioReport r = ScenarioRun.run(resource("versioned.scenario.lua"), ScenarioRun.Options.defaults());
        assertThat(r.passed()).as(r.text()).isTrue();
        // the replicas merged each update and kept their copy (onUpdate answered false: the writer sees 330)
        assertThat(r.text()).containsPattern("\\n  updates +2\\n");
        // without onUpdate the last update to arrive replaces the object, and without onGet nothing answers a version
        ScenarioReport without = ScenarioRun.run(resource("versioned.scenario.lua"),
                new ScenarioRun.Options(null, null, null, true, dev.comet.sim.Progress.NONE));
        assertThat(without.passed()).as(without.text()).isFalse();
    }

    private static String errorOf(Path dir, String script) throws IOException {
        Path file = dir.resolve("bad.scenario.lua");
        Files.writeString(file, script);
        try {
            ScenarioRun.run(file, ScenarioRun.Options.defaults());
        } catch (CometException e) {
            assertThat(e.error().code()).isEqualTo(ErrorCode.SCENARIO_INVALID);
            assertThat(e.getMessage()).doesNotContain("\tat ").doesNotContain("traceback");
            return e.error().message();
        }
        throw new AssertionError("the scenario loaded");
    }

    private static final String HEAD = "scenario { duration = 10 }\nnetwork { nodes = 5 }\n";

    @Test
    void aSyntaxErrorNamesItsLine(@TempDir Path dir) throws IOException {
        assertThat(errorOf(dir, HEAD + "\nat(0, function() put( end)\n")).startsWith("bad.scenario.lua:4:");
        assertThat(errorOf(dir, HEAD + "at(0, function()\n")).startsWith("bad.scenario.lua:4:").contains("'end' expected");
    }

    @Test
    void anUnknownOperationNamesItselfAndItsLine(@TempDir Path dir) throws IOException {
        assertThat(errorOf(dir, HEAD + "\nputt(x)\n")).isEqualTo(
                "bad.scenario.lua:4: unknown operation or name 'putt' (docs/scenarios.md lists the operations)");
        assertThat(errorOf(dir, HEAD + "local o = object { name = 'o', code = 'aso.value = 1' }\n"
                + "at(1, function()\n  gett(o)\nend)\n")).startsWith("bad.scenario.lua:5: unknown operation or name 'gett'");
    }

    @Test
    void anErrorInAGetsCallbackStopsTheRunAndNamesItsLine(@TempDir Path dir) throws IOException {
        // the callback runs inside a node's answer handling, which counts its own errors away: it must not hide this
        assertThat(errorOf(dir, HEAD + "local o = object { name = 'o', code = 'aso.value = \\'x\\'' }\n"
                + "at(1, function() put(o) end)\n"
                + "at(5, function() get(o, { on = function(a)\n  error('the answer was ' .. a.value)\nend }) end)\n"))
                .isEqualTo("bad.scenario.lua:6: the answer was x");
    }

    @Test
    void aCheckOnAnUndeclaredSeriesNamesTheSeriesAndItsLine(@TempDir Path dir) throws IOException {
        assertThat(errorOf(dir, HEAD + "series { name = 'reads' }\n"
                + "check { name = 'c', series = 'raeds', stat = 'sum', at_least = 1 }\n"))
                .startsWith("bad.scenario.lua:4: check 'c' names the series 'raeds', which is not declared");
    }

    @Test
    void anUpdateSettingATableIsAnErrorNamingTheField(@TempDir Path dir) throws IOException {
        assertThat(errorOf(dir, HEAD + "local o = object { name = 'o', code = 'aso.value = 1' }\n"
                + "at(1, function() update(o, { set = { value = {} } }) end)\n")).isEqualTo(
                "bad.scenario.lua:4: update(o, {set = {...}}): value takes strings, numbers and booleans, got table");
    }

    @Test
    void unknownFieldsBadValuesAndMissingDurationAreErrors(@TempDir Path dir) throws IOException {
        assertThat(errorOf(dir, "scenario { duration = 10 }\nnetwork { nodez = 5 }\n"))
                .startsWith("bad.scenario.lua:2: unknown field nodez in network{...}");
        assertThat(errorOf(dir, "scenario { duration = 10 }\nnetwork { loss = 2 }\n"))
                .startsWith("bad.scenario.lua:2: network{loss = 2} must be between 0 and");
        assertThat(errorOf(dir, "network { nodes = 5 }\n")).contains("scenario{duration = SECONDS} is missing");
        assertThat(errorOf(dir, HEAD + "put(1)\n")).startsWith("bad.scenario.lua:3: put runs in the timeline");
    }

    @Test
    void aWarmNetworkSkipsTheJoinsTrafficAndStillRunsTheTimeline(@TempDir Path dir) throws IOException {
        String body = "series { name = 'found' }\n"
                + "local o = object { name = 'o', code = 'function onGet() return 1 end', replicas = 3 }\n"
                + "at(0, function() put(o) end)\n"
                + "at(10, function() get(o, { on = function(a) record('found', 1) end }) end)\n"
                + "check { name = 'found it', series = 'found', stat = 'count', equals = 1 }\n";
        Path joined = dir.resolve("joined.scenario.lua");
        Files.writeString(joined, "scenario { duration = 30 }\nnetwork { nodes = 200, settle = 30 }\n" + body);
        Path warm = dir.resolve("warm.scenario.lua");
        Files.writeString(warm, "scenario { duration = 30 }\nnetwork { nodes = 200, settle = 30, start = 'warm' }\n" + body);
        ScenarioReport j = ScenarioRun.run(joined, ScenarioRun.Options.defaults());
        ScenarioReport w = ScenarioRun.run(warm, ScenarioRun.Options.defaults());
        assertThat(w.passed()).as(w.text()).isTrue();
        assertThat(j.passed()).as(j.text()).isTrue();
        assertThat(((Number) w.totals().get("datagrams")).longValue()).as("warm %s, joined %s", w.totals(), j.totals())
                .isLessThan(((Number) j.totals().get("datagrams")).longValue() / 5);
        assertThat(errorOf(dir, "scenario { duration = 10 }\nnetwork { nodes = 5, start = 'hot' }\n"))
                .startsWith("bad.scenario.lua:2: network{start = ...} is \"joined\" (each node joins) or \"warm\"");
    }

    @Test
    void aLatencySpaceGivesTheLatencyProbeItsPlacesAndItsBadValuesAreErrors(@TempDir Path dir) throws IOException {
        // every host at one place with 3 ms links and no jitter: any two are 6 ms apart, a node and its address alike
        Path file = dir.resolve("space.scenario.lua");
        Files.writeString(file, "scenario { duration = 10 }\n"
                + "network { nodes = 5, latency = { space = { width = 0, clusters = 0, access = {3, 3}, jitter = 0 } } }\n"
                + "series { name = 'd' }\n"
                + "at(1, function() local a, b = pick(), pick() record('d', latency(a, address(b))) end)\n"
                + "check { name = 'both links', series = 'd', stat = 'last', equals = 6 }\n"
                + "check { name = 'no such host', value = function() return latency(pick(), '10.9.9.9:1') end, equals = 0 }\n");
        ScenarioReport report = ScenarioRun.run(file, ScenarioRun.Options.defaults());
        assertThat(report.checks().get(0).passed()).as(report.text()).isTrue();
        assertThat(report.text()).contains("no such host: value equals 0; observed nothing");

        String net = "scenario { duration = 10 }\nnetwork { nodes = 5, latency = ";
        assertThat(errorOf(dir, net + "{ space = 'mars' } }\n")).startsWith("bad.scenario.lua:2: network{latency = {space");
        assertThat(errorOf(dir, net + "{ space = { widht = 5 } } }\n"))
                .startsWith("bad.scenario.lua:2: unknown field widht in network.latency.space{...}");
        assertThat(errorOf(dir, net + "{ space = { access = {10, 1} } } }\n")).contains("needs MIN <= MAX");
        assertThat(errorOf(dir, net + "{ space = { clusters = -1 } } }\n")).contains("clusters");
        assertThat(errorOf(dir, HEAD + "at(1, function() latency(pick(), 'nowhere') end)\n"))
                .contains("latency needs a node (the value pick() returned) or an \"ip:port\" string, got 'nowhere'");
    }

    @Test
    void theSvgChartOfASeriesIsADocumentWithItsPoints(@TempDir Path dir) {
        String svg = SvgChart.of("replicas", java.util.List.of(new double[] {0, 1}, new double[] {60, 3}));
        assertThat(svg).startsWith("<svg").contains("<polyline").contains(">replicas<").endsWith("</svg>\n");
    }
}
