package dev.comet.lua;

import dev.comet.ErrorCode;

/** A per-invocation sandbox limit; each has its own entry in the error catalogue and its own metric. */
public enum Limit {
    INSTRUCTIONS(ErrorCode.INSTRUCTION_LIMIT, "instruction limit exceeded"),
    MEMORY(ErrorCode.MEMORY_LIMIT, "memory limit exceeded"),
    TIME(ErrorCode.TIME_LIMIT, "time limit exceeded"),
    CALL_DEPTH(ErrorCode.CALL_DEPTH_LIMIT, "call depth limit exceeded"),
    STRING_SIZE(ErrorCode.STRING_SIZE_LIMIT, "string size limit exceeded"),
    STATE_SIZE(ErrorCode.STATE_SIZE_LIMIT, "state size limit exceeded"),
    CODE_SIZE(ErrorCode.CODE_SIZE_LIMIT, "code size limit exceeded"),
    REQUESTS(ErrorCode.REQUEST_LIMIT, "request limit exceeded"),
    REQUEST_RATE(ErrorCode.REQUEST_RATE_LIMIT, "request rate limit exceeded"),
    CHAINED_REQUEST(ErrorCode.CHAINED_REQUEST, "a handler run for another object's request may not send requests");

    private final ErrorCode errorCode;
    private final String message;

    Limit(ErrorCode errorCode, String message) {
        this.errorCode = errorCode;
        this.message = message;
    }

    /** The catalogue entry a requester gets. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The KRPC error code a requester gets. */
    public int code() {
        return errorCode.krpcCode();
    }

    public String message() {
        return message;
    }
}
