package dev.comet.client;

import dev.comet.ErrorCode;

import java.util.Locale;

/**
 * The HTTP edge of the error catalogue: one constant per {@link ErrorCode.Kind}, each with its status. The gateway
 * answers an error with {@link #status()} and {@code {"error": code(), "code": N, "name": …, "message": …}}; both
 * clients throw {@link CometClientException}, whose {@link CometClientException#error()} is one of these.
 */
public enum ApiError {
    /** Malformed input: bad JSON, wrong types, bad hex, values out of range, an invalid signature, code that does not compile. */
    BAD_INPUT(400),
    /** No replica holds the key (or no node holds the item), or the route does not exist. */
    NOT_FOUND(404),
    /** The request or its value is too large (body, key, code, BEP 44 value or salt). */
    TOO_LARGE(413),
    /** Not the object's owner (or a replayed, stale or unsigned request), or no valid admin token for its state. */
    FORBIDDEN(403),
    /** A handler refused (answered false or failed), or a BEP 44 seq/cas check failed. */
    REFUSED(422),
    /** A handler hit one of the sandbox's limits (instructions, memory, requests, …). */
    LIMIT(422),
    /** The gateway is at its limit of requests in flight; retry after {@code Retry-After}. */
    RATE_LIMITED(429),
    /** A bug of the gateway or node; the message carries no detail (it is logged on the node). */
    INTERNAL(500),
    /** No replica could be reached, or the operation did not finish in time. */
    UNAVAILABLE(503),
    /** The node's handlers have spent their instruction budget for this second; retry after {@code Retry-After}. */
    BUSY(503),
    /** A node is full: its store quota or its object timers are used up; nothing was stored. */
    FULL(507);

    /** Seconds a client should wait before retrying a {@link #BUSY} or {@link #RATE_LIMITED} request. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private final int status;

    ApiError(int status) {
        this.status = status;
    }

    /** The HTTP status the gateway answers with. */
    public int status() {
        return status;
    }

    /** The {@code error} field of a JSON error body: the name in lower case, e.g. {@code "refused"}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when the answer carries {@code Retry-After}: the node or gateway is busy for a moment, not broken. */
    public boolean retryLater() {
        return this == BUSY || this == RATE_LIMITED;
    }

    /** The one mapping of the HTTP edge: an error's kind to its status and {@code error} name. */
    public static ApiError of(ErrorCode.Kind kind) {
        return switch (kind) {
            case BAD_INPUT -> BAD_INPUT;
            case TOO_LARGE -> TOO_LARGE;
            case NOT_FOUND -> NOT_FOUND;
            case REFUSED -> REFUSED;
            case LIMIT -> LIMIT;
            case UNAVAILABLE -> UNAVAILABLE;
            case BUSY -> BUSY;
            case FULL -> FULL;
            case RATE_LIMITED -> RATE_LIMITED;
            case FORBIDDEN -> FORBIDDEN;
            case INTERNAL -> INTERNAL;
        };
    }

    /** The kind at the HTTP edge of a catalogue entry. */
    public static ApiError of(ErrorCode code) {
        return of(code.kind());
    }
}
