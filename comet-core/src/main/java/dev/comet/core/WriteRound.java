package dev.comet.core;

import dev.comet.CometError;
import dev.comet.id.NodeId;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Collects where one write (a put or a delete, of an item or an object) went, and reports a {@link WriteOutcome}
 * once every target has accepted, refused or stayed silent. Owns the lists of one round; node thread only.
 */
final class WriteRound {
    private final NodeId target;
    private final List<Contact> accepted = new ArrayList<>();
    private final Map<Contact, CometError> refused = new HashMap<>();
    private final Countdown countdown;

    WriteRound(NodeId target, int targets, Consumer<WriteOutcome> done) {
        this.target = target;
        this.countdown = new Countdown(targets, () -> done.accept(new WriteOutcome(target, accepted, refused)));
    }

    /** The target did what was asked. */
    void accepted(Contact c) {
        accepted.add(c);
        countdown.countDown();
    }

    /** The target answered but had nothing to do (a delete of an object it does not hold). */
    void absent() {
        countdown.countDown();
    }

    void refused(Contact c, CometError why) {
        refused.put(c, why);
        countdown.countDown();
    }

    /** A query callback that counts an answer as accepted and an error or silence as a refusal. */
    QueryCallback callback(Contact c) {
        return new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                accepted(c);
            }

            @Override
            public void onError(KrpcError error) {
                refused(c, CometError.ofKrpc(error.code(), error.message()));
            }

            @Override
            public void onFailure() {
                refused(c, Transactions.NO_ANSWER);
            }
        };
    }

    NodeId target() {
        return target;
    }
}
