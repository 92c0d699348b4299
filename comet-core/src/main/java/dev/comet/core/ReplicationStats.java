package dev.comet.core;

/**
 * What a node's replication has done so far, a snapshot: {@code rounds} of republish or hand-over check for one
 * record (each a lookup of the record's key, then stores on the closest that lack it), the requests those lookups
 * sent (retries included) and the stores they sent, and {@code handOvers}: records stored on a newcomer
 * (store-on-join, a token request and a store each).
 */
public record ReplicationStats(long rounds, long roundLookupMessages, long roundStores, long handOvers) {
    /** Messages a round cost on average: its lookup's requests and its stores (0 before the first round). */
    public double messagesPerRound() {
        return rounds == 0 ? 0 : (double) (roundLookupMessages + roundStores) / rounds;
    }
}
