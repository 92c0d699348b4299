package dev.comet.core;

import java.util.Arrays;

/**
 * Recent round-trip times of a node's answered requests, and from them how long to wait before sending a request
 * again: twice the 90th percentile, within bounds. A node on a fast network then gives up on a dead contact in
 * a fraction of the fixed worst-case timeout (mldht adapts its timeouts the same way). Owned by its node.
 */
final class RttEstimator {
    private static final int WINDOW = 128;
    private static final int MIN_SAMPLES = 16;
    private static final int RECOMPUTE_EVERY = 16;

    private final long[] samples = new long[WINDOW];
    private final long floorMillis;
    private final long ceilingMillis;
    private int count;
    private int next;
    private int sinceRecompute;
    private long timeout;

    RttEstimator(long floorMillis, long ceilingMillis) {
        this.floorMillis = Math.min(floorMillis, ceilingMillis);
        this.ceilingMillis = ceilingMillis;
        this.timeout = ceilingMillis;
    }

    /** Records the round trip of a request answered on its first attempt (a retried one is ambiguous). */
    void record(long rttMillis) {
        samples[next] = Math.max(0, rttMillis);
        next = (next + 1) % WINDOW;
        count = Math.min(WINDOW, count + 1);
        if (++sinceRecompute >= RECOMPUTE_EVERY && count >= MIN_SAMPLES) {
            sinceRecompute = 0;
            long[] sorted = Arrays.copyOf(samples, count);
            Arrays.sort(sorted);
            long p90 = sorted[(int) Math.ceil(0.9 * count) - 1];
            timeout = Math.max(floorMillis, Math.min(ceilingMillis, 2 * p90));
        }
    }

    /** How long to wait for an answer before sending again. */
    long timeoutMillis() {
        return timeout;
    }
}
