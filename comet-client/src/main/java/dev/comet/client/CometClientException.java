package dev.comet.client;

/** A failed client operation: its {@link ApiError} kind (and so its HTTP status) and a message for people. */
public class CometClientException extends RuntimeException {
    private final ApiError error;

    public CometClientException(ApiError error, String message) {
        super(message);
        this.error = error;
    }

    /** What kind of failure it was. */
    public ApiError error() {
        return error;
    }
}
