package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.cli.bench.CompareTable;
import dev.comet.cli.bench.JitWatch;
import dev.comet.cli.bench.PeerOutputs;
import dev.comet.cli.bench.PeerScript;
import dev.comet.cli.bench.RpcResult;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code comet bench compare}: each scenario for Comet and then for its peer, back to back in one run, as a table of
 * Comet/peer ratios and a JSON file with the commit, cores and JVM. Holds its options and the table being filled.
 */
@CommandLine.Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Comet and its peers side by side, back to back on this machine (docs/performance.md):",
                "the seed example's onGet through one node (bench rpc comet_get) vs Redis EVALSHA of the same counter, "
                        + "at 8 and 50 clients; bench items on 20 loopback nodes vs OpenDHT with 20 nodes.",
                "The peers run from bench/peers/, which installs them from Debian packages when missing."})
final class BenchCompareCommand implements Callable<Integer> {
    private static final int ITEM_NODES = 20;
    private static final int IN_FLIGHT = 16;
    /**
     * Put-then-get pairs in flight Comet's items rows run at least before they measure (the JIT's warm-up), going on
     * while the JIT still compiles; OpenDHT then warms up with as many as Comet ran.
     */
    private static final int ITEM_WARMUP = 2_000;
    /** Seconds the onGet rows' warm-up may go on while the JIT still compiles (one round with --quick). */
    private static final double ONGET_WARMUP_SECONDS = 40;

    @CommandLine.Option(names = "--quick", description = "Short runs (under 3 minutes in all): checks every scenario runs "
            + "and gives numbers, as CI does; too short to judge them.")
    boolean quick;

    @CommandLine.Option(names = "--require-peers", description = "Fail when a peer is not installed (CI).")
    boolean requirePeers;

    @CommandLine.Option(names = "--repo", paramLabel = "DIR",
            description = "The repository (bench/peers/, bench/results/); default: the one bin/comet runs from.")
    Path repo;

    @CommandLine.Option(names = "--out", description = "Where to write the JSON (default: bench/results/compare.json, "
            + "with --quick bench/results/compare-quick.json).")
    Path out;

