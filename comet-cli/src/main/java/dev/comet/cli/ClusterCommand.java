package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.LuaRuntimePool;
import dev.comet.gateway.Gateway;
import dev.comet.gateway.GatewayConfig;
import dev.comet.runtime.LocalCluster;
import dev.comet.runtime.UdpNode;
import dev.comet.sim.HeapMeter;
import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code comet cluster}: N real nodes on 127.0.0.1 in one process, the embedded default network. */
@CommandLine.Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Start N nodes on 127.0.0.1 in one process, bootstrapped from the first; serve until interrupted, or run a lookup self test.")
final class ClusterCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--nodes", defaultValue = "20", description = "Number of nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @CommandLine.Option(names = "--base-port", defaultValue = "0", description = "First UDP port; 0 = free ports (default: ${DEFAULT-VALUE}).")
    int basePort;

    @CommandLine.Option(names = "--selftest", description = "Wait for the network to form, run lookups, report and exit.")
    boolean selftest;

    @CommandLine.Option(names = "--lookups", defaultValue = "200", description = "Lookups of the self test (default: ${DEFAULT-VALUE}).")
    int lookups;

    @CommandLine.Option(names = "--seed", defaultValue = "1", description = "Seed choosing the self test's lookups (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Option(names = "--json", description = "Print the self test report as one JSON object.")
    boolean json;

    @CommandLine.Option(names = "--http-port", defaultValue = "${env:COMET_HTTP_PORT:-8080}",
            description = "Port of the gateway on the first node, 0 for a free one, -1 for none (default: ${DEFAULT-VALUE}; not with --selftest).")
    int httpPort;

    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() throws InterruptedException {
        if (nodes < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "--nodes must be at least 1, got " + nodes);
        }
        if (lookups < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "--lookups must not be negative");
        }
        long wallStart = System.nanoTime();
        HeapMeter.reset();
        LocalCluster cluster = LocalCluster.start(nodes, basePort, config.nodeConfig(), LuaRuntimePool.factory(config.nodeConfig().objects()));
        try {
            cluster.awaitFormed(60_000);
            if (!selftest) {
                for (UdpNode n : cluster.nodes()) {
                    InetSocketAddress a = n.address();
                    System.out.println(n.id().toHex() + " " + dev.comet.routing.Contact.hostPort(a));
                }
                Gateway gateway = httpPort < 0 ? null : Gateway.start(cluster.nodes().get(0),
                        GatewayConfig.defaults().withAddress("127.0.0.1", httpPort));
                System.out.println("comet cluster: " + nodes + " nodes up" + (gateway == null ? "" : ", gateway " + gateway.url())
                        + "; Ctrl-C to stop");
                System.out.flush();
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    if (gateway != null) {
                        gateway.close();
                    }
                    cluster.close();
                    stop.countDown();
                }, "comet-shutdown"));
                stop.await();
                return 0;
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("nodes", nodes);
            report.putAll(cluster.selfTest(lookups, 16, seed));
            report.put("wall_seconds", Math.round((System.nanoTime() - wallStart) / 1e7) / 100.0);
            report.put("peak_heap_mb", HeapMeter.peakMegabytes());
            if (json) {
                System.out.println(JsonPrinter.write(report));
            } else {
                report.forEach((k, v) -> System.out.printf("%-20s %s%n", k, v));
            }
            return 0;
        } finally {
            if (selftest) {
                cluster.close();
            }
        }
    }
}
