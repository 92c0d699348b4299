package dev.comet.sim;

import dev.comet.routing.Contact;
import dev.comet.sim.FaultRecords.Rec;
import dev.comet.sim.Simulation.SimNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The partition workload of issue #14: records are put, the network splits into two halves for a while, each half
 * is read (for the records it holds copies of) and written, the network heals, and after a settling time every
 * acknowledged record is read from both former halves and every routing table is checked for the other half. Owns
 * one run's halves; the records are a {@link FaultRecords}', the network the {@link Simulation}'s.
 */
final class PartitionWorkload {
    /** Time between the split and the reads and puts in it: longer than a request's retries, so the cut is felt. */
    static final long FELT_AFTER_MILLIS = 5 * 60_000;
    private static final long CALLBACK_DEADLINE_MILLIS = 10 * 60_000;

    private final Simulation sim;
    private final SimNetwork network;
    private final FaultRecords records;
    private final List<SimNode> sideA = new ArrayList<>();
    private final List<SimNode> sideB = new ArrayList<>();

    PartitionWorkload(Simulation sim, long ttlSeconds) {
        this.sim = sim;
        this.network = sim.network();
        this.records = new FaultRecords(sim, ttlSeconds);
    }

    /**
     * Puts {@code before} objects and as many items, splits for {@code splitMillis}, puts {@code during} objects and
     * items from each half, heals, lets {@code settleMillis} pass and reads everything from both halves.
     */
    Map<String, Object> run(int before, int during, long splitMillis, long settleMillis) {
        HeapMeter.reset();
        RunCost cost = RunCost.start();
        sim.buildAndSettle();
        long seed = sim.config().seed();
        for (int i = 0; i < before; i++) {
            records.put(sim.randomReadyNode(), "before split " + i + " object of seed " + seed, true, 1);
            records.put(sim.randomReadyNode(), "before split " + i + " item of seed " + seed, false, 1);
        }
        records.awaitCallbacks(CALLBACK_DEADLINE_MILLIS);
        int acknowledgedBefore = records.acknowledged().size();
        network.runUntil(network.now() + 60_000);

        List<SimNode> shuffled = new ArrayList<>(sim.liveNodes());
        java.util.Collections.shuffle(shuffled, network.random());
        sideA.addAll(shuffled.subList(0, shuffled.size() / 2));
        sideB.addAll(shuffled.subList(shuffled.size() / 2, shuffled.size()));
        network.faults().split(sideA.stream().map(SimNode::host).toList(), splitMillis);
        long healAt = network.now() + splitMillis;
        network.runUntil(network.now() + FELT_AFTER_MILLIS);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", sim.config().nodes());
        out.put("records_before_split", 2 * before);
        out.put("acknowledged_before_split", acknowledgedBefore);
        out.put("split_minutes", splitMillis / 60_000);
        out.put("half_sizes", sideA.size() + "/" + sideB.size());
        out.putAll(readsInHalves());
        int acknowledgedSoFar = records.acknowledged().size();
        List<Rec> putBefore = List.copyOf(records.acknowledged());
        for (int i = 0; i < during; i++) {
            for (List<SimNode> half : List.of(sideA, sideB)) {
                String where = half == sideA ? "a" : "b";
                records.put(readyIn(half), "in half " + where + " " + i + " object of seed " + seed, true, 1);
                records.put(readyIn(half), "in half " + where + " " + i + " item of seed " + seed, false, 1);
            }
        }
        records.awaitCallbacks(CALLBACK_DEADLINE_MILLIS);
        out.put("records_put_during_split", 4 * during);
        out.put("acknowledged_during_split", records.acknowledged().size() - acknowledgedSoFar);
        out.put("partition_still_on_after_puts", network.faults().partitioned());

        network.runUntil(healAt);
        out.put("partitioned_after_heal_time", network.faults().partitioned());
        network.runUntil(healAt + settleMillis);
        out.put("settle_minutes_after_heal", settleMillis / 60_000);
        out.putAll(crossKnowledge());
        List<Rec> all = records.acknowledged();
        List<Rec> inA = all.subList(putBefore.size(), all.size()).stream().filter(r -> r.name().startsWith("in half a")).toList();
        List<Rec> inB = all.subList(putBefore.size(), all.size()).stream().filter(r -> r.name().startsWith("in half b")).toList();
        out.putAll(records.readAll(putBefore, sideA, 10, CALLBACK_DEADLINE_MILLIS, "before_split_from_half_a_"));
        out.putAll(records.readAll(putBefore, sideB, 10, CALLBACK_DEADLINE_MILLIS, "before_split_from_half_b_"));
        out.putAll(records.readAll(inA, sideA, 10, CALLBACK_DEADLINE_MILLIS, "put_in_a_from_half_a_"));
        out.putAll(records.readAll(inB, sideB, 10, CALLBACK_DEADLINE_MILLIS, "put_in_b_from_half_b_"));
        // the other half's readers: a record written on one side during the split, read from the side that missed it
        out.putAll(records.readAll(inA, sideB, 10, CALLBACK_DEADLINE_MILLIS, "put_in_a_from_half_b_"));
        out.putAll(records.readAll(inB, sideA, 10, CALLBACK_DEADLINE_MILLIS, "put_in_b_from_half_a_"));
        List<Rec> objects = records.acknowledged().stream().filter(Rec::object).toList();
        List<Rec> items = records.acknowledged().stream().filter(r -> !r.object()).toList();
        out.putAll(Distribution.of(records.copies(objects)).fields("copies_per_object"));
        out.putAll(Distribution.of(records.copies(items)).fields("copies_per_item"));
        out.put("datagrams_lost_to_partition", network.faults().lostToPartition());
        out.put("callbacks_owed", records.owed());
        sim.putRunFields(out, cost);
        return out;
    }

