package dev.comet.sim;

import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectVersions;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.core.UpdateOutcome;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import dev.comet.owned.Edit;
import dev.comet.owned.Guard;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;
import dev.comet.sim.Simulation.SimNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The guarded-update workload of issue #11: signed objects, each appended to by its owner and two writers at once,
 * every append guarded by the version its writer last saw and retried on the version a refusal names, while the
 * network churns. At the end every live node holding an object must hold the same version with the same bytes, and
 * every acknowledged append must be in them. Owns one run's counters and the writers' keys; the network and its nodes
 * are the {@link Simulation}'s.
 */
final class UpdateWorkload {
    /** How long a writer waits for an answer before it sends the update again from another node (its node may leave). */
    static final long ANSWER_WAIT_MILLIS = 60_000;
    /** How long a writer waits after an error (no primary reachable, not confirmed) before it tries again. */
    static final long BACKOFF_MILLIS = 5_000;
    /** Virtual time after the last append for replication to reach every holder, before the final check. */
    static final long SETTLE_AFTER_MILLIS = 30 * 60_000;

    private final Simulation sim;
    private final SimNetwork network;
    /** The writers' own generator: signing nonces do not draw on the network's, so they cannot shift its events. */
    private final Random nonces;
    private final Ed25519.RawKeyPair owner;
    private final List<Ed25519.RawKeyPair> writers = new ArrayList<>();
    private int attempts;
    private int refused;
    private int failed;
    private int unanswered;
    private int acknowledged;
    /** Appends whose outcome the writer never learnt (error or silence): each may be in the value once too often. */
    private int ambiguous;
    private int writersDone;

    UpdateWorkload(Simulation sim) {
        this.sim = sim;
        this.network = sim.network();
        this.nonces = new Random(sim.config().seed() * 31 + 11);
        this.owner = keys("owner");
        writers.add(owner);
        writers.add(keys("writer 1"));
        writers.add(keys("writer 2"));
    }

    /** The state of one writer's appends to one object: which token is next and the version it last saw. */
    private static final class Writer {
        final int object;
        final int index;
        final Ed25519.RawKeyPair keys;
        final int appends;
        int next;
        long seen;
        /** Bumped by every attempt: a late answer or timeout of an earlier attempt is ignored. */
        int attempt;

        Writer(int object, int index, Ed25519.RawKeyPair keys, int appends) {
            this.object = object;
            this.index = index;
            this.keys = keys;
            this.appends = appends;
        }

        String token() {
            return "<" + index + "." + next + ">";
        }
    }

    /**
     * Puts {@code objects} signed objects naming two writers, then appends {@code updatesPerObject} tokens to each
     * (split between the owner and the writers, all writing at once) through random nodes, then lets replication run
     * and compares every live holder's version and bytes.
     */
    Map<String, Object> run(int objects, int updatesPerObject) {
        HeapMeter.reset();
        RunCost cost = RunCost.start();
        sim.buildAndSettle();
        List<NodeId> keys = new ArrayList<>();
        int[] putsAcknowledged = {0};
        byte[] code = "aso.value = ''\n".getBytes(StandardCharsets.UTF_8);
        List<byte[]> named = List.of(writers.get(1).publicKey(), writers.get(2).publicKey());
        for (int i = 0; i < objects; i++) {
            byte[] salt = ("appended object " + i).getBytes(StandardCharsets.UTF_8);
            keys.add(Item.mutableTarget(owner.publicKey(), salt));
            sim.randomReadyNode().node().putSignedObject(code, ObjectSignature.sign(owner, salt, 1, named, code),
                    sim.config().nodeConfig().objects().replicas(), -1, network.driver(put -> {
                        if (!put.accepted().isEmpty()) {
                            putsAcknowledged[0]++;
                        }
                    }));
        }
        network.runUntil(network.now() + 60_000);

        List<Set<String>> acknowledgedTokens = new ArrayList<>();
        int writersStarted = 0;
        for (int i = 0; i < objects; i++) {
            acknowledgedTokens.add(new HashSet<>());
            for (int w = 0; w < writers.size(); w++) {
                int share = updatesPerObject / writers.size() + (w < updatesPerObject % writers.size() ? 1 : 0);
                Writer writer = new Writer(i, w, writers.get(w), share);
                writersStarted++;
                network.schedule(nonces.nextInt(1_000), () -> send(writer, keys, acknowledgedTokens));
            }
        }
        int started = writersStarted;
        long appendsStarted = network.now();
        network.runUntil(() -> writersDone == started, network.now() + 24 * 3_600_000L);
        long appendMillis = network.now() - appendsStarted;
        network.runUntil(network.now() + SETTLE_AFTER_MILLIS);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", sim.config().nodes());
        out.put("objects", objects);
        out.put("updates_per_object", updatesPerObject);
        out.put("writers_per_object", writers.size());
        out.put("puts_acknowledged", putsAcknowledged[0]);
        out.put("writers_unfinished", started - writersDone);
        out.put("appends_acknowledged", acknowledged);
        out.put("attempts", attempts);
        out.put("attempts_refused_by_guard", refused);
        out.put("attempts_failed", failed);
        out.put("attempts_unanswered", unanswered);
        out.put("appends_ambiguous", ambiguous);
        out.put("virtual_seconds_appending", appendMillis / 1000);
        out.putAll(check(keys, acknowledgedTokens));
        out.putAll(read(keys, acknowledgedTokens));
        sim.putRunFields(out, cost);
        return out;
    }

