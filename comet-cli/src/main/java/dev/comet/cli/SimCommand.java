package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.NodeConfig;
import dev.comet.sim.SimConfig;
import dev.comet.sim.Simulation;
import picocli.CommandLine;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code comet sim}: the real Node code on thousands of simulated nodes in virtual time. */
@CommandLine.Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Simulate a network of Comet nodes in virtual time and measure lookups.")
final class SimCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--nodes", defaultValue = "1000", description = "Nodes in the network (default: ${DEFAULT-VALUE}).")
    int nodes;

    @CommandLine.Option(names = "--lookups", defaultValue = "200", description = "Lookups to run (default: ${DEFAULT-VALUE}).")
    int lookups;

    @CommandLine.Option(names = "--seed", defaultValue = "1", description = "The run's seed; the same seed gives the same run (default: ${DEFAULT-VALUE}).")
    long seed;

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

    @CommandLine.Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (items < 0 || itemTtl < 1 || checkAfter < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "--items must not be negative, --item-ttl must be positive, --check-after not negative");
        }
        SimConfig config = SimConfig.of(nodes, lookups, seed).withLoss(loss).withKill(kill).withChurn(churnMeanSession)
                .withNodeConfig(NodeConfig.defaults().withReplication(!noReplication));
        Map<String, Object> report = items > 0 ? new Simulation(config).runItems(items, itemTtl, checkAfter * 1000)
                : new Simulation(config).run();
        if (json) {
            System.out.println(Json.write(report));
        } else {
            report.forEach((k, v) -> System.out.printf("%-20s %s%n", k, v));
        }
        return 0;
    }
}
