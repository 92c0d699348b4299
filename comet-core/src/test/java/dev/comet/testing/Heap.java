package dev.comet.testing;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * Used-heap readings for the tests' heap checks. One {@code System.gc()} is only a request: the JVM may defer it or
 * collect only part of the heap, and memory a cleaner releases comes back only on a later cycle. So a baseline is
 * read until it stops falling, and a check collects and reads again until the heap is under its bound, a bounded
 * number of times, before it reports the reading as it is.
 */
public final class Heap {
    /** Collections a baseline may take to settle. */
    private static final int SETTLE_ROUNDS = 20;
    /** Between two readings of a check: time for a concurrent collection and reference processing to finish. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a check keeps collecting (about a hundred rounds) before it gives its last reading. */
    private static final Duration AT_MOST = Duration.ofSeconds(10);

    private Heap() {
    }

    /** Bytes of heap in use right after a requested collection. */
    public static long usedAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The used heap once collections no longer lower it: readings are taken until one does not fall. */
    public static long settledBaseline() {
        long lowest = usedAfterGc();
        for (int round = 1; round < SETTLE_ROUNDS; round++) {
            long used = usedAfterGc();
            if (used >= lowest) {
                return lowest;
            }
            lowest = used;
        }
        return lowest;
    }

    /**
     * The used heap after collection, read again after each further collection until it is at most {@code bound}
     * bytes or the rounds run out: the first reading under the bound, or else the last one, for the caller to assert.
     */
    public static long usedAfterGcUpTo(long bound) {
        long[] last = {Long.MAX_VALUE};
        try {
            await().atMost(AT_MOST).pollDelay(Duration.ZERO).pollInterval(POLL).pollInSameThread()
                    .until(() -> (last[0] = usedAfterGc()) <= bound);
        } catch (ConditionTimeoutException e) {
            // still over the bound after every round: the caller's assertion reports the last reading
        }
        return last[0];
    }
}