    /** Sends {@code w}'s next append through a random node, and what follows from its answer. */
    private void send(Writer w, List<NodeId> keys, List<Set<String>> acknowledgedTokens) {
        if (w.next == w.appends) {
            writersDone++;
            return;
        }
        NodeId key = keys.get(w.object);
        SimNode via = sim.randomReadyNode();
        int attempt = ++w.attempt;
        attempts++;
        network.schedule(ANSWER_WAIT_MILLIS, () -> {
            if (w.attempt == attempt) {
                // no answer: the node it asked left, or the answer is lost; the append may or may not have been made
                unanswered++;
                ambiguous++;
                w.attempt++;
                send(w, keys, acknowledgedTokens);
            }
        });
        via.node().updateObject(key, append(w, key), network.driver(outcome -> {
            if (w.attempt != attempt) {
                return;
            }
            w.attempt++;
            answered(w, outcome, keys, acknowledgedTokens);
        }));
    }

    private void answered(Writer w, UpdateOutcome outcome, List<NodeId> keys, List<Set<String>> acknowledgedTokens) {
        if (outcome.applied()) {
            acknowledged++;
            acknowledgedTokens.get(w.object).add(w.token());
            w.seen = outcome.version();
            w.next++;
            send(w, keys, acknowledgedTokens);
        } else if (outcome.ok()) {
            refused++; // the guard did not hold: the refusal names the version to build on
            w.seen = outcome.version();
            send(w, keys, acknowledgedTokens);
        } else {
            failed++;
            ambiguous++;
            network.schedule(BACKOFF_MILLIS, () -> send(w, keys, acknowledgedTokens));
        }
    }

    /** {@code w}'s append of its next token, guarded by the version it last saw, signed now. */
    private OwnerRequest append(Writer w, NodeId key) {
        UpdateProgram program = UpdateProgram.of(List.of(new Guard.VersionIs(w.seen)),
                List.of(new Edit.Append(w.token().getBytes(StandardCharsets.UTF_8))));
        byte[] nonce = new byte[16];
        nonces.nextBytes(nonce);
        return OwnerRequest.sign(w.keys, OwnerRequest.UPDATE, key, network.now(), nonce, program.encode());
    }

