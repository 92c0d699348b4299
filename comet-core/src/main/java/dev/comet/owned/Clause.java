package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One (predicate, actions) pair of an update program: when all of {@code when} hold (an empty {@code when} always
 * holds), {@code then} is applied, edit after edit, each to the value the previous one left. An immutable value.
 */
public record Clause(List<Guard> when, List<Edit> then) {
    /** Most guards in one clause: a predicate, not a program; it bounds the work a node does per update. */
    public static final int MAX_GUARDS = 16;
    /** Most edits in one clause, for the same reason. */
    public static final int MAX_EDITS = 16;

    public Clause {
        if (!allGiven(when) || !allGiven(then)) {
            throw new CometException(ErrorCode.UPDATE_INVALID, "a clause's guards and edits must all be given");
        }
        if (when.size() > MAX_GUARDS) {
            throw new CometException(ErrorCode.UPDATE_INVALID, "a clause has " + when.size() + " guards; at most "
                    + MAX_GUARDS);
        }
        if (then.isEmpty() || then.size() > MAX_EDITS) {
            throw new CometException(ErrorCode.UPDATE_INVALID, "a clause has " + then.size() + " edits; it needs 1 to "
                    + MAX_EDITS);
        }
        when = List.copyOf(when);
        then = List.copyOf(then);
    }

    /** Null-safe for any list: List.of's own contains(null) throws instead of answering. */
    private static boolean allGiven(List<?> items) {
        if (items == null) {
            return false;
        }
        for (Object o : items) {
            if (o == null) {
                return false;
            }
        }
        return true;
    }

    /** True when every guard holds for the object's {@code version} and {@code value}. */
    public boolean holds(long version, byte[] value) {
        for (Guard g : when) {
            if (!g.holds(version, value)) {
                return false;
            }
        }
        return true;
    }

    /** The value after all the edits, in order; the first that is out of range fails the whole clause. */
    public byte[] applyTo(byte[] value) {
        byte[] v = value;
        for (Edit e : then) {
            v = e.applyTo(v);
        }
        return v;
    }

    /** E.g. {@code if version=3 and size=10: append 5 bytes}, or {@code always: truncate to 0 bytes}. */
    public String describe() {
        String edits = then.stream().map(Edit::describe).collect(Collectors.joining(", then "));
        if (when.isEmpty()) {
            return "always: " + edits;
        }
        return "if " + when.stream().map(Guard::describe).collect(Collectors.joining(" and ")) + ": " + edits;
    }
}
