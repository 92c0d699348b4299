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
    /** BEP 44 205: the bencoded value is over 1,000 bytes. */
    ITEM_TOO_BIG(205),
    /** BEP 44 206: the signature does not verify. */
    INVALID_SIGNATURE(206),
    /** BEP 44 207: the salt is over 64 bytes. */
    SALT_TOO_BIG(207),
    /** BEP 44 301: the stored sequence number is not the {@code cas} the writer expected. */
    CAS_MISMATCH(301),
    /** BEP 44 302: the sequence number is lower than the stored one (or equal with another value). */
    SEQ_TOO_LOW(302),
    /** Comet: the node's store quota is used up; nothing already stored was dropped for the new record. */
    STORE_FULL(310),
    /** Comet: the node already runs as many object timers as it allows; an object with one more is refused. */
    TIMERS_FULL(311),
    /** Comet: the node's handlers have used their instruction budget for this second; new invocations wait for the next. */
    HANDLERS_BUSY(312),
    /** Comet: a handler refused the request (answered false) or failed; the message says which and why. */
    HANDLER_REFUSED(330),
    /** Comet: this node cannot run active objects. */
    NO_RUNTIME(331),
    /** What was asked for does not exist (an item nobody holds); relayed as a generic error. */
    NOT_FOUND(201),
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
