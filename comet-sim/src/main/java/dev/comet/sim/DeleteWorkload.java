package dev.comet.sim;

import dev.comet.core.ObjectAnswer;
import dev.comet.id.NodeId;
import dev.comet.sim.Simulation.SimNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The delete workload of issue #15: objects are put, replicated for a while, then deleted, some of them while one of
 * their replicas is cut off; the network then churns for hours and every hour a reader asks for every deleted object
 * on all its replicas. A deleted object that any replica answers for again has come back (a resurrection). Owns
 * nothing beyond one run's counters; the network and its nodes are the {@link Simulation}'s.
 */
final class DeleteWorkload {
    /** How long a cut-off replica stays silent after the delete it missed has finished. */
    static final long SILENCE_AFTER_DELETE_MILLIS = 60_000;
    /** Virtual time between the put and the delete: long enough for handovers to spread copies. */
    static final long SETTLE_BEFORE_DELETE_MILLIS = 10 * 60_000;

    /** How long a client waits for its delete before it sends it again from another node (its node may have left). */
    static final long DELETE_RETRY_MILLIS = 60_000;

    private final Simulation sim;
    private final SimNetwork network;
    /** Nodes running a delete: never cut off. */
    private final Set<SimNode> deleting = new HashSet<>();
    private int deletesDone;
    private int deletesAcknowledged;
    private int deletesRetried;
    private int silenced;
    private int silencedCameBack;

    DeleteWorkload(Simulation sim) {
        this.sim = sim;
        this.network = sim.network();
    }

    /**
     * Puts {@code objects} objects living {@code ttlSeconds}, deletes them all, every {@code silentEvery}-th one while
     * the live replica closest to its key is silent (0: none), then checks every hour for {@code hours} hours.
     */
    Map<String, Object> run(int objects, int silentEvery, long ttlSeconds, int hours) {
        HeapMeter.reset();
        RunCost cost = RunCost.start();
        sim.buildAndSettle();
        List<NodeId> keys = new ArrayList<>();
        int[] putsAcknowledged = {0};
        for (int i = 0; i < objects; i++) {
            NodeId key = NodeId.ofKey("deleted object " + i + " of seed " + sim.config().seed());
            keys.add(key);
            String code = "aso.value = 'deleted object " + i + "'\nfunction onGet() return self.value end\n";
            randomReady().node().putObject(key, code.getBytes(StandardCharsets.UTF_8),
                    sim.config().nodeConfig().objects().replicas(), ttlSeconds, network.driver(put -> {
                        if (!put.accepted().isEmpty()) {
                            putsAcknowledged[0]++;
                        }
                    }));
        }
        network.runUntil(network.now() + SETTLE_BEFORE_DELETE_MILLIS);
        int copiesBeforeDelete = sum(sim.holdersPerObject(keys));

        for (int i = 0; i < objects; i++) {
            NodeId key = keys.get(i);
            boolean silent = silentEvery > 0 && i % silentEvery == 0;
            network.schedule(i * 100L, () -> {
                // a node running a delete is never cut off, and a cut-off one never deletes: a delete nobody hears is
                // not a delete that a replica missed
                SimNode cutOff = silent ? closestHolder(key, deleting) : null;
                if (cutOff != null) {
                    cutOff.host().silence(true);
                    silenced++;
                }
                delete(key, cutOff);
            });
        }
        network.runUntil(() -> deletesDone == objects, network.now() + objects * 100L + 600_000);
        int copiesAfterDelete = sum(sim.holdersPerObject(keys));

        Set<NodeId> resurrected = new HashSet<>();
        List<Integer> readablePerHour = new ArrayList<>();
        List<Integer> copiesPerHour = new ArrayList<>();
        long deletedAt = network.now();
        for (int h = 1; h <= hours; h++) {
            network.runUntil(deletedAt + h * 3_600_000L);
            Set<NodeId> readable = readAll(keys);
            resurrected.addAll(readable);
            readablePerHour.add(readable.size());
            copiesPerHour.add(sum(sim.holdersPerObject(keys)));
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", sim.config().nodes());
        out.put("objects", objects);
        out.put("puts_acknowledged", putsAcknowledged[0]);
        out.put("object_ttl_seconds", ttlSeconds);
        out.put("copies_before_delete", copiesBeforeDelete);
        out.put("deletes_acknowledged", deletesAcknowledged);
        out.put("deletes_sent_again", deletesRetried);
        out.put("deleted_with_a_replica_silent", silenced);
        out.put("silent_replicas_back_with_a_copy", silencedCameBack);
        out.put("copies_after_delete", copiesAfterDelete);
        out.put("objects_readable_per_hour", readablePerHour.toString());
        out.put("copies_per_hour", copiesPerHour.toString());
        out.put("resurrected_objects", resurrected.size());
        sim.putRunFields(out, cost);
        return out;
    }

    /**
     * Deletes {@code key} from a random node that is heard; once it has finished, the {@code cutOff} replica (or null)
     * is heard again a minute later. A delete whose node leaves before it finishes is sent again from another node,
     * as a client would.
     */
    private void delete(NodeId key, SimNode cutOff) {
        SimNode from = randomReady();
        while (from.host().silent()) {
            from = randomReady();
        }
        SimNode deleter = from;
        deleting.add(deleter);
        boolean[] finished = {false};
        network.schedule(DELETE_RETRY_MILLIS, () -> {
            if (!finished[0] && !deleter.host().alive()) {
                finished[0] = true;
                deleting.remove(deleter);
                deletesRetried++;
                delete(key, cutOff);
            }
        });
        deleter.node().deleteObject(key, network.driver(outcome -> {
            if (finished[0]) {
                return;
            }
            finished[0] = true;
            deleting.remove(deleter);
            deletesDone++;
            deletesAcknowledged += outcome.accepted().isEmpty() ? 0 : 1;
            if (cutOff != null) {
                network.schedule(SILENCE_AFTER_DELETE_MILLIS, () -> {
                    cutOff.host().silence(false);
                    if (cutOff.host().alive() && cutOff.holdsObject(key)) {
                        silencedCameBack++;
                    }
                });
            }
        }));
    }

    /** The keys some replica answers for, each asked on all its replicas by a random reader. */
    private Set<NodeId> readAll(List<NodeId> keys) {
        Set<NodeId> readable = new HashSet<>();
        int[] finished = {0};
        SimNode reader = randomReady();
        for (int i = 0; i < keys.size(); i++) {
            NodeId key = keys.get(i);
            network.schedule(i * 10L, () -> reader.node().getObject(key, Map.of(), true, network.driver(answers -> {
                finished[0]++;
                for (ObjectAnswer a : answers) {
                    if (a.error() == null && a.value() != null) {
                        readable.add(key);
                    }
                }
            })));
        }
        network.runUntil(() -> finished[0] == keys.size(), network.now() + keys.size() * 10L + 600_000);
        return readable;
    }

    /** The live node closest to {@code key} that holds it, other than the {@code busy} ones, or null. */
    private SimNode closestHolder(NodeId key, Set<SimNode> busy) {
        SimNode best = null;
        for (SimNode n : sim.liveNodes()) {
            if (!busy.contains(n) && n.holdsObject(key) && (best == null || key.byDistance().compare(n.node().id(), best.node().id()) < 0)) {
                best = n;
            }
        }
        return best;
    }

    private SimNode randomReady() {
        return sim.randomReadyNode();
    }

    private static int sum(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).sum();
    }
}
