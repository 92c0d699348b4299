package dev.comet;

/** Comet's error codes; {@link #krpcCode()} is the number sent in a KRPC error reply (BEP 5, and ≥ 300 for Comet's own). */
public enum ErrorCode {
    /** BEP 5 201: generic error. */
    GENERIC(201),
    /** BEP 5 202: the server failed. */
    SERVER(202),
    /** BEP 5 203: malformed packet, invalid arguments or bad token. */
    PROTOCOL(203),
    /** BEP 5 204: method unknown. */
    METHOD_UNKNOWN(204),
    /** A request got no answer in time; local only, sent as a generic error if ever relayed. */
    TIMEOUT(201),
    /** The user gave bad input (command line, configuration); relayed as a protocol error. */
    BAD_INPUT(203),
    /** An I/O failure of the local runtime (socket, data directory); relayed as a server error. */
    IO(202);

    private final int krpcCode;

    ErrorCode(int krpcCode) {
        this.krpcCode = krpcCode;
    }

    public int krpcCode() {
        return krpcCode;
    }
}
