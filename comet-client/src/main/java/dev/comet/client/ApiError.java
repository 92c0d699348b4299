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

    /** The kind of a local {@link CometException}. */
    public static ApiError of(ErrorCode code) {
        return switch (code) {
            case BAD_INPUT, PROTOCOL, METHOD_UNKNOWN, INVALID_SIGNATURE -> BAD_INPUT;
            case NOT_FOUND -> NOT_FOUND;
            case ITEM_TOO_BIG, SALT_TOO_BIG -> TOO_LARGE;
            case HANDLER_REFUSED, NO_RUNTIME, CAS_MISMATCH, SEQ_TOO_LOW, TIMERS_FULL -> REFUSED;
            case STORE_FULL -> STORE_FULL;
            case TIMEOUT -> UNAVAILABLE;
            case HANDLERS_BUSY -> RATE_LIMITED;
            case GENERIC, SERVER, IO -> INTERNAL;
        };
    }

    /**
     * The kind of a KRPC error code a remote node answered with: 310 (store full) → {@link #STORE_FULL}; 312 (the
     * node's handlers are busy for this second) → {@link #RATE_LIMITED}; 326 (code
     * size) and BEP 44's 205/207 → {@link #TOO_LARGE}; any other Comet code ≥ 300 (refusals, limits, seq/cas) →
     * {@link #REFUSED}; 203/206 → {@link #BAD_INPUT}; the rest (201, 202, 204: a failing or foreign node) →
     * {@link #UNAVAILABLE}.
     */
    public static ApiError ofKrpc(int krpcCode) {
        if (krpcCode == ErrorCode.STORE_FULL.krpcCode()) {
            return STORE_FULL;
        }
        if (krpcCode == CODE_SIZE || krpcCode == ErrorCode.ITEM_TOO_BIG.krpcCode() || krpcCode == ErrorCode.SALT_TOO_BIG.krpcCode()) {
            return TOO_LARGE;
        }
        if (krpcCode == ErrorCode.HANDLERS_BUSY.krpcCode()) {
            return RATE_LIMITED;
        }
        if (krpcCode >= 300) {
            return REFUSED;
        }
        if (krpcCode == ErrorCode.PROTOCOL.krpcCode() || krpcCode == ErrorCode.INVALID_SIGNATURE.krpcCode()) {
            return BAD_INPUT;
        }
        return UNAVAILABLE;
    }

    /** The kind of a refusal string of a write ("330 onPut refused the object"); {@link #UNAVAILABLE} without a code. */
    public static ApiError ofRefusal(String refusal) {
        int space = refusal.indexOf(' ');
        try {
            return ofKrpc(Integer.parseInt(space < 0 ? refusal : refusal.substring(0, space)));
        } catch (NumberFormatException e) {
            return UNAVAILABLE; // "no answer", "no write token": the node was not reachable in time
        }
    }

    /** The exception for {@code e}: its kind, and its message (which Comet writes for people). */
    public static CometClientException exception(CometException e) {
        return new CometClientException(of(e.code()), e.getMessage());
    }

    /** KRPC code of the sandbox's code size limit (comet-lua's Limit.CODE_SIZE). */
    private static final int CODE_SIZE = 326;
}
