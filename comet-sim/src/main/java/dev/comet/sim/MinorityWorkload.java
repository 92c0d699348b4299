package dev.comet.sim;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.ReplicationStats;
import dev.comet.id.NodeId;
import dev.comet.sim.Simulation.SimNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The minority workload of issue #15: Comet nodes are a small share of a Mainline network ({@link
 * SimConfig#cometFraction()}). Objects are put from random Comet nodes; then every other Comet node reads every
 * object. Reports whether each object sits on the true {@code n} closest Comet nodes (global knowledge), how many
 * reads found it, the hops, lookup requests and datagrams an object lookup costs, what republishing costs, and the
 * storage and timer work per Comet node against the ideal. Owns one run's counters; the network and its nodes are
 * the {@link Simulation}'s.
 */
final class MinorityWorkload {
    /** Virtual time between two reads: spread so that the network is not one burst. */
    static final long READ_SPACING_MILLIS = 5;
    /** Virtual time after the network settled before the first put. */
    static final long OVERLAY_SETTLE_MILLIS = 10 * 60_000;
    /** Every object runs a timer this often, so that timer work per Comet node can be set against the ideal. */
    static final int TIMER_SECONDS = 60;
    private static final String TIMER = "aso.timerInterval = " + TIMER_SECONDS + "\n"
            + "function onTimer() self.ticks = (self.ticks or 0) + 1 end\n";

    private final Simulation sim;
    private final SimNetwork network;

    MinorityWorkload(Simulation sim) {
        this.sim = sim;
        this.network = sim.network();
    }

