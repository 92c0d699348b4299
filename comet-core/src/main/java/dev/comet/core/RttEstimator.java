package dev.comet.core;

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
    /** The samples' copy that {@link #kthSmallest} reorders: the window itself must keep its order. */
    private final long[] scratch = new long[WINDOW];
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
            System.arraycopy(samples, 0, scratch, 0, count);
            long p90 = kthSmallest(scratch, count, (int) Math.ceil(0.9 * count) - 1);
            timeout = Math.max(floorMillis, Math.min(ceilingMillis, 2 * p90));
        }
    }

    /**
     * The value that would be at {@code k} if the first {@code n} values of {@code a} were sorted (Hoare's
     * selection; it reorders them): a node recomputes its timeout every 16 answers, and sorting a copy of the
     * window each time was 1 % of a simulated network's time.
     */
    static long kthSmallest(long[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // now a[lo..j] <= pivot <= a[i..hi], and any index strictly between j and i holds the pivot
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    /** How long to wait for an answer before sending again. */
    long timeoutMillis() {
        return timeout;
    }
}
