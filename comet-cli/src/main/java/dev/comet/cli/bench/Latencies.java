package dev.comet.cli.bench;

/**
 * A histogram of latencies in microseconds, owning its bucket counts: exact below 256 µs and within 1/128 (0.8 %)
 * above, in constant memory however long a run lasts (log-linear buckets, as HdrHistogram does). Not thread-safe:
 * one recorder per thread, merged afterwards.
 */
public final class Latencies {
    /** Buckets per power of two above the exact range: 2^7 = 128, so a bucket is at most 1/128 of its value wide. */
    private static final int SUB_BITS = 7;
    private static final int SUB = 1 << SUB_BITS;
    private static final int EXACT = 2 * SUB;
    private static final int BUCKETS = (64 - SUB_BITS) * SUB + EXACT;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long max;

    /** Records one latency; a negative one (a clock step) counts as 0. */
    public void record(long micros) {
        long v = Math.max(0, micros);
        counts[index(v)]++;
        count++;
        max = Math.max(max, v);
    }

    public void add(Latencies other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        max = Math.max(max, other.max);
    }

    public long count() {
        return count;
    }

    public long max() {
        return max;
    }

    /**
     * The nearest-rank percentile {@code p} (0 < p ≤ 100): the smallest recorded value that at least p % of the values
     * do not exceed, as the middle of its bucket (exact below 256 µs); 0 when nothing was recorded.
     */
    public long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("a percentile is in (0, 100], got " + p);
        }
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, Math.min(count, (long) Math.ceil(p / 100.0 * count)));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, middle(i));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int shift = exponent - SUB_BITS;
        return shift * SUB + (int) (v >>> shift);
    }

    /** The middle of bucket {@code i}: its value in the exact range, else halfway between its bounds. */
    static long middle(int i) {
        if (i < EXACT) {
            return i;
        }
        int shift = (i >>> SUB_BITS) - 1;
        long mantissa = (i & (SUB - 1)) | SUB;
        long low = mantissa << shift;
        return low + ((1L << shift) - 1) / 2;
    }
}
