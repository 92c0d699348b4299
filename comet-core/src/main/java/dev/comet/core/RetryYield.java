package dev.comet.core;

/**
 * Whether a lookup step that went unanswered is worth sending again, judged by how often such re-sends were answered
 * lately. Where datagrams are lost, most re-sends are answered (with 10 % loss each way, four in five), and a lookup
 * that gave up on the closest node after one silent attempt would miss it; where nodes come and go, a silent node has
 * nearly always left (in the 1,000-node soak not one re-send of a lookup step was answered), and its re-sends are
 * waste. So a re-send goes out while re-sends of its number are answered at least {@link #WORTHWHILE} of the time, and
 * below that one in {@link #PROBE_EVERY} still goes out, so that the share follows the network when loss comes back.
 * Owns, per attempt number, the faded counts of re-sends made and answered, and the count of re-sends skipped. Owned
 * by the node's {@link Transactions}; counters only, so a simulation stays deterministic.
 */
final class RetryYield {
    /** The least share of answered re-sends that is worth a datagram each: one answer for ten sends. */
    static final double WORTHWHILE = 0.1;
    /** Below {@link #WORTHWHILE}, one re-send in this many still goes out to keep measuring. */
    static final int PROBE_EVERY = 16;
    /** Each outcome fades by this much per later one: about the last 64 re-sends of a number count. */
    private static final double DECAY = 1.0 / 64;

    /**
     * Index {@code n}: the faded counts of {@code n}th sends made and answered. The share adds one answer of two
     * sends to them, so a node starts at one half and a newcomer stops re-sending after about 9 silent re-sends in a
     * row (a node's life under the soak's churn sees a few dozen): it learns within its own lifetime.
     */
    private final double[] sent;
    private final double[] answered;
    private long skipped;
    private long probes;

    /** For calls sent at most {@code maxAttempts} times. */
    RetryYield(int maxAttempts) {
        sent = new double[maxAttempts + 1];
        answered = new double[maxAttempts + 1];
    }

    /** Whether the {@code attempt}th send (2 or more) of a silent call should go out. */
    boolean worthSending(int attempt) {
        if (share(attempt) >= WORTHWHILE) {
            return true;
        }
        if (++probes % PROBE_EVERY == 0) {
            return true;
        }
        skipped++;
        return false;
    }

    /**
     * A call ended after {@code sends} sends, answered or not: every re-send before the last went unanswered, and the
     * last was answered when {@code wasAnswered}.
     */
    void ended(int sends, boolean wasAnswered) {
        for (int n = 2; n <= sends; n++) {
            sent[n] = sent[n] * (1 - DECAY) + 1;
            answered[n] = answered[n] * (1 - DECAY) + (n == sends && wasAnswered ? 1 : 0);
        }
    }

    /** The share of recent {@code attempt}th sends answered, with one answer of two added (one half at first). */
    double share(int attempt) {
        return (answered[attempt] + 1) / (sent[attempt] + 2);
    }

    /** Re-sends skipped so far because they rarely paid. */
    long skipped() {
        return skipped;
    }
}
