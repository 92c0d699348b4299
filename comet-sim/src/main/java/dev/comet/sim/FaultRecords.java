package dev.comet.sim;

import dev.comet.bencode.Bencode;
import dev.comet.core.ObjectAnswer;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.sim.Simulation.SimNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The records a fault-injection run (issue #14) puts and reads back, active objects and BEP 44 items alike: owns
 * which were acknowledged, which failed, and how many callbacks are still owed (a run waits for none, so a callback
 * that never fires shows as owed). The network and its nodes are the {@link Simulation}'s.
 */
final class FaultRecords {
    /** How long a client waits before it sends a failed put again. */
    static final long PUT_RETRY_MILLIS = 30_000;

    /** One record: an object under {@code key} whose onGet answers {@code name}, or an item whose value is it. */
    record Rec(String name, NodeId key, boolean object) {
    }

    private final Simulation sim;
    private final long ttlSeconds;
    private final List<Rec> acknowledged = new ArrayList<>();
    private int putsFailed;
    private int putsRetried;
    private int owed;

    FaultRecords(Simulation sim, long ttlSeconds) {
        this.sim = sim;
        this.ttlSeconds = ttlSeconds;
    }

    /**
     * Puts the record {@code name} (an object or an item) from {@code from}; a put no node accepted is sent again
     * from a random ready node up to {@code attempts} times in all, then counts as failed, its outcome told.
     */
    Rec put(SimNode from, String name, boolean object, int attempts) {
        Rec rec = object ? new Rec(name, NodeId.ofKey(name), true) : new Rec(name, item(name).target(), false);
        send(from, rec, attempts);
        return rec;
    }

    private void send(SimNode from, Rec rec, int attemptsLeft) {
        owed++;
        Consumer<dev.comet.core.WriteOutcome> done = sim.network().driver(outcome -> {
            owed--;
            if (!outcome.accepted().isEmpty()) {
                acknowledged.add(rec);
            } else if (attemptsLeft > 1) {
                putsRetried++;
                owed++; // the retry is owed from now, so a run waiting for callbacks waits for it
                sim.network().schedule(PUT_RETRY_MILLIS, () -> {
                    owed--;
                    send(sim.randomReadyNode(), rec, attemptsLeft - 1);
                });
            } else {
                putsFailed++;
            }
        });
        if (rec.object()) {
            String code = "aso.value = '" + rec.name() + "'\nfunction onGet() return self.value end\n";
            from.node().putObject(rec.key(), code.getBytes(StandardCharsets.UTF_8),
                    sim.config().nodeConfig().objects().replicas(), ttlSeconds, done);
        } else {
            from.node().putItem(item(rec.name()), ttlSeconds, done);
        }
    }

    private static Item item(String name) {
        return Item.immutable(Bencode.encode(name));
    }

    /** Reads {@code rec} from {@code from}; {@code found} is told whether the right value came back. */
    void read(SimNode from, Rec rec, Consumer<Boolean> found) {
        owed++;
        if (rec.object()) {
            byte[] expected = rec.name().getBytes(StandardCharsets.UTF_8);
            from.node().getObject(rec.key(), Map.of(), false, sim.network().driver(answers -> {
                owed--;
                boolean ok = false;
                for (ObjectAnswer a : answers) {
                    ok |= a.error() == null && a.value() instanceof byte[] v && Arrays.equals(v, expected);
                }
                found.accept(ok);
            }));
        } else {
            from.node().getItem(rec.key(), null, sim.network().driver(got -> {
                owed--;
                found.accept(got.item().isPresent());
            }));
        }
    }

    /**
     * Reads each of {@code recs} from {@code perRecord} random nodes among {@code readers}, waiting (at most
     * {@code deadlineMillis} of virtual time) for every answer: the reads, those that found the record, the records
     * some reader missed, and the reads never answered.
     */
    Map<String, Object> readAll(List<Rec> recs, List<SimNode> readers, int perRecord, long deadlineMillis,
                                String prefix) {
        int[] found = {0};
        int[] reads = {0};
        List<Rec> missed = new ArrayList<>();
        int owedBefore = owed;
        for (Rec rec : List.copyOf(recs)) {
            for (int i = 0; i < perRecord; i++) {
                reads[0]++;
                read(readers.get(sim.network().random().nextInt(readers.size())), rec, ok -> {
                    if (ok) {
                        found[0]++;
                    } else if (!missed.contains(rec)) {
                        missed.add(rec);
                    }
                });
            }
        }
        sim.network().runUntil(() -> owed == owedBefore, sim.network().now() + deadlineMillis);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(prefix + "reads", reads[0]);
        out.put(prefix + "reads_found", found[0]);
        out.put(prefix + "records_missed", missed.size());
        out.put(prefix + "missed", missed.stream().map(Rec::name).toList().toString());
        out.put(prefix + "reads_unanswered", owed - owedBefore);
        return out;
    }

    /** Whether {@code n} is alive and its store holds {@code rec} now, by its own clock (global knowledge). */
    static boolean holds(SimNode n, Rec rec) {
        if (!n.host().alive()) {
            return false;
        }
        return rec.object() ? n.holdsObject(rec.key())
                : new ItemStorage(n.host().store()).get(rec.key(), n.host().now()).isPresent();
    }

    /** How many live nodes hold each acknowledged record now. */
    List<Integer> copies(List<Rec> recs) {
        List<Integer> out = new ArrayList<>();
        for (Rec rec : recs) {
            int c = 0;
            for (SimNode n : sim.liveNodes()) {
                c += holds(n, rec) ? 1 : 0;
            }
            out.add(c);
        }
        return out;
    }

    /** Runs the network until every callback owed has fired or {@code deadlineMillis} of virtual time has passed. */
    boolean awaitCallbacks(long deadlineMillis) {
        return sim.network().runUntil(() -> owed == 0, sim.network().now() + deadlineMillis);
    }

    List<Rec> acknowledged() {
        return java.util.Collections.unmodifiableList(acknowledged);
    }

    int putsFailed() {
        return putsFailed;
    }

    int putsRetried() {
        return putsRetried;
    }

    /** Callbacks still owed: puts, retries and reads whose outcome has not come yet. */
    int owed() {
        return owed;
    }
}