    /**
     * With global knowledge: for each object, the versions and bytes every live holder has, and whether each
     * acknowledged token is in the newest.
     */
    private Map<String, Object> check(List<NodeId> keys, List<Set<String>> acknowledgedTokens) {
        int holders = 0;
        int holdersBehind = 0;
        int withoutRecord = 0;
        int objectsDiverged = 0;
        int objectsMissingAnAppend = 0;
        int lostAppends = 0;
        int doubledAppends = 0;
        long versionsSum = 0;
        String example = "";
        for (int i = 0; i < keys.size(); i++) {
            NodeId key = keys.get(i);
            long newest = -1;
            byte[] newestValue = null;
            Set<String> hashes = new HashSet<>();
            List<Long> held = new ArrayList<>();
            for (SimNode n : sim.liveNodes()) {
                StoredObject o = new ObjectStorage(n.host().store()).get(key, n.host().now()).orElse(null);
                if (o == null) {
                    continue;
                }
                holders++;
                held.add(o.version());
                ObjectVersions.Version v = new ObjectVersions(n.host().store()).get(key, o.version(), n.host().now())
                        .orElse(null);
                hashes.add(o.version() + ":" + (v == null ? "no record" : HexFormat.of().formatHex(v.hash())));
                withoutRecord += v == null ? 1 : 0;
                if (v != null && o.version() > newest) {
                    newest = o.version();
                    newestValue = v.value();
                }
            }
            for (long h : held) {
                holdersBehind += h < newest ? 1 : 0;
            }
            if (hashes.size() > 1) {
                objectsDiverged++;
                if (example.isEmpty()) {
                    example = "object " + i + " holders " + hashes;
                }
            }
            versionsSum += Math.max(newest, 0);
            String value = newestValue == null ? "" : new String(newestValue, StandardCharsets.UTF_8);
            boolean missing = false;
            for (String token : acknowledgedTokens.get(i)) {
                int at = value.indexOf(token);
                if (at < 0) {
                    lostAppends++;
                    missing = true;
                } else if (value.indexOf(token, at + 1) >= 0) {
                    doubledAppends++;
                }
            }
            objectsMissingAnAppend += missing ? 1 : 0;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("holders", holders);
        out.put("holders_behind_newest", holdersBehind);
        out.put("holders_without_their_version_record", withoutRecord);
        out.put("objects_with_diverging_holders", objectsDiverged);
        out.put("diverging_example", example);
        out.put("objects_missing_an_acknowledged_append", objectsMissingAnAppend);
        out.put("acknowledged_appends_lost", lostAppends);
        out.put("appends_doubled", doubledAppends);
        out.put("mean_final_version", keys.isEmpty() ? 0 : Math.round(100.0 * versionsSum / keys.size()) / 100.0);
        return out;
    }

    /**
     * What a reader sees: a random node reads every object from all the replicas it finds; the values they answer
     * with must agree, and hold every acknowledged append.
     */
    private Map<String, Object> read(List<NodeId> keys, List<Set<String>> acknowledgedTokens) {
        int[] finished = {0};
        int[] answers = {0};
        int[] disagreeing = {0};
        int[] lost = {0};
        SimNode reader = sim.randomReadyNode();
        for (int i = 0; i < keys.size(); i++) {
            int index = i;
            network.schedule(i * 10L, () -> reader.node().getObject(keys.get(index), Map.of(), true, network.driver(replies -> {
                finished[0]++;
                Set<String> values = new HashSet<>();
                for (dev.comet.core.ObjectAnswer a : replies) {
                    if (a.error() == null && a.value() instanceof byte[] b) {
                        answers[0]++;
                        values.add(new String(b, StandardCharsets.UTF_8));
                    }
                }
                disagreeing[0] += values.size() > 1 ? 1 : 0;
                for (String value : values) {
                    for (String token : acknowledgedTokens.get(index)) {
                        lost[0] += value.contains(token) ? 0 : 1;
                    }
                }
            })));
        }
        network.runUntil(() -> finished[0] == keys.size(), network.now() + keys.size() * 10L + 600_000);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("read_answers", answers[0]);
        out.put("read_objects_with_disagreeing_answers", disagreeing[0]);
        out.put("read_acknowledged_appends_missing", lost[0]);
        out.put("reads_unfinished", keys.size() - finished[0]);
        return out;
    }

    private Ed25519.RawKeyPair keys(String name) {
        byte[] seed = Arrays.copyOf(ObjectVersions.sha256((name + " of seed " + sim.config().seed())
                .getBytes(StandardCharsets.UTF_8)), Ed25519.SEED_BYTES);
        return Ed25519.fromSeed(seed);
    }
}
