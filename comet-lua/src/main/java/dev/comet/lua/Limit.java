package dev.comet.lua;

/** The limits a handler can run into; each has its own error code for the requester and its own metric. */
public enum Limit {
    INSTRUCTIONS(320, "instruction limit exceeded"),
    MEMORY(321, "memory limit exceeded"),
    TIME(322, "time limit exceeded"),
    CALL_DEPTH(323, "call depth limit exceeded"),
    STRING_SIZE(324, "string size limit exceeded"),
    STATE_SIZE(325, "state size limit exceeded"),
    CODE_SIZE(326, "code size limit exceeded"),
    REQUESTS(327, "request limit exceeded"),
    REQUEST_RATE(328, "request rate limit exceeded"),
    CHAINED_REQUEST(329, "a handler run for another object's request may not send requests");

    private final int code;
    private final String message;

    Limit(int code, String message) {
        this.code = code;
        this.message = message;
    }

    /** The KRPC error code a requester gets. */
    public int code() {
        return code;
    }

    public String message() {
        return message;
    }
}