    /**
     * Puts {@code objects} objects from random Comet nodes, then reads each from every other Comet node, or from
     * {@code readersPerObject} of them drawn at random when that is positive and fewer; then, with {@code holdMillis}
     * positive, lets the network run that long and reports what replication (the hourly republish) costs.
     */
    Map<String, Object> run(int objects, int readersPerObject, long holdMillis) {
        HeapMeter.reset();
        RunCost cost = RunCost.start();
        sim.buildAndSettle();
        // the Comet nodes that joined first met few others: a few overlay refreshes (30 s, 1, 2, 4 min) let them meet
        network.runUntil(network.now() + OVERLAY_SETTLE_MILLIS);
        int replicas = sim.config().nodeConfig().objects().replicas();
        List<SimNode> comets = sim.liveNodes().stream().filter(SimNode::comet).toList();
        List<NodeId> keys = new ArrayList<>();
        List<SimNode> writers = new ArrayList<>();
        int[] putsDone = {0};
        int[] putsAcknowledged = {0};
        Counters beforePuts = Counters.of(comets, network);
        long putsStart = network.now();
        for (int i = 0; i < objects; i++) {
            NodeId key = NodeId.ofKey("minority object " + i + " of seed " + sim.config().seed());
            keys.add(key);
            SimNode writer = randomReadyCometNode();
            writers.add(writer);
            byte[] code = ("aso.value = 'minority object " + i + "'\n" + TIMER).getBytes(StandardCharsets.UTF_8);
            network.schedule(i * 100L, () -> writer.node().putObject(key, code, replicas, -1, network.driver(put -> {
                putsDone[0]++;
                putsAcknowledged[0] += put.accepted().isEmpty() ? 0 : 1;
            })));
        }
        network.runUntil(() -> putsDone[0] == objects, network.now() + objects * 100L + 600_000);
        Counters afterPuts = Counters.of(comets, network);
        Placement placed = Placement.of(comets, keys, replicas);

        int[] readsDone = {0};
        int[] readsFound = {0};
        int reads = 0;
        for (int i = 0; i < keys.size(); i++) {
            NodeId key = keys.get(i);
            byte[] value = ("minority object " + i).getBytes(StandardCharsets.UTF_8);
            for (SimNode reader : readers(comets, writers.get(i), readersPerObject)) {
                network.schedule(reads++ * READ_SPACING_MILLIS, () -> reader.node().getObject(key, Map.of(), false,
                        network.driver(answers -> {
                            readsDone[0]++;
                            for (ObjectAnswer a : answers) {
                                if (a.error() == null && a.value() instanceof byte[] b && java.util.Arrays.equals(b, value)) {
                                    readsFound[0]++;
                                    break;
                                }
                            }
                        })));
            }
        }
        int readsSent = reads;
        network.runUntil(() -> readsDone[0] == readsSent, network.now() + readsSent * READ_SPACING_MILLIS + 600_000);
        Counters afterReads = Counters.of(comets, network);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodes", sim.config().nodes());
        out.put("comet_fraction", sim.config().cometFraction());
        out.put("comet_nodes", comets.size());
        out.put("objects", objects);
        out.put("replicas", replicas);
        int[] overlay = new int[comets.size()];
        int[] table = new int[comets.size()];
        for (int i = 0; i < comets.size(); i++) {
            overlay[i] = comets.get(i).node().routingTable().cometCount();
            table[i] = comets.get(i).node().routingTable().size();
        }
        out.putAll(Distribution.of(overlay).fields("overlay_contacts"));
        out.putAll(Distribution.of(table).fields("table_contacts"));
        out.put("puts_acknowledged", putsAcknowledged[0]);
        out.put("objects_on_all_true_closest", placed.objectsOnAll());
        out.put("copies_on_true_closest", placed.copiesOnTrueClosest());
        out.put("copies_on_comet_nodes", placed.copies());
        out.put("reads", readsSent);
        out.put("reads_found", readsFound[0]);
        out.put("reads_unfinished", readsSent - readsDone[0]);
        // datagrams: everything the network sent in the phase; lookup requests: those of the Comet nodes' lookups
        // (the object lookups, and the few maintenance lookups that fell in the phase)
        out.put("datagrams_per_put", perOne(afterPuts.datagrams() - beforePuts.datagrams(), objects, 10));
        out.put("datagrams_per_read", perOne(afterReads.datagrams() - afterPuts.datagrams(), readsSent, 10));
        out.put("lookup_requests_per_put", perOne(afterPuts.lookupMessages() - beforePuts.lookupMessages(), objects, 10));
        out.put("lookup_requests_per_read", perOne(afterReads.lookupMessages() - afterPuts.lookupMessages(), readsSent, 10));
        out.put("hops_per_read", perOne(afterReads.hops() - afterPuts.hops(), readsSent, 100));
        out.put("hops_per_put", perOne(afterPuts.hops() - beforePuts.hops(), objects, 100));
        if (holdMillis > 0) {
            sim.runPhase("holding", holdMillis);
            Counters afterHold = Counters.of(comets, network);
            Placement kept = Placement.of(comets, keys, replicas);
            long rounds = afterHold.rounds() - afterReads.rounds();
            long roundMessages = afterHold.roundMessages() - afterReads.roundMessages();
            long handOverMessages = 2 * (afterHold.handOvers() - afterReads.handOvers());
            out.put("hold_seconds", holdMillis / 1000);
            out.put("objects_on_all_true_closest_after_hold", kept.objectsOnAll());
            out.put("copies_on_comet_nodes_after_hold", kept.copies());
            out.put("replication_rounds", rounds);
            out.put("messages_per_replication_round", perOne(roundMessages, rounds, 10));
            out.put("hand_over_stores", afterHold.handOvers() - afterReads.handOvers());
            out.put("replication_messages_per_object_hour", perOne((roundMessages + handOverMessages) * 3_600_000L,
                    (long) objects * holdMillis, 10));
        }
        putWork(out, comets, keys, replicas, afterPuts, network.now() - putsStart);
        sim.putRunFields(out, cost);
        return out;
    }

    /**
     * Storage and timer work per Comet node at the end of the run, against the ideal: every Comet node holding
     * {@code n × objects / Comet nodes} objects, and running their timers as often.
     */
    private void putWork(Map<String, Object> out, List<SimNode> comets, List<NodeId> keys, int replicas,
                         Counters afterPuts, long sincePutsMillis) {
        int[] held = new int[comets.size()];
        int[] timerRuns = new int[comets.size()];
        for (int i = 0; i < comets.size(); i++) {
            SimNode n = comets.get(i);
            for (NodeId key : keys) {
                held[i] += n.holdsObject(key) ? 1 : 0;
            }
            timerRuns[i] = (int) (n.node().objectStats().timerRuns() - afterPuts.timerRuns().get(i));
        }
        double ideal = comets.isEmpty() ? 0 : (double) replicas * keys.size() / comets.size();
        out.putAll(Distribution.of(held).fields("objects_held_per_comet_node"));
        out.put("objects_held_ideal", Math.round(ideal * 100) / 100.0);
        out.putAll(Distribution.of(timerRuns).fields("timer_runs_per_comet_node"));
        out.put("timer_runs_ideal", Math.round(ideal * sincePutsMillis / (TIMER_SECONDS * 1000.0) * 10) / 10.0);
    }

