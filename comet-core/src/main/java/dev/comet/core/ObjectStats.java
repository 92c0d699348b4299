package dev.comet.core;

/**
 * What a node's active objects are doing: timers scheduled now, timer runs so far, timers refused because the node
 * runs its maximum, requests sent for handlers, and replica stores sent (republish and store-on-join).
 */
public record ObjectStats(int timers, long timerRuns, long timersRefused, long requestsSent, long replicaStores) {
}
