package dev.comet.core;

import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;

/** What the sender of a query wants to hear of it; exactly one of onResponse, onError or onFailure is called. */
interface QueryCallback {
    /** For queries whose outcome nobody waits for. */
    QueryCallback IGNORE = new QueryCallback() {
        @Override
        public void onResponse(Contact from, KrpcResponse response) {
        }

        @Override
        public void onFailure() {
        }
    };

    void onResponse(Contact from, KrpcResponse response);

    /** Timed out after every attempt, or answered with an error (unless {@link #onError} is overridden). */
    void onFailure();

    /** The node answered with an error reply. */
    default void onError(KrpcError error) {
        onFailure();
    }

    /** The query was sent again after a silent attempt ("late": a lookup may move on). */
    default void onRetry() {
    }
}
