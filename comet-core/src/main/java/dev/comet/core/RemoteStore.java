package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Stores a record on one node whose write token we do not hold: a BEP 44 {@code get} for the token (it runs no
 * handler), then the store query ({@code put} for an item, {@code comet_put} for an object). Fire and forget:
 * replication and handlers' requests use it, and nobody waits for the outcome. Stateless.
 */
final class RemoteStore {
    private final NodeId id;
    private final Transactions transactions;

    RemoteStore(NodeId id, Transactions transactions) {
        this.id = id;
        this.transactions = transactions;
    }

    /**
     * Asks {@code to} for a token for {@code key}, then sends {@code method} with the arguments {@code withToken}
     * makes of it (null: nothing to send any more).
     */
    void storeOn(Contact to, NodeId key, String method, Function<byte[], Dict> withToken) {
        storeOn(to, key, method, withToken, values -> { });
    }

    /** As above; {@code answered} gets the values of the store's response, if one comes. */
    void storeOn(Contact to, NodeId key, String method, Function<byte[], Dict> withToken, Consumer<Dict> answered) {
        transactions.send(to.address(), to.id(), "get", Dict.builder().put("id", id).put("target", key).build(),
                new QueryCallback() {
                    @Override
                    public void onResponse(Contact from, KrpcResponse response) {
                        if (!response.values().has("token")) {
                            return;
                        }
                        Dict args = withToken.apply(response.values().bytes("token"));
                        if (args != null) {
                            transactions.send(to.address(), to.id(), method, args, new QueryCallback() {
                                @Override
                                public void onResponse(Contact from, KrpcResponse stored) {
                                    answered.accept(stored.values());
                                }

                                @Override
                                public void onFailure() {
                                }
                            });
                        }
                    }

                    @Override
                    public void onFailure() {
                    }
                });
    }
}
