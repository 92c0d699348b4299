package dev.comet.krpc;

/** A KRPC error reply ({@code e}): a numeric code (BEP 5: 201–204; Comet: ≥ 300) and a message. */
public record KrpcError(byte[] transactionId, int code, String message, byte[] version) implements KrpcMessage {
    public static final int GENERIC = 201;
    public static final int SERVER = 202;
    public static final int PROTOCOL = 203;
    public static final int METHOD_UNKNOWN = 204;
}
