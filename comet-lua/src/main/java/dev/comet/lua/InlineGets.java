package dev.comet.lua;

import dev.comet.aso.AsoCall;
import dev.comet.aso.HandlerLimits;

import java.util.concurrent.atomic.LongAdder;

/**
 * When a get's {@code onGet} may run on the node's own thread instead of the pool's (docs/architecture.md, "Where
 * handlers run"): a get of an object already loaded, whose gets so far kept within the inline bounds, while its
 * worker is idle. Those bounds ({@code objects.inlineInstructions}, 1 ms, 256 KiB of allocation) keep the node's
 * thread from waiting on a handler for longer than a few datagrams take; a run that crosses one is rolled back
 * like any failed invocation and runs again on the pool with the full limits, and the object's gets stay there
 * while it is loaded (after a few such runs, when only the time was crossed). Owns the bounds and the counts of inline runs and of runs that yielded.
 */
final class InlineGets {
    /** Allocation an inline run may make before it yields: a few times what a small onGet allocates. */
    static final long ALLOCATED_BYTES = 256 << 10;
    /** Wall time an inline run may take before it yields (the limits count wall time in whole milliseconds). */
    static final long WALL_MILLIS = 1;
    /**
     * Time yields that send an object's gets to the pool for good (while it is loaded). One is not enough: a
     * collection or the scheduler can stop the node's thread for a millisecond under any handler.
     */
    static final int TIME_YIELDS_TO_STAY_ON_THE_POOL = 3;

    private final HandlerLimits bounds;
    private final LongAdder ran = new LongAdder();
    private final LongAdder yielded = new LongAdder();

    private InlineGets(HandlerLimits bounds) {
        this.bounds = bounds;
    }

    /** Inline gets under {@code limits} cut to {@code instructions}, 1 ms and 256 KiB; null when instructions is 0. */
    static InlineGets within(HandlerLimits limits, long instructions) {
        if (instructions <= 0) {
            return null;
        }
        return new InlineGets(limits.toBuilder()
                .instructions(Math.min(limits.instructions(), instructions))
                .allocatedBytes(Math.min(limits.allocatedBytes(), ALLOCATED_BYTES))
                .wallMillis(Math.min(limits.wallMillis(), WALL_MILLIS))
                .build());
    }

    /** The limits an inline run has. */
    HandlerLimits bounds() {
        return bounds;
    }

    /** Whether {@code call} may be tried inline: a plain get of an object loaded from its code that runs short. */
    boolean mayTry(AsoCall call, ObjectCache cache) {
        return "onGet".equals(call.handler()) && call.update() == null && call.incoming() == null && call.answer() == null
                && !call.fresh()
                && cache.runsShort(call.key(), call.code());
    }

    /** Whether an inline run that ended with {@code r} crossed one of the inline bounds, and must run on the pool. */
    boolean crossedBounds(InvocationResult r) {
        return !r.ok() && (r.limit() == Limit.INSTRUCTIONS || r.limit() == Limit.MEMORY || r.limit() == Limit.TIME);
    }

    /**
     * Notes that a run of {@code entry}'s object crossed a bound: past the instructions or the allocation, its gets
     * stay on the pool while it is loaded; past the time, only once that has happened a few times.
     */
    void yielded(ObjectCache.Entry entry, InvocationResult r) {
        if (r.limit() != Limit.TIME || ++entry.timeYields >= TIME_YIELDS_TO_STAY_ON_THE_POOL) {
            entry.runsLong = true;
        }
    }

    void countRun(boolean yielding) {
        ran.increment();
        if (yielding) {
            yielded.increment();
        }
    }

    /** Gets tried inline since the runtime started. */
    long runs() {
        return ran.sum();
    }

    /** Of those, the ones that crossed the bounds and ran again on the pool. */
    long yields() {
        return yielded.sum();
    }
}
