package dev.comet.sim;

import dev.comet.core.ObjectAnswer;
import dev.comet.id.NodeId;
import dev.comet.sim.Simulation.SimNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object workload of issue #4: once the network has settled, {@code objects} active objects with a timer
 * every {@code timerSeconds} and a lifetime of {@code ttlSeconds} are put from random nodes, replicated as
 * {@code replication} says. After {@code checkAfterMillis}
 * of virtual time a random live node reads every object from all its replicas. An object is readable when
 * some replica answers; a replica's timer runs when the replica, holding the object for over two intervals,
 * ran its onTimer itself within the last two intervals.
 * Owns one run's counters; the network and its nodes are the {@link Simulation}'s.
 */
final class ObjectWorkload {
    private final Simulation sim;
    private final SimNetwork network;

    ObjectWorkload(Simulation sim) {
        this.sim = sim;
        this.network = sim.network();
    }

    Map<String, Object> run(int objects, long ttlSeconds, long timerSeconds, long checkAfterMillis,
                            ObjectReplication replication) {
        HeapMeter.reset();
        RunCost cost = RunCost.start();
        sim.buildAndSettle();
        List<SimNode> live = sim.liveNodes();

        int[] acknowledged = {0};
        List<NodeId> keys = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            NodeId key = NodeId.ofKey("object " + i + " of seed " + sim.config().seed());
            keys.add(key);
            String code = "aso.value = 'object " + i + "'\n"
                    + "aso.timerInterval = " + timerSeconds + "\n"
                    + (replication == ObjectReplication.NODE ? "" : "aso.defaultReplication = false\n")
                    + "aso.ticks = 0\n"
                    + "function onPut() self.heldSince = comet.systemTime() end\n"
                    + "function onTimer() self.ticks = self.ticks + 1 self.lastTick = comet.systemTime() "
                    + "self.tickedOn = comet.nodeID()\n"
                    + (replication == ObjectReplication.SELF ? ObjectReplication.SELF_REPLICATION : "")
                    + "end\n"
                    + "function onGet() return {self.value, self.heldSince, self.lastTick or -1, self.tickedOn or ''} end\n";
            live.get(network.random().nextInt(live.size())).node().putObject(key,
                    code.getBytes(java.nio.charset.StandardCharsets.UTF_8), sim.config().nodeConfig().objects().replicas(),
                    ttlSeconds, network.driver(put -> {
                        if (!put.accepted().isEmpty()) {
                            acknowledged[0]++;
                        }
                    }));
        }
        sim.runPhase("waiting", checkAfterMillis);

        long now = network.now();
        long window = 2 * timerSeconds * 1000;
        int[] finished = {0};
        int[] readable = {0};
        int[] holders = {0};
        int[] settledHolders = {0};
        int[] ticking = {0};
        int[] answeringPerObject = new int[objects];
        SimNode reader = sim.randomReadyNode();
        for (int i = 0; i < objects; i++) {
            String value = "object " + i;
            NodeId key = keys.get(i);
            int index = i;
            network.schedule(i * 10L, () -> reader.node().getObject(key, Map.of(), true, network.driver(answers -> {
                finished[0]++;
                boolean found = false;
                for (ObjectAnswer a : answers) {
                    if (!(a.value() instanceof List<?> fields) || fields.size() != 4) {
                        continue;
                    }
                    found |= java.util.Arrays.equals((byte[]) fields.get(0), value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    holders[0]++;
                    answeringPerObject[index]++;
                    long heldSince = (Long) fields.get(1);
                    long lastTick = (Long) fields.get(2);
                    String tickedOn = new String((byte[]) fields.get(3), java.nio.charset.StandardCharsets.UTF_8);
                    if (network.now() - heldSince > window) {
                        settledHolders[0]++;
                        if (tickedOn.equals(a.replica().id().toHex()) && network.now() - lastTick <= window) {
                            ticking[0]++;
                        }
                    }
                }
                if (found) {
                    readable[0]++;
                }
            })));
        }
        network.runUntil(() -> finished[0] == objects, network.now() + objects * 10L + 600_000);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", sim.config().nodes());
        out.put("objects", objects);
        out.put("objects_acknowledged", acknowledged[0]);
        out.put("object_ttl_seconds", ttlSeconds);
        out.put("timer_seconds", timerSeconds);
        out.put("checked_after_seconds", checkAfterMillis / 1000);
        out.put("replication", replication.name().toLowerCase(java.util.Locale.ROOT));
        out.put("objects_readable", readable[0]);
        out.put("objects_lost_fraction", objects == 0 ? 0 : Math.round(10_000.0 * (objects - readable[0]) / objects) / 10_000.0);
        out.put("replicas_answering", holders[0]);
        // answering: the replicas a reader's get reaches (the 20 closest Comet nodes it finds); held: every live node
        // that holds a copy, reachable or not (global knowledge)
        out.putAll(Distribution.of(answeringPerObject).fields("replicas_per_object"));
        out.putAll(Distribution.of(sim.holdersPerObject(keys)).fields("copies_per_object"));
        out.put("replicas_holding_over_two_intervals", settledHolders[0]);
        out.put("replicas_with_running_timer", ticking[0]);
        out.put("reads_unfinished", objects - finished[0]);
        sim.putRunFields(out, cost);
        return out;
    }
}
