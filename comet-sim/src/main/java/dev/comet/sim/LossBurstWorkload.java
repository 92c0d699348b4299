package dev.comet.sim;

import dev.comet.sim.FaultRecords.Rec;
import dev.comet.sim.Simulation.SimNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss-burst workload of issue #14: once the network has settled, bursts of loss ({@link LossBursts}) hit every
 * datagram for a while; puts spread over that time (each sent again up to three times when no node accepts it) and
 * a get right after each acknowledged put run through them. When the bursts are over, every acknowledged record is
 * read from random nodes and every routing table is checked. Owns one run's get counters; the records are a
 * {@link FaultRecords}', the network the {@link Simulation}'s.
 */
final class LossBurstWorkload {
    static final int PUT_ATTEMPTS = 3;
    private static final long CALLBACK_DEADLINE_MILLIS = 10 * 60_000;

    private final Simulation sim;
    private final SimNetwork network;
    private final FaultRecords records;
    private int getsDuringBursts;
    private int getsFoundDuringBursts;

    LossBurstWorkload(Simulation sim, long ttlSeconds) {
        this.sim = sim;
        this.network = sim.network();
        this.records = new FaultRecords(sim, ttlSeconds);
    }

    /** Puts {@code count} objects and as many items during {@code burstsMillis} of {@code model}, then reads them all. */
    Map<String, Object> run(int count, LossBursts model, long burstsMillis, long settleMillis) {
        HeapMeter.reset();
        RunCost cost = RunCost.start();
        sim.buildAndSettle();
        network.faults().lossBursts(model, null, burstsMillis);
        long seed = sim.config().seed();
        long spacing = burstsMillis / (2L * count + 1);
        for (int i = 0; i < 2 * count; i++) {
            String name = "burst record " + i + " of seed " + seed;
            boolean object = i % 2 == 0;
            network.schedule((i + 1) * spacing, () -> {
                Rec rec = records.put(sim.randomReadyNode(), name, object, PUT_ATTEMPTS);
                // a get as soon as the put is acknowledged, through the same bursts
                network.schedule(1, () -> awaitThenGet(rec));
            });
        }
        network.runUntil(network.now() + burstsMillis);
        long bursts = network.faults().burstsStarted();
        boolean allCalledBack = records.awaitCallbacks(CALLBACK_DEADLINE_MILLIS);
        network.runUntil(network.now() + settleMillis);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", sim.config().nodes());
        out.put("bursts", bursts);
        out.put("burst_model", model.toString());
        out.put("bursts_minutes", burstsMillis / 60_000);
        out.put("datagrams_lost_to_bursts", network.faults().lostToBursts());
        out.put("records_put", 2 * count);
        out.put("puts_acknowledged", records.acknowledged().size());
        out.put("puts_sent_again", records.putsRetried());
        out.put("puts_failed", records.putsFailed());
        out.put("gets_during_bursts", getsDuringBursts);
        out.put("gets_found_during_bursts", getsFoundDuringBursts);
        out.put("every_callback_fired", allCalledBack);
        out.putAll(records.readAll(records.acknowledged(), sim.liveNodes(), 10, CALLBACK_DEADLINE_MILLIS, "after_"));
        int least = Integer.MAX_VALUE;
        int empty = 0;
        for (SimNode n : sim.liveNodes()) {
            int size = n.node().knownContacts().size();
            least = Math.min(least, size);
            empty += size == 0 ? 1 : 0;
        }
        out.put("routing_table_min", least);
        out.put("nodes_with_empty_routing_table", empty);
        out.put("callbacks_owed", records.owed());
        sim.putRunFields(out, cost);
        return out;
    }

    /** Once {@code rec} is acknowledged (or its put has failed), a get of it from a random node if it was. */
    private void awaitThenGet(Rec rec) {
        if (records.acknowledged().contains(rec)) {
            getsDuringBursts++;
            records.read(sim.randomReadyNode(), rec, found -> getsFoundDuringBursts += found ? 1 : 0);
        } else if (network.faults().inBurst() || records.owed() > 0) {
            network.schedule(1_000, () -> awaitThenGet(rec));
        }
    }
}
