package dev.comet.sim;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.ObjectAnswer;
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
 * reads found it, and the hops and datagrams an object lookup costs. Owns one run's counters; the network and its
 * nodes are the {@link Simulation}'s.
 */
final class MinorityWorkload {
    /** Virtual time between two reads: spread so that the network is not one burst. */
    static final long READ_SPACING_MILLIS = 5;
    /** Virtual time after the network settled before the first put. */
    static final long OVERLAY_SETTLE_MILLIS = 10 * 60_000;

    private final Simulation sim;
    private final SimNetwork network;

    MinorityWorkload(Simulation sim) {
        this.sim = sim;
        this.network = sim.network();
    }

    /** Puts {@code objects} objects from random Comet nodes, then reads each from every other Comet node. */
    Map<String, Object> run(int objects) {
        long wallStart = System.nanoTime();
        HeapMeter.reset();
        sim.buildAndSettle();
        // the Comet nodes that joined first met few others: a few overlay refreshes (30 s, 1, 2, 4 min) let them meet
        network.runUntil(network.now() + OVERLAY_SETTLE_MILLIS);
        int replicas = sim.config().nodeConfig().objects().replicas();
        List<SimNode> comets = sim.liveNodes().stream().filter(SimNode::comet).toList();
        List<NodeId> keys = new ArrayList<>();
        List<SimNode> writers = new ArrayList<>();
        int[] putsDone = {0};
        int[] putsAcknowledged = {0};
        long putDatagrams = network.datagramsSent();
        long putHops = hops(comets);
        for (int i = 0; i < objects; i++) {
            NodeId key = NodeId.ofKey("minority object " + i + " of seed " + sim.config().seed());
            keys.add(key);
            SimNode writer = randomReadyCometNode();
            writers.add(writer);
            byte[] code = ("aso.value = 'minority object " + i + "'\n").getBytes(StandardCharsets.UTF_8);
            network.schedule(i * 100L, () -> writer.node().putObject(key, code, replicas, -1, put -> {
                putsDone[0]++;
                putsAcknowledged[0] += put.accepted().isEmpty() ? 0 : 1;
            }));
        }
        network.runUntil(() -> putsDone[0] == objects, network.now() + objects * 100L + 600_000);
        putDatagrams = network.datagramsSent() - putDatagrams;
        putHops = hops(comets) - putHops;

        int onTrueClosest = 0;
        int objectsOnAllTrueClosest = 0;
        int holders = 0;
        for (NodeId key : keys) {
            int placed = 0;
            for (SimNode n : closestComets(comets, key, replicas)) {
                placed += n.holdsObject(key) ? 1 : 0;
            }
            onTrueClosest += placed;
            objectsOnAllTrueClosest += placed == replicas ? 1 : 0;
            for (SimNode n : comets) {
                holders += n.holdsObject(key) ? 1 : 0;
            }
        }

        int[] readsDone = {0};
        int[] readsFound = {0};
        int reads = 0;
        long readDatagrams = network.datagramsSent();
        long readHops = hops(comets);
        for (int i = 0; i < keys.size(); i++) {
            NodeId key = keys.get(i);
            byte[] value = ("minority object " + i).getBytes(StandardCharsets.UTF_8);
            for (SimNode reader : comets) {
                if (reader == writers.get(i) || !reader.host().alive()) {
                    continue;
                }
                network.schedule(reads++ * READ_SPACING_MILLIS, () -> reader.node().getObject(key, Map.of(), false,
                        answers -> {
                            readsDone[0]++;
                            for (ObjectAnswer a : answers) {
                                if (a.error() == null && a.value() instanceof byte[] b && java.util.Arrays.equals(b, value)) {
                                    readsFound[0]++;
                                    break;
                                }
                            }
                        }));
            }
        }
        int readsSent = reads;
        network.runUntil(() -> readsDone[0] == readsSent, network.now() + readsSent * READ_SPACING_MILLIS + 600_000);
        readDatagrams = network.datagramsSent() - readDatagrams;
        readHops = hops(comets) - readHops;

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
        out.put("objects_on_all_true_closest", objectsOnAllTrueClosest);
        out.put("copies_on_true_closest", onTrueClosest);
        out.put("copies_on_comet_nodes", holders);
        out.put("reads", readsSent);
        out.put("reads_found", readsFound[0]);
        out.put("reads_unfinished", readsSent - readsDone[0]);
        out.put("datagrams_per_put", objects == 0 ? 0 : Math.round(10.0 * putDatagrams / objects) / 10.0);
        out.put("datagrams_per_read", readsSent == 0 ? 0 : Math.round(10.0 * readDatagrams / readsSent) / 10.0);
        out.put("hops_per_read", readsSent == 0 ? 0 : Math.round(100.0 * readHops / readsSent) / 100.0);
        out.put("hops_per_put", objects == 0 ? 0 : Math.round(100.0 * putHops / objects) / 100.0);
        sim.putRunFields(out, wallStart);
        return out;
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

    private static long hops(List<SimNode> nodes) {
        long sum = 0;
        for (SimNode n : nodes) {
            sum += n.node().lookupHops();
        }
        return sum;
    }
}
