package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.cli.chaos.ChaosReport;
import dev.comet.cli.chaos.ChaosRun;
import dev.comet.client.ObjectSpec;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/** {@code comet chaos}: node processes killed with kill -9 under a put/get workload; is every acknowledged write still there? */
@CommandLine.Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Start N 'comet node' processes on 127.0.0.1, 127.0.0.2, ..., run puts and gets of objects and "
                + "BEP 44 items through them, kill a fraction with kill -9 at random times, restart some on their data "
                + "directories, and read every acknowledged write back at the end (docs/chaos.md).",
                "The seed chooses the victims and the times; the run itself is not deterministic (the processes "
                + "are scheduled as they will). Exits with 11 when an acknowledged write is lost."})
final class ChaosCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--processes", defaultValue = "10", description = "Node processes (default: ${DEFAULT-VALUE}).")
    int processes;

    @CommandLine.Option(names = "--kill-fraction", defaultValue = "0.3",
            description = "Share of the processes killed with kill -9 during the workload, rounded (default: ${DEFAULT-VALUE}).")
    double killFraction;

    @CommandLine.Option(names = "--restart-fraction", defaultValue = "0.5",
            description = "Share of the killed processes restarted on their data directories, rounded (default: ${DEFAULT-VALUE}).")
    double restartFraction;

    @CommandLine.Option(names = "--replicas", defaultValue = "3", description = "Replicas of each object put (default: ${DEFAULT-VALUE}).")
    int replicas;

    @CommandLine.Option(names = "--seconds", defaultValue = "60", description = "Length of the workload (default: ${DEFAULT-VALUE}).")
    int seconds;

    @CommandLine.Option(names = "--clients", defaultValue = "4", description = "Client threads of the workload (default: ${DEFAULT-VALUE}).")
    int clients;

    @CommandLine.Option(names = "--seed", description = "Seed choosing the victims and times (default: a random one, printed).")
    Long seed;

    @CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A setting of every node process, over the run's own (docs/chaos.md) (repeatable).")
    Map<String, String> flags = new LinkedHashMap<>();

    @CommandLine.Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (processes < 2) {
            throw bad("--processes must be at least 2, got " + processes);
        }
        if (!(killFraction >= 0 && killFraction < 1)) {
            throw bad("--kill-fraction must be in [0, 1), got " + killFraction);
        }
        if (!(restartFraction >= 0 && restartFraction <= 1)) {
            throw bad("--restart-fraction must be in [0, 1], got " + restartFraction);
        }
        if (replicas < 1 || replicas > ObjectSpec.MAX_REPLICAS) {
            throw bad("--replicas must be 1 to " + ObjectSpec.MAX_REPLICAS + ", got " + replicas);
        }
        if (seconds < 5) {
            throw bad("--seconds must be at least 5, got " + seconds);
        }
        if (clients < 1 || clients > 64) {
            throw bad("--clients must be 1 to 64, got " + clients);
        }
        int kills = (int) Math.round(processes * killFraction);
        if (kills >= processes) {
            throw bad("--kill-fraction " + killFraction + " kills all " + processes + " processes; keep one alive");
        }
        int restarts = (int) Math.round(kills * restartFraction);
        long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1L << 48);
        Map<String, String> settings = nodeSettings();
        int k = NodeSettings.resolve(null, Map.of(), settings).k();

        var err = spec.commandLine().getErr();
        err.println("comet chaos: seed " + runSeed + " (--seed " + runSeed + " chooses the same victims and times)");
        ChaosReport report = ChaosRun.run(new ChaosRun.Settings(processes, kills, restarts, replicas, seconds, runSeed,
                clients, settings, k), line -> {
                    err.println("comet chaos: " + line);
                    err.flush();
                });
        if (json) {
            System.out.println(JsonPrinter.write(report.fields()));
        } else {
            print(report);
        }
        return report.lost().isEmpty() ? ExitStatus.SUCCESS.code() : ExitStatus.LOST.code();
    }

    /**
     * The nodes' settings: the defaults, guard included (a busy gateway's node paces itself inside its peers'
     * allowance, docs/abuse.md), under the user's {@code --set}; the caller resolves them here, so a wrong key stops
     * the run before any process starts.
     */
    private Map<String, String> nodeSettings() {
        return new LinkedHashMap<>(flags);
    }

    private static void print(ChaosReport report) {
        Map<String, Object> fields = report.fields();
        for (String key : List.of("seed", "processes", "replicas", "workload_seconds", "killed", "restarted",
                "objects_acked", "items_acked", "puts_failed", "gets_ok", "gets_failed", "settle_seconds",
                "objects_lost", "items_lost", "wall_seconds")) {
            System.out.printf("%-17s %s%n", key, fields.get(key));
        }
        report.kills().forEach(k -> System.out.printf("kill              process %d at %.1f s, exit status %d%n",
                k.process(), k.atSeconds(), k.exitStatus()));
        report.restarts().forEach(r -> System.out.printf("restart           process %d at %.1f s%s%n",
                r.process(), r.atSeconds(), r.sameId() ? ", same id" : ", NEW id"));
        report.failures().forEach((what, n) -> System.out.printf("failed            %s: %d%n", what, n));
        report.lost().stream().limit(50).forEach(l -> System.out.printf("LOST              %s %s (stored on %s): %s%n",
                l.kind(), l.key(), String.join(" ", l.storedOn()), l.reason()));
        System.out.println(report.lost().isEmpty() ? "every acknowledged write was read back"
                : report.lost().size() + " acknowledged write(s) lost");
    }

    private static CometException bad(String message) {
        return new CometException(ErrorCode.BAD_INPUT, message);
    }
}
