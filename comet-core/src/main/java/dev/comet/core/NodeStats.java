package dev.comet.core;

/** Counters of what a node has seen and done; a snapshot, cheap to copy. */
public record NodeStats(
        long queriesReceived,
        long responsesReceived,
        long errorsReceived,
        long queriesSent,
        long retries,
        long timeouts,
        long malformedDropped,
        long unsolicitedDropped,
        long errorRepliesSent,
        long internalErrors,
        long lookupsStarted,
        long lookupsFinished) {
}
