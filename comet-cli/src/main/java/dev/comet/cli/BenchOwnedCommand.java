package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.LuaRuntimePool;
import dev.comet.core.NodeConfig;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.UpdateOutcome;
import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import dev.comet.lookup.LookupReport;
import dev.comet.owned.Edit;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;
import dev.comet.runtime.LocalCluster;
import dev.comet.runtime.UdpNode;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code comet bench owned}: what owning an object costs (issue #11), on one loopback cluster in one run: put and get
 * latency of signed objects against unsigned ones, and guarded appends per second on one signed object. Holds its
 * options.
 */
@CommandLine.Command(name = "owned", mixinStandardHelpOptions = true,
        description = {"Signed against unsigned objects on a loopback cluster: put and get latency (puts from random "
                + "nodes, gets from others), then --appends appends to one signed object, one after the other, through "
                + "random nodes: appends per second."})
final class BenchOwnedCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--nodes", defaultValue = "20", description = "Cluster size (default: ${DEFAULT-VALUE}).")
    int nodes;

    @CommandLine.Option(names = "--ops", defaultValue = "100",
            description = "Puts and gets of each kind, interleaved (default: ${DEFAULT-VALUE}).")
    int ops;

    @CommandLine.Option(names = "--replicas", defaultValue = "5", description = "Replicas of each object (default: ${DEFAULT-VALUE}).")
    int replicas;

    @CommandLine.Option(names = "--appends", defaultValue = "200", description = "Appends to one signed object (default: ${DEFAULT-VALUE}).")
    int appends;

    @CommandLine.Option(names = "--seed", defaultValue = "1", description = "Seed choosing nodes and keys (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Option(names = "--out", description = "Also write the JSON result to this file (e.g. bench/results/owned.json).")
    Path out;

    @Override
    public Integer call() {
        if (nodes < 2 || ops < 1 || appends < 1 || replicas < 1 || replicas > nodes) {
            throw new CometException(ErrorCode.BAD_INPUT, "--nodes must be at least 2, --ops and --appends at least 1, "
                    + "--replicas 1 to --nodes");
        }
        BenchCommand.emit(run(), out);
        return 0;
    }

    private Map<String, Object> run() {
        Random random = new Random(seed);
        Ed25519.RawKeyPair owner = Ed25519.generate(new java.security.SecureRandom());
        long[][] micros = new long[4][ops]; // unsigned put, signed put, unsigned get, signed get
        Map<String, Object> r = new LinkedHashMap<>();
        try (LocalCluster cluster = LocalCluster.start(nodes, 0, NodeConfig.defaults(), LuaRuntimePool.factory())) {
            cluster.awaitFormed(60_000);
            List<UdpNode> all = cluster.nodes();
            for (int i = 0; i < ops; i++) {
                // interleaved, so both kinds see the same machine
                byte[] code = ("aso.value = 'bench " + i + "'").getBytes(StandardCharsets.UTF_8);
                NodeId plain = NodeId.ofKey("bench owned " + seed + " " + i);
                byte[] salt = ("bench " + seed + " " + i).getBytes(StandardCharsets.UTF_8);
                NodeId signed = Item.mutableTarget(owner.publicKey(), salt);
                micros[0][i] = timed(() -> stored(all.get(random.nextInt(all.size())).putObject(plain, code, replicas, -1)));
                micros[1][i] = timed(() -> stored(all.get(random.nextInt(all.size())).putSignedObject(code,
                        ObjectSignature.sign(owner, salt, 1, code), replicas, -1)));
                micros[2][i] = timed(() -> found(all.get(random.nextInt(all.size())).getObject(plain, Map.of(), false)));
                micros[3][i] = timed(() -> found(all.get(random.nextInt(all.size())).getObject(signed, Map.of(), false)));
            }
            r.put("bench", "owned");
            r.put("date", Instant.now().toString());
            r.put("nodes", nodes);
            r.put("replicas", replicas);
            r.put("ops", ops);
            String[] names = {"unsigned_put", "signed_put", "unsigned_get", "signed_get"};
            for (int k = 0; k < names.length; k++) {
                r.put(names[k] + "_us_median", LookupReport.percentile(micros[k], 50));
                r.put(names[k] + "_us_p99", LookupReport.percentile(micros[k], 99));
            }
            r.put("signed_put_median_ratio", ratio(micros[1], micros[0]));
            r.put("signed_get_median_ratio", ratio(micros[3], micros[2]));
            appendsPerSecond(all, owner, random, r);
        }
        return r;
    }

    /** {@code appends} unguarded appends to one signed object, one after the other, each through a random node. */
    private void appendsPerSecond(List<UdpNode> all, Ed25519.RawKeyPair owner, Random random, Map<String, Object> r) {
        byte[] code = "aso.value = ''".getBytes(StandardCharsets.UTF_8);
        byte[] salt = ("bench appends " + seed).getBytes(StandardCharsets.UTF_8);
        NodeId key = Item.mutableTarget(owner.publicKey(), salt);
        stored(all.get(0).putSignedObject(code, ObjectSignature.sign(owner, salt, 1, code), replicas, -1));
        UpdateProgram append = UpdateProgram.of(List.of(), List.of(new Edit.Append("x".getBytes(StandardCharsets.UTF_8))));
        long[] latencies = new long[appends];
        long t0 = System.nanoTime();
        for (int i = 0; i < appends; i++) {
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            OwnerRequest request = OwnerRequest.sign(owner, OwnerRequest.UPDATE, key, System.currentTimeMillis(), nonce,
                    append.encode());
            UdpNode via = all.get(random.nextInt(all.size()));
            long t1 = System.nanoTime();
            UpdateOutcome o = NodeConnection.await(via.updateObject(key, request), 60, "an append");
            latencies[i] = (System.nanoTime() - t1) / 1_000;
            if (!o.applied()) {
                throw new CometException(ErrorCode.INTERNAL, "an append was not applied: " + o.error());
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        r.put("appends", appends);
        r.put("appends_per_second", Math.round(appends / seconds * 10) / 10.0);
        r.put("append_us_median", LookupReport.percentile(latencies, 50));
        r.put("append_us_p99", LookupReport.percentile(latencies, 99));
    }

    private static double ratio(long[] a, long[] b) {
        return Math.round(100.0 * LookupReport.percentile(a, 50) / Math.max(1, LookupReport.percentile(b, 50))) / 100.0;
    }

    private static long timed(Runnable op) {
        long t0 = System.nanoTime();
        op.run();
        return (System.nanoTime() - t0) / 1_000;
    }

    private void stored(java.util.concurrent.CompletableFuture<WriteOutcome> put) {
        WriteOutcome o = NodeConnection.await(put, 60, "a put");
        if (o.accepted().size() < replicas) {
            throw new CometException(ErrorCode.INTERNAL, "a put reached " + o.accepted().size() + " of " + replicas
                    + " replicas: " + o.refused());
        }
    }

    private static void found(java.util.concurrent.CompletableFuture<List<ObjectAnswer>> get) {
        List<ObjectAnswer> answers = NodeConnection.await(get, 60, "a get");
        if (answers.isEmpty() || answers.get(0).error() != null) {
            throw new CometException(ErrorCode.INTERNAL, "a get found nothing: " + answers);
        }
    }
}
