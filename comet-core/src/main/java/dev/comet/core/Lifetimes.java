package dev.comet.core;

/** The one lifetime rule of items and objects: what a writer asked for, within the node's bounds. */
final class Lifetimes {
    private Lifetimes() {
    }

    /**
     * A lifetime a writer asked for, in seconds, as milliseconds: {@code defaultMillis} when it asked for none (a
     * negative value), otherwise between 1 s and {@code maxMillis}.
     */
    static long millis(long ttlSeconds, long defaultMillis, long maxMillis) {
        if (ttlSeconds < 0) {
            return defaultMillis;
        }
        return Math.max(1_000, Math.min(maxMillis / 1000, ttlSeconds) * 1000);
    }
}
