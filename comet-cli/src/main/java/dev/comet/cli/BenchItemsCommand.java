package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.core.ItemLookup;
import dev.comet.core.NodeConfig;
import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.lookup.LookupReport;
import dev.comet.runtime.LocalCluster;
import dev.comet.runtime.UdpNode;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Callable;

/**
 * {@code comet bench items}: BEP 44 put and get latency on a loopback cluster, then ops/s with C operations in flight
 * (as OpenDHT's benchmark reports it; bench/peers/opendht_bench.py does the same on OpenDHT). Holds its options.
 */
@CommandLine.Command(name = "items", mixinStandardHelpOptions = true,
        description = {"BEP 44 put and get latency on a loopback cluster: puts from random nodes, gets from others.",
                "Then --ops more put-then-get pairs with --in-flight operations outstanding: ops/s (puts and gets)."})
final class BenchItemsCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--nodes", defaultValue = "20", description = "Cluster size (default: ${DEFAULT-VALUE}).")
    int nodes;

    @CommandLine.Option(names = "--ops", defaultValue = "200", description = "Puts, and as many gets, in each phase (default: ${DEFAULT-VALUE}).")
    int ops;

    @CommandLine.Option(names = "--in-flight", defaultValue = "16",
            description = "Operations outstanding at once in the throughput phase (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @CommandLine.Option(names = "--seed", defaultValue = "1", description = "Seed choosing nodes (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Option(names = "--warmup", defaultValue = "2000",
            description = {"Put-then-get pairs run first, with --in-flight outstanding, on a cluster of their own",
                    "that is then closed: the JIT compiles the paths before they are timed, and the measured",
                    "cluster starts empty (default: ${DEFAULT-VALUE}; 0 for none)."})
    int warmup;

    @CommandLine.Option(names = "--out", description = "Also write the JSON result to this file (e.g. bench/results/items.json).")
    Path out;

    @Override
    public Integer call() {
        BenchCommand.emit(run(nodes, ops, inFlight, warmup, seed), out);
        return 0;
    }

    static Map<String, Object> run(int nodes, int ops, int inFlight, int warmup, long seed) {
        if (nodes < 2 || ops < 1 || inFlight < 1 || warmup < 0) {
            throw new CometException(ErrorCode.BAD_INPUT,
                    "--nodes must be at least 2, --ops and --in-flight at least 1, --warmup at least 0");
        }
        Random random = new Random(seed);
        long[] putMicros = new long[ops];
        long[] getMicros = new long[ops];
        int found = 0;
        Map<String, Object> r = new LinkedHashMap<>();
        if (warmup > 0) {
            warmUp(nodes, warmup, inFlight, random);
        }
        try (LocalCluster cluster = LocalCluster.start(nodes, 0, NodeConfig.defaults())) {
            cluster.awaitFormed(60_000);
            List<UdpNode> all = cluster.nodes();
            for (int i = 0; i < ops; i++) {
                Item item = Item.immutable(Bencode.encode("bench item " + i + " " + random.nextLong()));
                UdpNode writer = all.get(random.nextInt(all.size()));
                long t0 = System.nanoTime();
                WriteOutcome put = NodeConnection.await(writer.putItem(item, -1), 60, "a put");
                putMicros[i] = (System.nanoTime() - t0) / 1_000;
                if (put.accepted().isEmpty()) {
                    throw new CometException(ErrorCode.INTERNAL, "a put was stored nowhere: " + put.refused());
                }
                UdpNode reader = all.get(random.nextInt(all.size()));
                NodeId target = put.target();
                long t1 = System.nanoTime();
                ItemLookup got = NodeConnection.await(reader.getItem(target, null), 60, "a get");
                getMicros[i] = (System.nanoTime() - t1) / 1_000;
                if (got.item().isPresent()) {
                    found++;
                }
            }
            r.put("bench", "items");
            r.put("date", Instant.now().toString());
            r.put("nodes", nodes);
            r.put("ops", ops);
            r.put("warmup_pairs", warmup);
            r.put("put_us_median", LookupReport.percentile(putMicros, 50));
            r.put("put_us_p99", LookupReport.percentile(putMicros, 99));
            r.put("get_us_median", LookupReport.percentile(getMicros, 50));
            r.put("get_us_p99", LookupReport.percentile(getMicros, 99));
            r.put("gets_found", found);
            Throughput t = inFlight(all, ops, Math.min(inFlight, ops), random, "bench flight ");
            r.put("in_flight", inFlight);
            r.put("throughput_ops", t.ops);
            r.put("throughput_failed", t.failed);
            r.put("ops_per_second", Math.round(t.ops / t.seconds * 10) / 10.0);
        }
        return r;
    }

    private record Throughput(long ops, long failed, double seconds) {
    }

    /**
     * Runs {@code pairs} put-then-get pairs on a cluster of its own, then closes it: the JIT compiles the paths
     * before they are timed, and the measured cluster starts with empty stores, as it would without a warm-up
     * (warming up on it would measure stores holding thousands of items instead).
     */
    private static void warmUp(int nodes, int pairs, int inFlight, Random random) {
        try (LocalCluster cluster = LocalCluster.start(nodes, 0, NodeConfig.defaults())) {
            cluster.awaitFormed(60_000);
            Throughput w = inFlight(cluster.nodes(), pairs, Math.min(inFlight, pairs), random, "bench warmup ");
            if (w.failed > 0) {
                throw new CometException(ErrorCode.INTERNAL, w.failed + " of the warm-up operations failed");
            }
        }
    }

    /** {@code pairs} put-then-get pairs as {@code chains} chains at once, each starting its next pair when done. */
    private static Throughput inFlight(List<UdpNode> all, int pairs, int chains, Random random, String label) {
        AtomicInteger started = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        AtomicInteger running = new AtomicInteger(chains);
        long t0 = System.nanoTime();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            int i = started.getAndIncrement();
            if (i >= pairs) {
                if (running.decrementAndGet() == 0) {
                    finished.complete(null);
                }
                return;
            }
            UdpNode writer;
            UdpNode reader;
            Item item;
            synchronized (random) {
                item = Item.immutable(Bencode.encode(label + i + " " + random.nextLong()));
                writer = all.get(random.nextInt(all.size()));
                reader = all.get(random.nextInt(all.size()));
            }
            writer.putItem(item, -1)
                    .thenCompose(put -> {
                        done.incrementAndGet();
                        return reader.getItem(put.target(), null);
                    })
                    .whenComplete((got, error) -> {
                        if (error == null) {
                            done.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                        next[0].run();
                    });
        };
        for (int c = 0; c < chains; c++) {
            next[0].run();
        }
        NodeConnection.await(finished, 600, "the in-flight phase");
        return new Throughput(done.get(), failed.get(), (System.nanoTime() - t0) / 1e9);
    }
}
