package dev.comet.krpc;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * A datagram that is not a valid KRPC message. When it was recognisably a query with a transaction id,
 * {@link #replyTo()} holds that id so the node can answer with error 203; otherwise the datagram is dropped.
 */
public final class KrpcDecodeException extends CometException {
    private final byte[] replyTo;

    public KrpcDecodeException(String message, byte[] replyTo) {
        super(ErrorCode.PROTOCOL, message);
        this.replyTo = replyTo;
    }

    /** The transaction id to send error 203 to, or null when the datagram must be dropped silently. */
    public byte[] replyTo() {
        return replyTo;
    }
}
