package dev.comet.sim;

import dev.comet.id.NodeId;
import dev.comet.lookup.LookupReport;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Fills the routing tables of a network built at once from the simulator's global knowledge, as a network that has
 * long converged would hold them, instead of simulating every node's join (PeerSim's Kademlia does the same with its
 * state builder). For each node and each prefix length {@code i}: up to K nodes drawn at random among those sharing
 * exactly {@code i} leading bits with it, and its closest among them in the bucket where its K closest end. So every
 * bucket is full where the network has the nodes, and the table holds the node's K closest. Each contact enters
 * through {@link RoutingTable#heardFrom} as one that answered, so the table's own rules place it.
 *
 * <p>Owns a sorted view of the nodes it fills (their ids and contacts); it keeps nothing of one fill for the next.
 */
final class WarmStart {
    private final Simulation.SimNode[] sorted;
    private final NodeId[] ids;
    /** Each node's one contact, the one its host hands out (a look-up of the host per contact placed was a sixth). */
    private final Contact[] contacts;
    private final int k;

    /** The nodes to fill, each with the one contact its host hands out, and the bucket size K. */
    WarmStart(List<Simulation.SimNode> nodes, int k) {
        this.sorted = nodes.toArray(new Simulation.SimNode[0]);
        // ids in numerical order: the nodes sharing at least i leading bits with any node are a run of this array
        Arrays.sort(sorted, Comparator.comparing(n -> n.node().id()));
        this.ids = new NodeId[sorted.length];
        this.contacts = new Contact[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            ids[i] = sorted[i].node().id();
            contacts[i] = sorted[i].host().contact(ids[i], sorted[i].host().address());
        }
        this.k = k;
    }

    /** Fills every node's table at {@code now}, drawing from {@code random}; {@code filled} counts the nodes done. */
    void fill(long now, RandomGenerator random, Runnable filled) {
        for (int p = 0; p < sorted.length; p++) {
            fill(p, now, random);
            filled.run();
        }
    }

    /** Fills the table of the node at sorted index {@code p}, prefix length by prefix length, shortest first. */
    private void fill(int p, long now, RandomGenerator random) {
        NodeId self = ids[p];
        RoutingTable table = sorted[p].node().routingTable();
        int lo = 0;
        int hi = ids.length; // [lo, hi): the nodes sharing at least i leading bits with self
        for (int i = 0; i < NodeId.BITS && hi - lo > 1; i++) {
            int nextLo = firstSharing(self, i + 1, lo, p);
            int nextHi = endSharing(self, i + 1, p + 1, hi);
            // those sharing exactly i bits differ from self at bit i: all below it, or all above it
            int from = nextLo > lo ? lo : nextHi;
            int to = nextLo > lo ? nextLo : hi;
            if (nextHi - nextLo - 1 < k) {
                // the bucket where self's K closest end: its closest, as a node that looked itself up holds them
                placeClosest(table, self, from, to, now);
            } else {
                place(table, from, to, now, random);
            }
            lo = nextLo;
            hi = nextHi;
        }
    }

    /** Up to K nodes of sorted indices [from, to), all of them when there are no more, into {@code table}. */
    private void place(RoutingTable table, int from, int to, long now, RandomGenerator random) {
        int n = to - from;
        if (n <= k) {
            for (int j = from; j < to; j++) {
                add(table, j, now);
            }
            return;
        }
        // K distinct offsets by Floyd's sampling: no array of the whole range
        int[] drawn = new int[k];
        for (int d = 0, j = n - k; j < n; d++, j++) {
            int pick = random.nextInt(j + 1);
            for (int e = 0; e < d; e++) {
                if (drawn[e] == pick) {
                    pick = j;
                    break;
                }
            }
            drawn[d] = pick;
            add(table, from + pick, now);
        }
    }

    /** The K nodes of sorted indices [from, to) closest to {@code self}, all of them when there are no more. */
    private void placeClosest(RoutingTable table, NodeId self, int from, int to, long now) {
        // the simulator's one judge of closeness; the range is sorted by id, so each id's index is a binary search
        for (NodeId id : LookupReport.trueClosest(self, Arrays.asList(ids).subList(from, to), k)) {
            add(table, Arrays.binarySearch(ids, from, to, id), now);
        }
    }

    private void add(RoutingTable table, int index, long now) {
        table.heardFrom(contacts[index], true, sorted[index].comet(), now);
    }

    /** The first index in [from, to] whose id shares at least {@code bits} leading bits with self (to is self). */
    private int firstSharing(NodeId self, int bits, int from, int to) {
        while (from < to) {
            int mid = (from + to) >>> 1;
            if (self.commonPrefixLength(ids[mid]) >= bits) {
                to = mid;
            } else {
                from = mid + 1;
            }
        }
        return from;
    }

    /** One past the last index in [from, to) whose id shares at least {@code bits} leading bits with self. */
    private int endSharing(NodeId self, int bits, int from, int to) {
        while (from < to) {
            int mid = (from + to) >>> 1;
            if (self.commonPrefixLength(ids[mid]) >= bits) {
                from = mid + 1;
            } else {
                to = mid;
            }
        }
        return from;
    }
}
