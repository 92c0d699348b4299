package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * The state of an active storage object cannot be encoded (a function, a cycle, a metatable, too deep, too big...)
 * or a stored state cannot be decoded. The message names the offending field, e.g.
 * {@code state field 'a.b[3]' is a function: functions cannot be stored}.
 */
public final class StateException extends CometException {
    /** Why the state was refused; lets the runtime map {@link Reason#SIZE} to {@link Limit#STATE_SIZE}. */
    public enum Reason {
        /** A nested field holds a function. */
        FUNCTION,
        /** A field holds a userdata, a thread or another value that is not state. */
        UNSUPPORTED_VALUE,
        /** A key is not a string, a number or a boolean (or is NaN). */
        UNSUPPORTED_KEY,
        /** A table is reachable twice: a cycle or a table shared between fields. */
        SHARED_TABLE,
        /** A nested table has a metatable. */
        METATABLE,
        /** A field holds the object's global table ({@code _G}), which is its environment, not data. */
        GLOBALS,
        /** Tables nested deeper than allowed. */
        DEPTH,
        /** The encoded state is larger than allowed. */
        SIZE,
        /** The bytes given to the decoder are not a canonical encoded state. */
        MALFORMED
    }

    private final Reason reason;
    private final String path;

    StateException(Reason reason, String path, String message) {
        super(ErrorCode.BAD_INPUT, message);
        this.reason = reason;
        this.path = path;
    }

    public Reason reason() {
        return reason;
    }

    /** The offending field, as in the message ({@code a.b[3]}); empty when no field is to blame. */
    public String path() {
        return path;
    }
}
