package dev.comet.core;

/**
 * What a node's active objects are doing: timers scheduled now, timer runs so far, timers refused because the node
 * runs its maximum, requests sent for handlers, replica stores sent (republish and store-on-join), and copies dropped
 * because the node is no longer among an object's closest replicas (replica hygiene).
 */
public record ObjectStats(int timers, long timerRuns, long timersRefused, long requestsSent, long replicaStores,
                          long replicasDropped) {
}
