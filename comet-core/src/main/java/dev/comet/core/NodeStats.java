package dev.comet.core;

import dev.comet.guard.GuardStats;

/**
 * Counters of what a node has seen and done; a snapshot, cheap to copy. {@code unsolicitedDropped} counts every
 * answer that matched no pending query of ours, {@code forgedDropped} those of them that carried a pending query's
 * transaction id from another address; {@code retriesSkipped} the re-sends of silent lookup steps left out
 * because such re-sends were rarely answered lately; {@code guard} is what the node's defences dropped and banned;
 * {@code fragments} what the fragmentation of large Comet messages did.
 */
public record NodeStats(
        long queriesReceived,
        long responsesReceived,
        long errorsReceived,
        long queriesSent,
        long retries,
        long retriesSkipped,
        long timeouts,
        long malformedDropped,
        long unsolicitedDropped,
        long errorRepliesSent,
        long internalErrors,
        long lookupsStarted,
        long lookupsFinished,
        long forgedDropped,
        GuardStats guard,
        FragmentStats fragments) {
}