    /** {@code count / of}, rounded to {@code 1/scale}; 0 when {@code of} is 0. */
    private static double perOne(long count, long of, int scale) {
        return of == 0 ? 0 : Math.round((double) scale * count / of) / (double) scale;
    }

    /** The Comet nodes that read an object put by {@code writer}: every other live one, or a sample of them. */
    private List<SimNode> readers(List<SimNode> comets, SimNode writer, int readersPerObject) {
        List<SimNode> all = new ArrayList<>(comets.stream().filter(n -> n != writer && n.host().alive()).toList());
        if (readersPerObject <= 0 || all.size() <= readersPerObject) {
            return all;
        }
        java.util.Collections.shuffle(all, network.random());
        return all.subList(0, readersPerObject);
    }

    /** Where the objects sit now, against where they should (global knowledge). */
    private record Placement(int objectsOnAll, int copiesOnTrueClosest, int copies) {
        static Placement of(List<SimNode> comets, List<NodeId> keys, int replicas) {
            int onTrueClosest = 0;
            int onAll = 0;
            int copies = 0;
            for (NodeId key : keys) {
                int placed = 0;
                for (SimNode n : closestComets(comets, key, replicas)) {
                    placed += n.holdsObject(key) ? 1 : 0;
                }
                onTrueClosest += placed;
                onAll += placed == replicas ? 1 : 0;
                for (SimNode n : comets) {
                    copies += n.holdsObject(key) ? 1 : 0;
                }
            }
            return new Placement(onAll, onTrueClosest, copies);
        }
    }

    /** The Comet nodes' counters at one moment, summed (timer runs kept per node), and the network's datagrams. */
    private record Counters(long datagrams, long hops, long lookupMessages, long rounds, long roundMessages,
                            long handOvers, List<Long> timerRuns) {
        static Counters of(List<SimNode> comets, SimNetwork network) {
            long hops = 0;
            long lookupMessages = 0;
            long rounds = 0;
            long roundMessages = 0;
            long handOvers = 0;
            List<Long> timerRuns = new ArrayList<>();
            for (SimNode n : comets) {
                hops += n.node().lookupHops();
                lookupMessages += n.node().lookupMessages();
                ReplicationStats r = n.node().replicationStats();
                rounds += r.rounds();
                roundMessages += r.roundLookupMessages() + r.roundStores();
                handOvers += r.handOvers();
                timerRuns.add(n.node().objectStats().timerRuns());
            }
            return new Counters(network.datagramsSent(), hops, lookupMessages, rounds, roundMessages, handOvers,
                    timerRuns);
        }
    }

    /** A live Comet node that has joined (any live Comet node if none has yet). */
    private SimNode randomReadyCometNode() {
        // drawn from the Comet nodes, not by trying random nodes: at 0.1 % a few thousand tries could miss them all
        List<SimNode> comets = sim.liveNodes().stream().filter(SimNode::comet).toList();
        if (comets.isEmpty()) {
            throw new CometException(ErrorCode.BAD_INPUT, "the network has no live Comet node: raise --comet-fraction "
                    + "or --nodes");
        }
        List<SimNode> ready = comets.stream().filter(n -> n.node().isReady()).toList();
        List<SimNode> from = ready.isEmpty() ? comets : ready;
        return from.get(network.random().nextInt(from.size()));
    }

    /** The {@code n} live Comet nodes closest to {@code key}: where the object should be. */
    private static List<SimNode> closestComets(List<SimNode> comets, NodeId key, int n) {
        Comparator<NodeId> byDistance = key.byDistance();
        return comets.stream().filter(c -> c.host().alive())
                .sorted((a, b) -> byDistance.compare(a.node().id(), b.node().id())).limit(n).toList();
    }
}
