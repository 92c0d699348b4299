package dev.comet.lua;

/**
 * The steps of one pattern search, charged to a {@link Meter} in batches so that the matcher's per-step path never
 * touches the meter. Owns the meter in use (a gmatch iterator's changes with each invocation that calls it), the
 * steps not yet charged and the count of charges (a checkpoint of time and memory every 64).
 */
final class PatternSteps {
    /** Steps are charged to the meter in batches of this size. */
    static final int CHUNK = 1024;

    private Meter meter;
    private long pending;
    private int flushes;

    PatternSteps(Meter meter) {
        this.meter = meter;
    }

    void useMeter(Meter m) {
        this.meter = m;
    }

    Meter meter() {
        return meter;
    }

    void step() {
        if (++pending >= CHUNK) {
            flush();
        }
    }

    void steps(int n) {
        pending += n;
        if (pending >= CHUNK) {
            flush();
        }
    }

    /** Charges the steps not yet charged (and, now and then, checks time and memory). */
    void flush() {
        if (pending > 0) {
            long p = pending;
            pending = 0;
            meter.charge(p);
            if ((++flushes & 63) == 0) {
                meter.checkpoint();
            }
        }
    }
}
