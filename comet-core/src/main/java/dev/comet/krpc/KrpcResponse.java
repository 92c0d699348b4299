package dev.comet.krpc;

import java.net.InetSocketAddress;

/**
 * A KRPC response ({@code r}); {@code observedAddress} is the BEP 42 {@code ip} field, the querier's address as
 * the responder saw it, or null.
 */
public record KrpcResponse(byte[] transactionId, Dict values, byte[] version, InetSocketAddress observedAddress)
        implements KrpcMessage {
}
