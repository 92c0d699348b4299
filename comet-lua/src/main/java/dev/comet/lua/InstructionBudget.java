package dev.comet.lua;

import java.util.function.LongSupplier;

/**
 * The node-wide instruction budget of a {@link LuaAsoRuntime} (DESIGN.md §4.1): all the Lua work of the node's
 * handlers, loads included, at most {@code perSecond} instructions in any second of the node's clock. Work is
 * admitted against what is already queued: each invocation reserves the most it may run (its instruction limit
 * per load and per handler run) when it is submitted, and at completion gives the reservation back and charges
 * what it really ran to the second it ends in. So a burst of queued calls cannot all pass a check made while
 * none has run. Owns the counts; thread-safe.
 */
final class InstructionBudget {
    private final long perSecond;
    private final LongSupplier clock;
    private long second = Long.MIN_VALUE;
    private long used;
    private long reserved;

    InstructionBudget(long perSecond, LongSupplier clock) {
        this.perSecond = perSecond;
        this.clock = clock;
    }

    long perSecond() {
        return perSecond;
    }

    /** Reserves {@code instructions} for one invocation; false (nothing reserved) when the budget cannot hold it. */
    synchronized boolean reserve(long instructions) {
        roll();
        if (used + reserved + instructions > perSecond) {
            return false;
        }
        reserved += instructions;
        return true;
    }

    /** Ends a reservation: {@code reservation} is given back and {@code ran} charged to the current second. */
    synchronized void complete(long reservation, long ran) {
        roll();
        reserved -= reservation;
        used += ran;
    }

    /** Instructions reserved by invocations queued or running now. */
    synchronized long reserved() {
        return reserved;
    }

    private void roll() {
        long now = Math.floorDiv(clock.getAsLong(), 1000);
        if (now != second) {
            second = now;
            used = 0;
        }
    }
}
