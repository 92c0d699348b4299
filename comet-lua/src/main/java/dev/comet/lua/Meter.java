package dev.comet.lua;

import dev.comet.aso.HandlerLimits;

import java.lang.management.ManagementFactory;

/**
 * Counts what one handler invocation uses and stops it, with a {@link LimitExceeded}, at the first limit it
 * crosses; once tripped it stays tripped, so every later charge fails too (Lua code that catches the error with
 * LuaJ's own machinery gets it again at its next instruction). One meter per invocation, used on the invoking
 * thread only.
 */
public final class Meter {
    /** Instructions of Lua between two checks of time and allocation, for both engines and the libraries. */
    static final int CHECK_EVERY = 64;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final HandlerLimits limits;
    private final long startNanos;
    private final long startAllocated;
    private final Thread thread;
    private long instructions;
    /**
     * The count at which Lua's next {@link #step} checks time and allocation: {@link #CHECK_EVERY} after the last
     * check, or one past the limit, whichever comes first, so that no engine runs an instruction past the limit.
     */
    private long checkAt;
    private LimitExceeded tripped;
    /** Set by the watchdog's thread when it gave up on this invocation; read at every checkpoint. */
    private volatile boolean cancelled;

    public Meter(HandlerLimits limits) {
        this.limits = limits;
        this.thread = Thread.currentThread();
        this.startNanos = System.nanoTime();
        this.startAllocated = THREADS.getCurrentThreadAllocatedBytes();
        this.checkAt = nextCheck();
    }

    public HandlerLimits limits() {
        return limits;
    }

    /**
     * Charges {@code steps} instructions of Lua about to run: one for the interpreter's next instruction, a basic
     * block's for compiled code. Both engines count here, so an invocation mixing their frames is held to the limit
     * as exactly as either alone: the step that would pass it is refused before it runs. Cheap (an addition and a
     * comparison) except every {@link #CHECK_EVERY} instructions, when time and allocation are checked too.
     */
    public void step(int steps) {
        if ((instructions += steps) >= checkAt || tripped != null) {
            settle();
        }
    }

    private void settle() {
        check();
        checkInstructions();
        checkpoint();
        checkAt = nextCheck();
    }

    /** {@link #CHECK_EVERY} instructions on, or one past the limit if that comes first. */
    private long nextCheck() {
        long pastLimit = limits.instructions() == Long.MAX_VALUE ? Long.MAX_VALUE : limits.instructions() + 1;
        return Math.min(instructions + CHECK_EVERY, pastLimit);
    }

    /** Charges {@code steps} instructions (library functions charge their own work this way). */
    public void charge(long steps) {
        check();
        instructions += steps;
        checkInstructions();
    }

    private void checkInstructions() {
        if (instructions > limits.instructions()) {
            trip(Limit.INSTRUCTIONS, instructions + " > " + limits.instructions());
        }
    }

    /**
     * Charges an allocation of {@code bytes} that is about to happen, before it happens: a library function that
     * would build a string of that size calls this first. Also enforces the largest string.
     */
    public void chargeAllocation(long bytes) {
        check();
        if (bytes > limits.stringBytes()) {
            trip(Limit.STRING_SIZE, bytes + " bytes > " + limits.stringBytes());
        }
        long used = allocatedBytes() + bytes;
        if (used > limits.allocatedBytes()) {
            trip(Limit.MEMORY, used + " bytes > " + limits.allocatedBytes());
        }
    }

    /**
     * Stops this invocation at its next checkpoint with the time limit: the watchdog abandoned it. Safe to call
     * from any thread.
     */
    void cancel() {
        cancelled = true;
    }

    /** Checks time and measured allocation; cheap enough to call every few dozen instructions. */
    public void checkpoint() {
        check();
        if (cancelled) {
            trip(Limit.TIME, "stopped by the watchdog");
        }
        checkMemory();
        if (System.nanoTime() - startNanos > limits.wallMillis() * 1_000_000) {
            trip(Limit.TIME, limits.wallMillis() + " ms");
        }
    }

    /** Adds instructions already executed to the count without checking the limit (the tail of a batch). */
    void record(long steps) {
        instructions += steps;
    }

    /** Bytes the invocation has allocated so far (measured on the thread), for reports. */
    public long allocatedBytes() {
        // the current thread's counter is read without looking the thread up: a few times cheaper, and this is
        // read at every checkpoint
        long now = Thread.currentThread() == thread ? THREADS.getCurrentThreadAllocatedBytes()
                : THREADS.getThreadAllocatedBytes(thread.getId());
        return Math.max(0, now - startAllocated);
    }

    public long instructions() {
        return instructions;
    }

    /** The limit that stopped this invocation, or null. */
    public LimitExceeded tripped() {
        return tripped;
    }

    /** Throws the limit already hit, if any. */
    public void check() {
        if (tripped != null) {
            throw tripped;
        }
    }

    /** Stops the invocation for {@code limit}; later calls keep failing with the same error. */
    public void trip(Limit limit, String detail) {
        if (tripped == null) {
            tripped = new LimitExceeded(limit, detail);
        }
        throw tripped;
    }

    private void checkMemory() {
        long used = allocatedBytes();
        if (used > limits.allocatedBytes()) {
            trip(Limit.MEMORY, used + " bytes > " + limits.allocatedBytes());
        }
    }
}
