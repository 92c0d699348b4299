package dev.comet.krpc;

/**
 * A KRPC query: method name ({@code q}) and arguments ({@code a}); {@code readOnly} is BEP 43's top-level
 * {@code ro = 1}: the sender asks but will not answer, so it must not enter routing tables.
 */
public record KrpcQuery(byte[] transactionId, String method, Dict arguments, byte[] version, boolean readOnly)
        implements KrpcMessage {
    /** A query from a full (answering) node. */
    public KrpcQuery(byte[] transactionId, String method, Dict arguments, byte[] version) {
        this(transactionId, method, arguments, version, false);
    }
}
