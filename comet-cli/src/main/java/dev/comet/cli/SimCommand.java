package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.NodeConfig;
import dev.comet.sim.SimConfig;
import dev.comet.sim.ObjectReplication;
import dev.comet.sim.Progress;
import dev.comet.sim.Simulation;
import dev.comet.sim.scenario.ScenarioReport;
import dev.comet.sim.scenario.ScenarioRun;
import picocli.CommandLine;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code comet sim}: the real Node code on thousands of simulated nodes in virtual time, or a user's scenario. */
@CommandLine.Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Simulate a network of Comet nodes in virtual time and measure lookups, items or objects;",
                "or run a scenario file (--scenario): your objects, a timeline, checks and series (docs/scenarios.md)."})
final class SimCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--nodes", description = "Nodes in the network (default: 1000; a scenario: its network{nodes}).")
    Integer nodes;

    @CommandLine.Option(names = "--scenario", paramLabel = "FILE",
            description = "Run this scenario file (a Lua driver script, docs/scenarios.md); exit 10 when a check fails.")
    java.nio.file.Path scenario;

    @CommandLine.Option(names = "--out", paramLabel = "DIR",
            description = "With --scenario: write report.json, report.txt and an SVG chart of each series here.")
    java.nio.file.Path out;

    @CommandLine.Option(names = "--without-handlers",
            description = "With --scenario: remove every object's handlers (its checks should then fail).")
    boolean withoutHandlers;

    @CommandLine.Option(names = "--progress",
            description = "Show progress on stderr even with --json or when stderr is not a terminal.")
    boolean progress;

    @CommandLine.Option(names = "--lookups", defaultValue = "200", description = "Lookups to run (default: ${DEFAULT-VALUE}).")
    int lookups;

    @CommandLine.Option(names = "--seed", description = "The run's seed; the same seed gives the same run (default: 1; a scenario: its scenario{seed}).")
    Long seed;

    @CommandLine.Option(names = "--loss", defaultValue = "0", description = "Probability that a datagram is lost, 0 to <1 (default: ${DEFAULT-VALUE}).")
    double loss;

    @CommandLine.Option(names = "--kill", defaultValue = "0", description = "Fraction of nodes killed at once before the lookups, 0 to <1 (default: ${DEFAULT-VALUE}).")
    double kill;

    @CommandLine.Option(names = "--churn-mean-session", defaultValue = "0", paramLabel = "SECONDS",
            description = "Mean exponential session time of a node in virtual seconds; 0 = no churn (default: ${DEFAULT-VALUE}).")
    double churnMeanSession;

    @CommandLine.Option(names = "--items", defaultValue = "0",
            description = "Instead of lookups: put this many BEP 44 items, then have every live node read every item.")
    int items;

    @CommandLine.Option(names = "--item-ttl", defaultValue = "43200", paramLabel = "SECONDS",
            description = "Lifetime of the items (default: ${DEFAULT-VALUE}).")
    long itemTtl;

    @CommandLine.Option(names = "--check-after", defaultValue = "21600", paramLabel = "SECONDS",
            description = "Virtual time between the puts and the reads (default: ${DEFAULT-VALUE}).")
    long checkAfter;

    @CommandLine.Option(names = "--no-replication", description = "Nodes neither republish nor hand items over on join.")
    boolean noReplication;

    @CommandLine.Option(names = "--objects", defaultValue = "0",
            description = "Instead of lookups: put this many active objects with a timer, then read each from all its replicas.")
    int objects;

    @CommandLine.Option(names = "--object-ttl", defaultValue = "86400", paramLabel = "SECONDS",
            description = "Lifetime of the objects (default: ${DEFAULT-VALUE}).")
    long objectTtl;

    @CommandLine.Option(names = "--timer", defaultValue = "300", paramLabel = "SECONDS",
            description = "The objects' aso.timerInterval (default: ${DEFAULT-VALUE}).")
    long timer;

    @CommandLine.Option(names = "--object-replication", defaultValue = "node", paramLabel = "node|none|self",
            converter = ObjectReplicationConverter.class,
            description = "node: the nodes re-store the objects (default); none: aso.defaultReplication = false; "
                    + "self: that, and each replica's onTimer stores the object on the 7 closest nodes.")
    ObjectReplication objectReplication;

    /** Reads node|none|self, any case. */
    static final class ObjectReplicationConverter implements CommandLine.ITypeConverter<ObjectReplication> {
        @Override
        public ObjectReplication convert(String value) {
            try {
                return ObjectReplication.valueOf(value.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CometException(ErrorCode.BAD_INPUT, "--object-replication must be node, none or self, got " + value);
            }
        }
    }

    @CommandLine.Option(names = "--comet-fraction", defaultValue = "1", paramLabel = "F",
            description = "Share of the nodes that run Comet, in (0, 1]; the others are foreign Mainline nodes that "
                    + "behave as libtorrent does (default: ${DEFAULT-VALUE}).")
    double cometFraction;

    @CommandLine.Option(names = "--minority-objects", defaultValue = "0",
            description = "Instead of lookups: put this many objects from random Comet nodes, then read each from "
                    + "every other Comet node; reports whether they sit on the closest Comet nodes (use with "
                    + "--comet-fraction).")
    int minorityObjects;

    @CommandLine.Option(names = "--minority-readers", defaultValue = "0", paramLabel = "N",
            description = "With --minority-objects: each object is read by N random Comet nodes instead of every "
                    + "other one (default: ${DEFAULT-VALUE}, every other one).")
    int minorityReaders;

    @CommandLine.Option(names = "--minority-hold", defaultValue = "0", paramLabel = "SECONDS",
            description = "With --minority-objects: after the reads, run this long and report what replication "
                    + "(the hourly republish) cost (default: ${DEFAULT-VALUE}).")
    long minorityHold;

    @CommandLine.Option(names = "--warm-start",
            description = "Start every node at once with its routing table filled from the simulator's knowledge of "
                    + "the whole network, as a long-converged network's would be, instead of simulating each join: "
                    + "for runs about lookups or objects on very large networks. Nodes that join later under churn "
                    + "still join.")
    boolean warmStart;

    @CommandLine.Option(names = "--threads", paramLabel = "N",
            description = "Threads the simulated hosts run on, 1 to 8, no more than the machine's cores (default: the "
                    + "cores, at most 2). The report is the same for any number; only the wall time changes.")
    Integer threads;

    @CommandLine.Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws java.io.IOException {
        if (scenario != null) {
            return runScenario();
        }
        if (out != null || withoutHandlers) {
            throw new CometException(ErrorCode.BAD_INPUT, "--out and --without-handlers go with --scenario FILE");
        }
        int nodes = this.nodes == null ? 1000 : this.nodes;
        long seed = this.seed == null ? 1 : this.seed;
        if (items < 0 || itemTtl < 1 || checkAfter < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "--items must not be negative, --item-ttl must be positive, --check-after not negative");
        }
        if (objects < 0 || objectTtl < 1 || timer < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "--objects must not be negative, --object-ttl and --timer must be positive");
        }
        if (minorityObjects < 0 || minorityReaders < 0 || minorityHold < 0) {
            throw new CometException(ErrorCode.BAD_INPUT,
                    "--minority-objects, --minority-readers and --minority-hold must not be negative");
        }
        if (minorityObjects == 0 && (minorityReaders > 0 || minorityHold > 0)) {
            throw new CometException(ErrorCode.BAD_INPUT, "--minority-readers and --minority-hold go with --minority-objects N");
        }
        if ((objects > 0 ? 1 : 0) + (items > 0 ? 1 : 0) + (minorityObjects > 0 ? 1 : 0) > 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "give one of --items, --objects and --minority-objects");
        }
        SimConfig config = SimConfig.of(nodes, lookups, seed).withLoss(loss).withKill(kill).withChurn(churnMeanSession)
                .withNodeConfig(NodeConfig.defaults().withReplication(!noReplication)).withCometFraction(cometFraction)
                .withWarmStart(warmStart).withThreads(threads());
        Simulation simulation = new Simulation(config);
        Progress shown = ProgressLine.choose(progress, json);
        simulation.reportProgress(shown);
        Map<String, Object> report = minorityObjects > 0
                ? simulation.runMinority(minorityObjects, minorityReaders, minorityHold)
                : items > 0 ? simulation.runItems(items, itemTtl, checkAfter * 1000)
                : objects > 0 ? simulation.runObjects(objects, objectTtl, timer, checkAfter * 1000, objectReplication)
                : simulation.run();
        if (shown instanceof ProgressLine line) {
            line.finish();
        }
        if (json) {
            System.out.println(JsonPrinter.write(report));
        } else {
            report.forEach((k, v) -> System.out.printf("%-20s %s%n", k, v));
        }
        return 0;
    }

    /** The threads asked for (SimConfig checks them), by default the machine's cores, at most 2. */
    private int threads() {
        return threads != null ? threads : Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    private int runScenario() throws java.io.IOException {
        if (!java.nio.file.Files.isRegularFile(scenario)) {
            throw new CometException(ErrorCode.BAD_INPUT, "no scenario file " + scenario);
        }
        if (nodes != null && nodes < 2) {
            throw new CometException(ErrorCode.BAD_INPUT, "--nodes must be at least 2, got " + nodes);
        }
        Progress shown = ProgressLine.choose(progress, json);
        ScenarioReport report;
        try {
            report = ScenarioRun.run(scenario,
                    new ScenarioRun.Options(seed, nodes, null, withoutHandlers, shown, warmStart, threads()));
        } finally {
            if (shown instanceof ProgressLine line) {
                line.finish();
            }
        }
        if (out != null) {
            ScenarioFiles.write(out, report, JsonPrinter.write(report.fields()));
        }
        if (json) {
            System.out.println(JsonPrinter.write(report.fields()));
        } else {
            System.out.print(report.text());
            System.out.println(report.measurements());
            if (out != null) {
                System.out.println("wrote " + out.resolve("report.json") + " and " + report.series().size() + " charts");
            }
        }
        return report.passed() ? 0 : ExitStatus.CHECK_FAILED.code();
    }
}
