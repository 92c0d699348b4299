package dev.comet.core;

import dev.comet.Lru;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import dev.comet.routing.ContactEntry;
import dev.comet.routing.RoutingTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The replicas a primary sends an object's versions to: the closest answering Comet nodes its routing table knows,
 * and those its own lookup of the key found. The table alone misses some: its Comet overlay keeps at most K contacts
 * a bucket and only those it verified, so a replica a writer's put placed could go without every version
 * ({@code ConcurrentAppendsLoopbackTest}: one replica of five still at version 0 after 60 updates, about one run in
 * twenty). A primary looks the key up when it starts a run of updates and its last lookup of that key is older than
 * {@code objects.replicaCheckIntervalMillis}. Owns the lookups' results, bounded (least recently used dropped). Used
 * on the node's thread only.
 */
final class ReplicaSet {
    private static final int MAX_KEYS = 4_096;

    private record Found(List<Contact> nodes, long at) {
    }

    private final NodeId self;
    private final NodeConfig config;
    private final Environment env;
    private final RoutingTable table;
    private final Lookups lookups;
    private final Map<NodeId, Found> found = new Lru<>(MAX_KEYS);

    ReplicaSet(NodeId self, NodeConfig config, Environment env, RoutingTable table, Lookups lookups) {
        this.self = self;
        this.config = config;
        this.env = env;
        this.table = table;
        this.lookups = lookups;
    }

    /** Runs {@code then} once this node's view of {@code key}'s closest {@code width} Comet nodes is fresh. */
    void refresh(NodeId key, int width, Runnable then) {
        Found last = found.get(key);
        long now = env.now();
        if (last != null && now - last.at() < config.objects().replicaCheckIntervalMillis()) {
            then.run();
            return;
        }
        lookups.get(key, null, Math.max(width, config.k()), true, result -> {
            found.put(key, new Found(List.copyOf(result.cometNodes(width)), env.now()));
            then.run();
        });
    }

    /**
     * The {@code count} Comet nodes closest to {@code key}, this node left out: those the table knows answering, and
     * those the last lookup found that the table has not seen fail since.
     */
    List<Contact> closest(NodeId key, int count) {
        List<Contact> merged = new ArrayList<>(table.closestAnsweringComet(key, count, env.now()));
        Found last = found.get(key);
        if (last != null) {
            for (Contact c : last.nodes()) {
                ContactEntry known = table.cometEntry(c.id());
                boolean failing = known != null && known.failures() > 0;
                if (!c.id().equals(self) && !failing && merged.stream().noneMatch(m -> m.id().equals(c.id()))) {
                    merged.add(c);
                }
            }
        }
        merged.sort((a, b) -> key.byDistance().compare(a.id(), b.id()));
        return merged.size() > count ? List.copyOf(merged.subList(0, count)) : List.copyOf(merged);
    }
}
