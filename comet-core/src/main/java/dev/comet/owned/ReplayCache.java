package dev.comet.owned;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The signed requests a node has accepted and must not accept again: each (signer, nonce) pair is remembered until
 * its request leaves the window (its time plus the window), after which the window alone refuses it. Bounded by
 * entries: when it holds {@code maxEntries} unexpired pairs, a new request is refused ({@link Outcome#FULL}) rather
 * than making room by forgetting one that could then be replayed. Owns the remembered pairs and their expiry queue.
 * Not thread-safe: the node calls it on its own thread, with its own clock.
 */
public final class ReplayCache {
    /** What {@link #remember} did with a request. */
    public enum Outcome {
        /** First seen: now remembered until it expires. */
        REMEMBERED,
        /** Seen before and not yet expired: a replay. */
        REPLAYED,
        /** Not seen, but the cache is full of unexpired pairs: refused, nothing forgotten. */
        FULL
    }

    private record Entry(String pair, long expiresAtMillis) {
    }

    private final int maxEntries;
    private final Map<String, Long> expiries = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry = new PriorityQueue<>((a, b) -> Long.compare(a.expiresAtMillis, b.expiresAtMillis));

    public ReplayCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /**
     * Remembers that {@code signer} used {@code nonce} in a request valid until {@code expiresAtMillis}, unless that
     * pair is already remembered (a replay) or the cache is full; pairs expired by {@code nowMillis} are forgotten first.
     */
    public Outcome remember(byte[] signer, byte[] nonce, long expiresAtMillis, long nowMillis) {
        forgetExpired(nowMillis);
        String pair = HexFormat.of().formatHex(signer) + "/" + HexFormat.of().formatHex(nonce);
        if (expiries.containsKey(pair)) {
            return Outcome.REPLAYED;
        }
        if (expiries.size() >= maxEntries) {
            return Outcome.FULL;
        }
        expiries.put(pair, expiresAtMillis);
        byExpiry.add(new Entry(pair, expiresAtMillis));
        return Outcome.REMEMBERED;
    }

    /** Pairs remembered now (expired ones may still count until the next {@link #remember}). */
    public int size() {
        return expiries.size();
    }

    private void forgetExpired(long nowMillis) {
        while (!byExpiry.isEmpty() && byExpiry.peek().expiresAtMillis < nowMillis) {
            expiries.remove(byExpiry.poll().pair);
        }
    }
}