    /**
     * During the split, each acknowledged record is read from a random node of each half that holds a copy of it
     * (global knowledge): a half must keep serving what it holds. Counts those reads and the ones that found it.
     */
    private Map<String, Object> readsInHalves() {
        int[] reads = {0};
        int[] found = {0};
        for (Rec rec : List.copyOf(records.acknowledged())) {
            for (List<SimNode> half : List.of(sideA, sideB)) {
                if (half.stream().anyMatch(n -> FaultRecords.holds(n, rec))) {
                    reads[0]++;
                    records.read(readyIn(half), rec, ok -> found[0] += ok ? 1 : 0);
                }
            }
        }
        records.awaitCallbacks(CALLBACK_DEADLINE_MILLIS);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reads_in_halves_holding_a_copy", reads[0]);
        out.put("reads_in_halves_found", found[0]);
        return out;
    }

    /** How many nodes of the other half each node's routing table knows: the least, and the nodes knowing none. */
    private Map<String, Object> crossKnowledge() {
        Set<java.net.InetSocketAddress> inA = new HashSet<>();
        sideA.forEach(n -> inA.add(n.host().address()));
        int least = Integer.MAX_VALUE;
        int knowingNone = 0;
        long total = 0;
        for (SimNode n : sim.liveNodes()) {
            boolean mineA = inA.contains(n.host().address());
            int other = 0;
            for (Contact c : n.node().knownContacts()) {
                other += inA.contains(c.address()) != mineA ? 1 : 0;
            }
            least = Math.min(least, other);
            knowingNone += other == 0 ? 1 : 0;
            total += other;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("other_half_contacts_min", least);
        out.put("other_half_contacts_mean", Math.round(10.0 * total / sim.liveNodes().size()) / 10.0);
        out.put("nodes_knowing_none_of_other_half", knowingNone);
        return out;
    }

    private SimNode readyIn(List<SimNode> half) {
        for (int tries = 0; tries < 64; tries++) {
            SimNode n = half.get(network.random().nextInt(half.size()));
            if (n.node().isReady()) {
                return n;
            }
        }
        return half.get(network.random().nextInt(half.size()));
    }
}
