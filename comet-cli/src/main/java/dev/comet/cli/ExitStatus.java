package dev.comet.cli;

import dev.comet.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CLI edge of the error catalogue: the exit status of each kind of outcome, mapped once from
 * {@link ErrorCode.Kind} and listed in every command's {@code --help} and in docs/errors.md. Three are not errors:
 * {@link #SUCCESS}; {@link #CHECK_FAILED}, a scenario that ran and found one of its checks false; and {@link #LOST},
 * a chaos run that ran and found an acknowledged write gone.
 */
public enum ExitStatus {
    SUCCESS(0, "success"),
    INTERNAL(1, "internal error: a bug, or a local I/O failure"),
    BAD_INPUT(2, "bad input: arguments, values, sizes, Lua that does not compile"),
    NOT_FOUND(3, "not found: no node holds the key or item"),
    REFUSED(4, "refused: a handler said no or failed, or a seq/cas check"),
    LIMIT(5, "limit: a handler hit a sandbox limit"),
    UNAVAILABLE(6, "unavailable: no node answered or could be reached in time"),
    BUSY(7, "busy: a node's handlers are busy; try again shortly"),
    FULL(8, "full: a node's store or object timers are full"),
    FORBIDDEN(9, "forbidden: not the owner, a replayed or stale request, no admin token"),
    CHECK_FAILED(10, "a check of sim --scenario failed (the report says which)"),
    LOST(11, "chaos lost an acknowledged write (the report names it)");

    private final int code;
    private final String description;

    ExitStatus(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The number the process exits with. */
    public int code() {
        return code;
    }

    /** What it means, as {@code --help} lists it (short enough for one line of an 80-column help). */
    public String description() {
        return description;
    }

    /** The one mapping of the CLI edge: an error's kind to the status the command exits with. */
    public static ExitStatus of(ErrorCode.Kind kind) {
        return switch (kind) {
            case BAD_INPUT, TOO_LARGE -> BAD_INPUT;
            case NOT_FOUND -> NOT_FOUND;
            case REFUSED -> REFUSED;
            case LIMIT -> LIMIT;
            case UNAVAILABLE -> UNAVAILABLE;
            case BUSY, RATE_LIMITED -> BUSY;
            case FULL -> FULL;
            case FORBIDDEN -> FORBIDDEN;
            case INTERNAL -> INTERNAL;
        };
    }

    /** The exit status of a catalogue entry. */
    public static ExitStatus of(ErrorCode code) {
        return of(code.kind());
    }

    /** Every status as picocli's exit code list: number, then meaning. */
    static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitStatus s : values()) {
            list.put(Integer.toString(s.code), s.description);
        }
        return list;
    }
}
