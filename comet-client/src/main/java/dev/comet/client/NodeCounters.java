package dev.comet.client;

import dev.comet.aso.AsoStats;
import dev.comet.core.NodeStats;
import dev.comet.storage.StoreUsage;

import java.util.Map;

/**
 * One snapshot of everything a node counts, for metrics: its message counters, queries received by method, the
 * hops of its lookups added up, its store usage and what its active-object runtime did.
 */
public record NodeCounters(NodeStats stats, Map<String, Long> queriesByMethod, long lookupHops, StoreUsage store,
                           AsoStats objects) {
    public NodeCounters {
        queriesByMethod = Map.copyOf(queriesByMethod);
    }
}
