package dev.comet.sim.scenario;

import dev.comet.core.NodeConfig;
import dev.comet.sim.HandlerTotals;
import dev.comet.sim.HeapMeter;
import dev.comet.sim.RunCost;
import dev.comet.sim.Progress;
import dev.comet.sim.SimConfig;
import dev.comet.sim.SimNetwork;
import dev.comet.sim.Simulation;
import org.luaj.vm2.LuaValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a loaded scenario on the simulator: builds and settles its network, then plays its timeline in virtual time,
 * samples its series, evaluates its checks and reports. Owns the run's series, check results and simulation; one
 * run per instance, on the calling thread.
 */
public final class ScenarioRun {
    private final ScenarioScript script;
    private final Scenario scenario;
    private final Simulation simulation;
    private final Map<String, Series> series = new LinkedHashMap<>();
    private final Map<String, Scenario.SeriesSpec> specs = new LinkedHashMap<>();
    private final List<ScenarioReport.CheckResult> results = new ArrayList<>();
    /** The heap left after a collection at each virtual hour, in MiB (a measurement). */
    private final List<Long> heapByHour = new ArrayList<>();
    private static final long HOUR_MILLIS = 3_600_000L;
    private final boolean withoutHandlers;
    private ScenarioOperations operations;
    private long start;

    /**
     * What the command line or a test may change in a scenario: seed and size (null: the file's), a cap on the size
     * (null: none), handlers removed, a warm start, and the threads it runs on (the report is the same for any).
     */
    public record Options(Long seed, Integer nodes, Integer maxNodes, boolean withoutHandlers, Progress progress,
                          boolean warmStart, int threads) {
        /** Options that start the network by simulating its joins, on one thread. */
        public Options(Long seed, Integer nodes, Integer maxNodes, boolean withoutHandlers, Progress progress) {
            this(seed, nodes, maxNodes, withoutHandlers, progress, false, 1);
        }

        /** These options on {@code count} threads. */
        public Options withThreads(int count) {
            return new Options(seed, nodes, maxNodes, withoutHandlers, progress, warmStart, count);
        }

        public static Options defaults() {
            return new Options(null, null, null, false, Progress.NONE);
        }
    }

    private ScenarioRun(ScenarioScript script, Options options) {
        this.script = script;
        this.withoutHandlers = options.withoutHandlers();
        Scenario declared = script.scenario();
        Scenario.Network network = options.nodes() == null ? declared.network()
                : declared.network().withNodes(options.nodes());
        if (options.maxNodes() != null && network.nodes() > options.maxNodes()) {
            network = network.withNodes(options.maxNodes());
        }
        this.scenario = new Scenario(declared.name(), declared.file(),
                options.seed() == null ? declared.seed() : options.seed(), declared.durationSeconds(), network,
                declared.objects(), declared.series(), declared.checks(), declared.actions());
        SimConfig config = new SimConfig(network.nodes(), 0, scenario.seed(), network.loss(), network.latencyMinMillis(),
                network.latencyMaxMillis(), 0, 0, 20, network.settleSeconds() * 1000, 100, NodeConfig.defaults(), 1)
                .withSpace(network.space()).withWarmStart(options.warmStart() || network.warmStart())
                .withThreads(options.threads());
        this.simulation = new Simulation(config, network.sessions());
        simulation.reportProgress(options.progress());
    }

    /** Loads {@code file} and runs it with {@code options}. */
    public static ScenarioReport run(Path file, Options options) {
        return new ScenarioRun(ScenarioScript.load(file, options.withoutHandlers()), options).run();
    }

    private ScenarioReport run() {
        HeapMeter.reset();
        RunCost cost = RunCost.start();
        simulation.buildAndSettle();
        SimNetwork network = simulation.network();
        start = network.now();
        for (Scenario.SeriesSpec s : scenario.series()) {
            series.put(s.name(), new Series(s.name()));
            specs.put(s.name(), s);
        }
        operations = new ScenarioOperations(simulation, series, specs, start);
        script.bind(operations);
        long end = start + scenario.durationSeconds() * 1000;
        for (Scenario.SeriesSpec s : scenario.series()) {
            if (s.sample() != null) {
                sample(s, start);
            }
        }
        for (Scenario.Action a : scenario.actions()) {
            schedule(a, start + a.atSeconds() * 1000, end);
        }
        for (Scenario.CheckSpec c : scenario.checks()) {
            if (c.atSeconds() >= 0 && c.atSeconds() <= scenario.durationSeconds()) {
                network.schedule(start + c.atSeconds() * 1000 - network.now(), () -> evaluate(c));
            }
        }
        measureHeapHourly(start + HOUR_MILLIS, end);
        simulation.phase("running", () -> (network.now() - start) / (double) Math.max(1, end - start));
        network.runUntil(script::failedInCallback, end);
        script.rethrowDeferred();
        for (Scenario.CheckSpec c : scenario.checks()) {
            if (c.atSeconds() < 0 || c.atSeconds() > scenario.durationSeconds()) {
                evaluate(c);
            }
        }
        results.sort(java.util.Comparator.comparingInt(r -> scenario.checks().stream().map(Scenario.CheckSpec::name)
                .toList().indexOf(r.name())));
        return report(cost);
    }

