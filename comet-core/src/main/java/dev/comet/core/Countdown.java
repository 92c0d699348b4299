package dev.comet.core;

/**
 * Counts the answers still awaited from a round of queries and runs its action once, when the last one is in (at
 * once for a round of none). How every fan-out of the node (writes, reads of all replicas, joins) knows it is done.
 * Used on the node's thread only.
 */
final class Countdown {
    private final Runnable done;
    private int outstanding;

    Countdown(int expected, Runnable done) {
        this.done = done;
        this.outstanding = expected;
        if (expected == 0) {
            done.run();
        }
    }

    /** One answer is in; the last one runs the action. */
    void countDown() {
        if (outstanding > 0 && --outstanding == 0) {
            done.run();
        }
    }

    boolean finished() {
        return outstanding == 0;
    }
}
