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
 * while it is loaded; when only the time was crossed, its next gets do, more of them at each such run. Owns the bounds and the counts of inline runs and of runs that yielded.
 */
final class InlineGets {
    /** Allocation an inline run may make before it yields: a few times what a small onGet allocates. */
    static final long ALLOCATED_BYTES = 256 << 10;
    /** Wall time an inline run may take before it yields (the limits count wall time in whole milliseconds). */
    static final long WALL_MILLIS = 1;
    /**
     * Gets that go to the pool after an object's first time yield; doubled at each further one, up to
     * {@link #MOST_GETS_ON_THE_POOL}. Not for good: a collection, the scheduler or a cold JIT can stop the node's
     * thread for a millisecond under any handler, and a node's first gets after a start run cold.
     */
    static final int FIRST_GETS_ON_THE_POOL = 16;
    static final int MOST_GETS_ON_THE_POOL = 4_096;

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
     * stay on the pool while it is loaded; past the time only, its next gets do, more of them at each time yield.
     */
    void yielded(ObjectCache cache, ObjectCache.Entry entry, InvocationResult r) {
        cache.crossedInlineBounds(entry, r.limit() == Limit.TIME, InlineGets::getsOnThePoolAfter);
    }

    /** Gets that go to the pool after an object's {@code timeYields}-th time yield. */
    static int getsOnThePoolAfter(int timeYields) {
        return Math.min(MOST_GETS_ON_THE_POOL, FIRST_GETS_ON_THE_POOL << Math.min(timeYields - 1, 8));
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