    /**
     * At each virtual hour of the timeline, the heap left after a collection: what a soak compares (a leak grows it
     * hour after hour). A measurement, not part of the seeded report; it draws nothing, so the run is the same.
     */
    private void measureHeapHourly(long at, long end) {
        if (at > end) {
            return;
        }
        SimNetwork network = simulation.network();
        network.schedule(at - network.now(), () -> {
            heapByHour.add(HeapMeter.usedAfterCollectionMegabytes());
            measureHeapHourly(at + HOUR_MILLIS, end);
        });
    }

    private void sample(Scenario.SeriesSpec s, long at) {
        SimNetwork network = simulation.network();
        network.schedule(at - network.now(), () -> {
            LuaValue v = script.guard(() -> s.sample().call());
            series.get(s.name()).add(operations.now(),
                    script.guard(() -> ScenarioOperations.number("series '" + s.name() + "' sample", v)));
            long next = at + s.everySeconds() * 1000;
            if (next <= start + scenario.durationSeconds() * 1000) {
                sample(s, next);
            }
        });
    }

    private void schedule(Scenario.Action a, long at, long end) {
        if (at > end || at > start + a.untilSeconds() * 1000) {
            return;
        }
        SimNetwork network = simulation.network();
        network.schedule(at - network.now(), () -> {
            if (a.stopWhen() != null && script.guard(() -> a.stopWhen().call()).toboolean()) {
                return;
            }
            script.guard(() -> a.run().call());
            if (a.everySeconds() > 0) {
                schedule(a, at + a.everySeconds() * 1000, end);
            }
        });
    }

    private void evaluate(Scenario.CheckSpec c) {
        LuaValue observed;
        if (c.series() != null) {
            double v = series.get(c.series()).stat(c.stat());
            observed = Double.isNaN(v) ? LuaValue.NIL : LuaValue.valueOf(v);
        } else {
            observed = script.guard(() -> c.value().call());
        }
        boolean passed = switch (c.comparison()) {
            case "equals" -> observed.isnumber() && c.expected().isnumber()
                    ? observed.todouble() == c.expected().todouble() : observed.raweq(c.expected());
            case "at_least" -> observed.isnumber() && observed.todouble() >= c.expected().todouble();
            case "at_most" -> observed.isnumber() && observed.todouble() <= c.expected().todouble();
            default -> throw new IllegalStateException("comparisons are checked when the file loads");
        };
        String shown = Numbers.show(observed);
        results.add(new ScenarioReport.CheckResult(c.name(), c.expectation(), shown, passed, c.line(), operations.now()));
    }

    private ScenarioReport report(RunCost cost) {
        List<ScenarioReport.SeriesResult> out = new ArrayList<>();
        for (Series s : series.values()) {
            out.add(new ScenarioReport.SeriesResult(s.name(), s.points(), s.summary()));
        }
        HandlerTotals work = simulation.handlerWork();
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("handler_invocations", work.invocations());
        totals.put("handler_instructions", work.instructions());
        totals.put("handler_messages", work.requestsSent());
        totals.put("datagrams", simulation.network().datagramsSent());
        totals.put("live_nodes", simulation.liveNodes().size());
        totals.put("churn_departures", simulation.churnDepartures());
        totals.put("churn", scenario.network().sessions().toString());
        operations.counters().forEach(totals::put);
        return new ScenarioReport(scenario.name(), scenario.file(), scenario.seed(), scenario.network().nodes(),
                withoutHandlers, scenario.durationSeconds(), results, out, totals, operations.notes(),
                cost.wallSeconds(), cost.cpuSeconds(), cost.collectorSeconds(), HeapMeter.peakMegabytes(),
                List.copyOf(heapByHour));
    }
}
