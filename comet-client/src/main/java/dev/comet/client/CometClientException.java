package dev.comet.client;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * A failed client operation: the catalogue's error (its {@link ErrorCode} and a message for people), the same from
 * the embedded client, the HTTP client and the CLI; {@link #error()} is its kind at the HTTP edge.
 */
public class CometClientException extends RuntimeException {
    private final CometError failure;

    public CometClientException(CometError error) {
        super(error.message());
        this.failure = error;
    }

    public CometClientException(ErrorCode code, String message) {
        this(new CometError(code, message));
    }

    /** The client's failure for a {@link CometException} thrown below it: the same code and message. */
    public static CometClientException of(CometException e) {
        return new CometClientException(e.error());
    }

    /** What kind of failure it was, as the HTTP gateway answers it (status and {@code error} name). */
    public ApiError error() {
        return ApiError.of(failure.code());
    }

    /** The catalogue entry (docs/errors.md): its number, kind, meaning and remedy. */
    public ErrorCode code() {
        return failure.code();
    }

    /** The error as a value, e.g. to pass on to another layer. */
    public CometError toError() {
        return failure;
    }
}
