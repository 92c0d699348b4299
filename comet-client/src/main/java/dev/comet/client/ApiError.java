package dev.comet.client;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.util.Locale;

/**
 * The kinds of failure a Comet client sees, each with its HTTP status: the one place where Comet's error codes
 * ({@link ErrorCode}, KRPC codes from remote nodes) become what a client is told. The gateway answers with
 * {@link #status()} and {@code {"error": name(), "message": …}}; both clients throw {@link CometClientException}.
 */
public enum ApiError {
    /** Malformed input: bad JSON, wrong types, bad hex, values out of range, an invalid signature. */
    BAD_INPUT(400),
    /** No replica holds the key (or no node holds the item), or the route does not exist. */
    NOT_FOUND(404),
    /** The request or its value is too large (body, code, BEP 44 value or salt). */
    TOO_LARGE(413),
    /** A handler refused (answered false or failed), hit a sandbox limit, or a BEP 44 seq/cas check failed. */
    REFUSED(422),
    /** The gateway is at its limit of requests in flight; retry after a moment. */
    RATE_LIMITED(429),
    /** A bug of the gateway or node; the message carries no detail (it is logged on the node). */
    INTERNAL(500),
    /** No replica could be reached, or the operation did not finish in time. */
    UNAVAILABLE(503),
    /** The nodes' stores are full (KRPC 310): nothing was stored. */
    STORE_FULL(507);

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

    /** The kind named by an {@code error} field; {@link #INTERNAL} for a name this client does not know. */
    public static ApiError fromCode(String code) {
        for (ApiError e : values()) {
            if (e.code().equals(code)) {
                return e;
            }
        }
        return INTERNAL;
    }

    /** The client's kind of an error of the catalogue: one mapping, by the error's kind. */
    public static ApiError of(ErrorCode code) {
        return switch (code.kind()) {
            case BAD_INPUT -> BAD_INPUT;
            case TOO_LARGE -> TOO_LARGE;
            case NOT_FOUND -> NOT_FOUND;
            case REFUSED, LIMIT -> REFUSED;
            case UNAVAILABLE, BUSY -> UNAVAILABLE;
            case FULL -> STORE_FULL;
            case RATE_LIMITED -> RATE_LIMITED;
            case INTERNAL -> INTERNAL;
        };
    }

    /** The exception for {@code e}: its kind, and its message (which Comet writes for people). */
    public static CometClientException exception(CometException e) {
        return new CometClientException(of(e.code()), e.getMessage());
    }
}