    @Override
    public Integer call() {
        Path root = repo != null ? repo : Repository.root();
        if (!Files.isDirectory(root.resolve("bench/peers"))) {
            throw new CometException(ErrorCode.BAD_INPUT, "no bench/peers/ under " + root + "; give --repo DIR");
        }
        double seconds = quick ? 3 : 10;
        double warmup = quick ? 1 : 2;
        int redisRequests = quick ? 30_000 : 200_000;
        int itemOps = quick ? 50 : 200;
        // --quick warms up with two batches and stops, settled or not: it checks that the rows run, it judges nothing
        int itemWarmup = quick ? 1_000 : ITEM_WARMUP;
        double itemWarmupSeconds = quick ? 0 : 30;
        long started = System.nanoTime();
        CompareTable table = new CompareTable();
        OnGetWarmUp onGetWarmUp = warmUpOnGet(warmup, quick ? 0 : ONGET_WARMUP_SECONDS);
        Map<String, Object> ceiling = new LinkedHashMap<>();
        for (int clients : new int[] {8, 50}) {
            onGet(table, root, clients, seconds, warmup, redisRequests);
            ceiling.put(Integer.toString(clients), generatorCeiling(clients, seconds, warmup));
        }
        items(table, root, itemOps, itemWarmup, itemWarmupSeconds);
        System.out.print(table.format());
        System.out.println(onGetWarmUp.line());
        System.out.println("load generator ceiling (bench rpc --method echo, ops/s): " + ceiling.entrySet().stream()
                .map(e -> e.getKey() + " clients " + (e.getValue() == null ? "failed" : String.format(java.util.Locale.ROOT, "%,d", e.getValue())))
                .collect(java.util.stream.Collectors.joining(", ")));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", "compare");
        r.put("date", Instant.now().toString());
        r.put("quick", quick);
        r.put("commit", Repository.commit(root));
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        r.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        r.put("wall_seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        r.put("onget_warmup", onGetWarmUp.toMap());
        r.put("generator_ceiling_ops_per_second", ceiling);
        r.put("rows", table.toMaps());
        Path file = out != null ? out : root.resolve(quick ? "bench/results/compare-quick.json" : "bench/results/compare.json");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JsonPrinter.write(r) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CometException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage());
        }
        System.out.println("wrote " + file + " (" + r.get("wall_seconds") + " s)");
        List<String> missing = new java.util.ArrayList<>(table.missing(requirePeers));
        ceiling.forEach((clients, ops) -> {
            if (ops == null) {
                missing.add("load generator ceiling, " + clients + " clients");
            }
        });
        if (!missing.isEmpty()) {
            throw new CometException(ErrorCode.INTERNAL, "no numbers for: " + String.join("; ", missing));
        }
        return 0;
    }

    /**
     * Throwaway {@code comet_get} loads, not measured, so that the onGet rows do not pay for compiling this JVM's code
     * (Redis never does): rounds of one load at 8 clients and one at 50, each {@code seconds} long on a node of its
     * own, until the JIT settled over a round or {@code maxSeconds} have gone (no round starts after them; one round
     * when 0, and no second one when both loads of a round failed, as the rows will report). A single load of
     * 2 s left the compiler busy through the first row's measured seconds: with 20 s of warm-up instead, the same
     * row's p99 went from about 1,000 to 380 µs (docs/performance.md, "The onGet rows' warm-up").
     */
    private static OnGetWarmUp warmUpOnGet(double seconds, double maxSeconds) {
        long start = System.nanoTime();
        JitWatch jit = JitWatch.start();
        int rounds = 0;
        Boolean settled;
        boolean done;
        do {
            int failed = 0;
            for (int clients : new int[] {8, 50}) {
                try {
                    BenchRpcCommand.measure(null, "comet_get", clients, seconds, 0, null);
                } catch (CometException e) {
                    failed++; // the rows themselves report the failure
                }
            }
            rounds++;
            settled = jit.settledSinceLast();
            done = failed == 2
                    || JitWatch.warmUpDone(rounds, 1, settled, System.nanoTime() - start >= maxSeconds * 1e9);
        } while (!done);
        return new OnGetWarmUp(rounds, Math.round((System.nanoTime() - start) / 1e8) / 10.0, settled);
    }

    /** What the onGet rows' warm-up ran; {@code jitSettled} null on a JVM that cannot tell its compilation time. */
    private record OnGetWarmUp(int rounds, double seconds, Boolean jitSettled) {
        String line() {
            return "onGet warm-up, not measured: " + rounds + (rounds == 1 ? " round" : " rounds") + " of comet_get at 8 "
                    + "and 50 clients in " + seconds + " s, the JIT "
                    + (jitSettled == null ? "not observable" : jitSettled ? "settled" : "still compiling");
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rounds", rounds);
            m.put("seconds", seconds);
            m.put("jit_settled", jitSettled);
            return m;
        }
    }

    /** The load generator against its own UDP echo, at the same concurrency and length as the row before it. */
    private static Long generatorCeiling(int clients, double seconds, double warmup) {
        try {
            RpcResult echo = BenchRpcCommand.measure(null, "echo", clients, seconds, warmup, null);
            return echo.ok() > 0 ? Math.round(echo.opsPerSecond()) : null;
        } catch (CometException e) {
            return null;
        }
    }

    private static void onGet(CompareTable table, Path root, int clients, double seconds, double warmup, int requests) {
        String scenario = "seed onGet, " + clients + " clients";
        String peer = "Redis EVALSHA";
        RpcResult comet = null;
        String cometNote = null;
        try {
            comet = BenchRpcCommand.measure(null, "comet_get", clients, seconds, warmup, null);
            if (comet.errors() + comet.timeouts() > 0) {
                cometNote = "Comet: " + comet.errors() + " errors, " + comet.timeouts() + " timeouts"
                        + (comet.firstError() == null ? "" : " (" + comet.firstError() + ")");
            }
        } catch (CometException e) {
            cometNote = "Comet failed: " + e.getMessage();
        }
        PeerScript.Outcome o = PeerScript.run(root.resolve("bench/peers/redis.sh"),
                List.of(Integer.toString(clients), Integer.toString(requests)), 600);
        PeerOutputs.Rpc redis = null;
        String peerNote = peerNote(o);
        if (o.status() == PeerScript.Status.OK) {
            try {
                redis = PeerOutputs.redisCsv(o.out());
            } catch (CometException e) {
                peerNote = e.getMessage();
            }
        }
        String note = join(cometNote, peerNote);
        boolean ok = comet != null && comet.ok() > 0;
        table.add(scenario, peer, "ops/s", true, ok ? comet.opsPerSecond() : null, redis == null ? null : redis.opsPerSecond(), note);
        table.add(scenario, peer, "p50 us", false, ok ? (double) comet.latencies().percentile(50) : null,
                redis == null ? null : (double) redis.p50Micros(), null);
        table.add(scenario, peer, "p99 us", false, ok ? (double) comet.latencies().percentile(99) : null,
                redis == null ? null : (double) redis.p99Micros(), null);
    }

    private static void items(CompareTable table, Path root, int ops, int warmup, double warmupSeconds) {
        String scenario = "items, " + ITEM_NODES + " nodes";
        String peer = "OpenDHT";
        PeerOutputs.Items comet = null;
        String cometNote = null;
        long warmupPairs = warmup;
        long warmupBatch = Math.min(BenchItemsCommand.BATCH_PAIRS, warmup);
        try {
            Map<String, Object> r = BenchItemsCommand.run(ITEM_NODES, ops, IN_FLIGHT, warmup, warmupSeconds, 1);
            warmupPairs = num(r, "warmup_pairs");
            warmupBatch = num(r, "warmup_batch");
            comet = new PeerOutputs.Items(num(r, "put_us_median"), num(r, "put_us_p99"), num(r, "get_us_median"),
                    num(r, "get_us_p99"), ((Number) r.get("ops_per_second")).doubleValue());
        } catch (CometException e) {
            cometNote = "Comet failed: " + e.getMessage();
        }
        PeerScript.Outcome o = PeerScript.run(root.resolve("bench/peers/opendht.sh"), List.of("--nodes",
                Integer.toString(ITEM_NODES), "--ops", Integer.toString(ops), "--in-flight", Integer.toString(IN_FLIGHT),
                "--warmup", Long.toString(warmupPairs), "--warmup-batch", Long.toString(warmupBatch)), 600);
        PeerOutputs.Items dht = null;
        String peerNote = peerNote(o);
        if (o.status() == PeerScript.Status.OK) {
            try {
                dht = PeerOutputs.openDhtJson(o.out());
            } catch (CometException e) {
                peerNote = e.getMessage();
            }
        }
        String note = join(cometNote, peerNote);
        table.add(scenario, peer, "put p50 us", false, comet == null ? null : (double) comet.putP50(), dht == null ? null : (double) dht.putP50(), note);
        table.add(scenario, peer, "put p99 us", false, comet == null ? null : (double) comet.putP99(), dht == null ? null : (double) dht.putP99(), null);
        table.add(scenario, peer, "get p50 us", false, comet == null ? null : (double) comet.getP50(), dht == null ? null : (double) dht.getP50(), null);
        table.add(scenario, peer, "get p99 us", false, comet == null ? null : (double) comet.getP99(), dht == null ? null : (double) dht.getP99(), null);
        table.add(scenario, peer, "ops/s, " + IN_FLIGHT + " in flight", true, comet == null ? null : comet.opsPerSecond(),
                dht == null ? null : dht.opsPerSecond(), null);
    }

    private static long num(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).longValue();
    }

    private static String peerNote(PeerScript.Outcome o) {
        return switch (o.status()) {
            case OK -> null;
            case NOT_INSTALLED -> "peer not installed: " + o.detail();
            case FAILED -> "peer failed: " + o.detail();
        };
    }

    private static String join(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a + "; " + b;
    }
}
