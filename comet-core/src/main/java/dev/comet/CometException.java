package dev.comet;

/**
 * The one error type Comet code throws: a machine-readable {@link ErrorCode} and a message a person can read.
 * Each edge (KRPC error reply, CLI exit code, HTTP status) maps its kind once.
 */
public class CometException extends RuntimeException {
    private final ErrorCode code;

    public CometException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public CometException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** This exception as an error value. */
    public CometError error() {
        return new CometError(code, getMessage() == null ? code.meaning() : getMessage());
    }
}
