package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.cli.bench.JitWatch;
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
 * (as OpenDHT's benchmark reports it; bench/peers/opendht_bench.py does the same on OpenDHT), after a warm-up that
 * lasts until the JIT has settled. Holds its options.
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
            description = {"Put-then-get pairs run first with --in-flight outstanding, in batches of at most 500, each",
                    "batch on a cluster of its own that is then closed and first running a fifth as many pairs one",
                    "at a time: the JIT compiles both phases' paths before they are timed, and the measured cluster",
                    "starts empty (default: ${DEFAULT-VALUE}; 0 for none)."})
    int warmup;

    @CommandLine.Option(names = "--warmup-seconds", defaultValue = "30",
            description = {"After --warmup pairs, the warm-up goes on in batches while the JIT still compiles (more",
                    "than a twentieth of a batch's wall time), at most this long (default: ${DEFAULT-VALUE}; 0: stop",
                    "after --warmup pairs)."})
    double warmupSeconds;

    @CommandLine.Option(names = "--out", description = "Also write the JSON result to this file (e.g. bench/results/items.json).")
    Path out;

    @Override
    public Integer call() {
        BenchCommand.emit(run(nodes, ops, inFlight, warmup, warmupSeconds, seed), out);
        return 0;
    }

    static Map<String, Object> run(int nodes, int ops, int inFlight, int warmup, double warmupSeconds, long seed) {
        if (nodes < 2 || ops < 1 || inFlight < 1 || warmup < 0 || !(warmupSeconds >= 0)) {
            throw new CometException(ErrorCode.BAD_INPUT, "--nodes must be at least 2, --ops and --in-flight at least 1, "
                    + "--warmup and --warmup-seconds at least 0");
        }
        // the warm-up draws from its own generator: how long it runs depends on the JIT, and the measured phases
        // must pick the same nodes and items for the same seed whatever it drew
        Random random = new Random(seed);
        Map<String, Object> r = new LinkedHashMap<>();
        WarmUp warm = warmup > 0 ? warmUp(nodes, warmup, inFlight, warmupSeconds, new Random(~seed)) : WarmUp.NONE;
        try (LocalCluster cluster = LocalCluster.start(nodes, 0, NodeConfig.defaults())) {
            cluster.awaitFormed(60_000);
            List<UdpNode> all = cluster.nodes();
            OneAtATime timed = oneAtATime(all, ops, random, "bench item ");
            r.put("bench", "items");
            r.put("date", Instant.now().toString());
            r.put("nodes", nodes);
            r.put("ops", ops);
            r.put("warmup_pairs", warm.pairs);
            r.put("warmup_batch", warm.batch);
            r.put("warmup_one_at_a_time", warm.oneAtATime);
            r.put("warmup_seconds", Math.round(warm.seconds * 10) / 10.0);
            r.put("warmup_jit_settled", warm.settled);
            r.put("put_us_median", LookupReport.percentile(timed.putMicros, 50));
            r.put("put_us_p99", LookupReport.percentile(timed.putMicros, 99));
            r.put("get_us_median", LookupReport.percentile(timed.getMicros, 50));
            r.put("get_us_p99", LookupReport.percentile(timed.getMicros, 99));
            r.put("gets_found", timed.found);
            Throughput t = inFlight(all, ops, Math.min(inFlight, ops), random, "bench flight ");
            r.put("in_flight", inFlight);
            r.put("throughput_ops", t.ops);
            r.put("throughput_failed", t.failed);
            r.put("ops_per_second", Math.round(t.ops / t.seconds * 10) / 10.0);
        }
        return r;
    }

    /** Each put's and get's latency in microseconds, in the order they ran, and how many gets found their item. */
    private record OneAtATime(long[] putMicros, long[] getMicros, int found) {
    }

    /**
     * {@code ops} times: a put of a fresh item from a random node, awaited, then a get of it from a random node,
     * awaited (the latency phase, and the warm-up's batches of its shape).
     */
    private static OneAtATime oneAtATime(List<UdpNode> all, int ops, Random random, String label) {
        long[] putMicros = new long[ops];
        long[] getMicros = new long[ops];
        int found = 0;
        for (int i = 0; i < ops; i++) {
            Item item = Item.immutable(Bencode.encode(label + i + " " + random.nextLong()));
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
        return new OneAtATime(putMicros, getMicros, found);
    }

    private record Throughput(long ops, long failed, double seconds) {
    }

    /**
     * What the warm-up ran: pairs in flight (in batches of {@code batch}), pairs one at a time, its wall time, and
     * whether the JIT had settled (null: this JVM does not tell its compilation time).
     */
    private record WarmUp(long pairs, int batch, long oneAtATime, double seconds, Boolean settled) {
        static final WarmUp NONE = new WarmUp(0, 0, 0, 0, null);
    }

    /** Pairs in flight in one warm-up batch; each batch first runs a fifth as many one at a time. */
    static final int BATCH_PAIRS = 500;
    /**
     * Warms up in batches, each the measured run's whole life on a cluster of its own: the cluster starts and forms,
     * runs a fifth of the batch's pairs one at a time, then the batch's pairs in flight, and is closed. At least
     * {@code pairs} pairs in flight, then more batches while the JIT still compiles, for at most {@code maxSeconds}
     * in all. On two cores a fixed 2,000 pairs in flight on one cluster left the JIT compiling into the latency
     * phase, and the paths a fresh cluster takes first (joins, fills, first contacts) compiled only there: the
     * compiler's share of the cores showed as the slowest puts, most of them the first on the measured cluster.
     * The measured cluster starts with empty stores, as without a warm-up.
     */
    private static WarmUp warmUp(int nodes, int pairs, int inFlight, double maxSeconds, Random random) {
        int batch = Math.min(BATCH_PAIRS, pairs);
        int single = Math.max(1, batch / 5);
        long start = System.nanoTime();
        long budget = (long) Math.min(maxSeconds * 1e9, Long.MAX_VALUE / 2.0);
        long ran = 0;
        long oneAtATime = 0;
        JitWatch jit = JitWatch.start();
        while (true) {
            try (LocalCluster cluster = LocalCluster.start(nodes, 0, NodeConfig.defaults())) {
                cluster.awaitFormed(60_000);
                List<UdpNode> all = cluster.nodes();
                oneAtATime(all, single, random, "bench warmup single ");
                Throughput w = inFlight(all, batch, Math.min(inFlight, batch), random, "bench warmup ");
                if (w.failed > 0) {
                    throw new CometException(ErrorCode.INTERNAL, w.failed + " of the warm-up operations failed");
                }
            }
            ran += batch;
            oneAtATime += single;
            long now = System.nanoTime();
            Boolean settled = jit.settledSinceLast(); // over the batch, its cluster's start and close included
            if (JitWatch.warmUpDone(ran, pairs, settled, now - start >= budget)) {
                return new WarmUp(ran, batch, oneAtATime, (now - start) / 1e9, settled);
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
