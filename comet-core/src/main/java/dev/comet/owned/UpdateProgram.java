package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A guarded update of an owned object's value, OceanStore's update model (docs/owned-objects.md): an ordered list of
 * clauses, of which the first whose guards all hold is applied, atomically; when none holds the update aborts and the
 * value stays as it was. Pure and node-independent: the node orders updates and keeps versions, this only says what
 * one update does to one value. An immutable value; its wire form is {@link #encode} (docs/protocol.md §3.10).
 */
public record UpdateProgram(List<Clause> clauses) {
    /** Most clauses in one update: enough for a few alternatives, small enough to bound a node's work. */
    public static final int MAX_CLAUSES = 16;

    public UpdateProgram {
        if (clauses == null) {
            throw new CometException(ErrorCode.UPDATE_INVALID, "an update program needs its clauses");
        }
        for (Clause c : clauses) {
            if (c == null) {
                throw new CometException(ErrorCode.UPDATE_INVALID, "an update program's clauses must all be given");
            }
        }
        if (clauses.isEmpty() || clauses.size() > MAX_CLAUSES) {
            throw new CometException(ErrorCode.UPDATE_INVALID, "an update program has " + clauses.size()
                    + " clauses; it needs 1 to " + MAX_CLAUSES);
        }
        clauses = List.copyOf(clauses);
    }

    /** A program of one clause: {@code then} when all of {@code when} hold. */
    public static UpdateProgram of(List<Guard> when, List<Edit> then) {
        return new UpdateProgram(List.of(new Clause(when, then)));
    }

    /** The canonical bencoding: one program has one encoding, so a signature over it names one program. */
    public byte[] encode() {
        return UpdateProgramCodec.encode(this);
    }

    /**
     * The program {@code bytes} encode. Strict: anything but the canonical encoding of a valid program is refused,
     * with {@link ErrorCode#PROTOCOL} when it is malformed (not bencode, wrong types, unknown names) and {@link
     * ErrorCode#UPDATE_INVALID} when it is well formed but out of bounds (a negative offset, too many clauses).
     */
    public static UpdateProgram decode(byte[] bytes) {
        return UpdateProgramCodec.decode(bytes);
    }

    /**
     * What this update does to an object at {@code version} holding {@code value}: the first clause whose guards hold,
     * applied, or the value unchanged (clause -1) when none holds. An edit out of range fails the whole update with
     * {@link ErrorCode#UPDATE_INVALID}, as does a result over {@code maxValueBytes}; {@code value} is never modified.
     */
    public Outcome apply(long version, byte[] value, int maxValueBytes) {
        if (value == null || maxValueBytes < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "an update applies to a value, with a limit of at least 0 bytes");
        }
        for (int i = 0; i < clauses.size(); i++) {
            Clause c = clauses.get(i);
            if (c.holds(version, value)) {
                byte[] result = c.applyTo(value);
                if (result.length > maxValueBytes) {
                    throw new CometException(ErrorCode.UPDATE_INVALID, "clause " + (i + 1) + " (" + c.describe()
                            + ") would make the value " + result.length + " bytes; at most " + maxValueBytes);
                }
                return new Outcome(i, result);
            }
        }
        return new Outcome(Outcome.ABORTED, value);
    }

    /** One line for logs and the CLI, e.g. {@code if version=3: append 5 bytes; else always: truncate to 0 bytes}. */
    public String describe() {
        return clauses.stream().map(Clause::describe).collect(Collectors.joining("; else "));
    }

    /**
     * What an update did: the index of the clause applied (from 0; messages for people count clauses from 1) and the
     * value it left, or {@link #ABORTED} and the value as it was. An abort is an outcome, not an error: the requester
     * learns that no guard held and can read and retry.
     */
    public record Outcome(int clause, byte[] value) {
        /** The clause index of an update none of whose clauses held. */
        public static final int ABORTED = -1;

        /** True when a clause was applied (the value may still be equal, e.g. after appending nothing). */
        public boolean applied() {
            return clause != ABORTED;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && clause == other.clause && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return 31 * clause + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Outcome[clause=" + clause + ", value=" + HexFormat.of().formatHex(value) + "]";
        }
    }
}
