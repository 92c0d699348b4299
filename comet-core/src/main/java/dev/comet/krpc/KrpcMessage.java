package dev.comet.krpc;

/** One KRPC message (BEP 5): a query, a response or an error, each with its transaction id and client version. */
public sealed interface KrpcMessage permits KrpcQuery, KrpcResponse, KrpcError {
    /** The transaction id chosen by the querying node, echoed in its answer. */
    byte[] transactionId();

    /** The sender's client version ({@code v}), or null when absent. */
    byte[] version();
}
