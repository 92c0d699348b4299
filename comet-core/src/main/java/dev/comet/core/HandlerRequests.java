package dev.comet.core;

import dev.comet.CometError;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoRequest;
import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.owned.ObjectSignature;
import dev.comet.routing.Contact;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sends the requests a handler asked for ({@code comet.put}, {@code comet.get}, a get from the replicas of a key,
 * which {@link ObjectClient} finds as it does for a client) once its invocation succeeded,
 * marked with the asking object so that the handlers they trigger may not ask further. Answers to a
 * {@code comet.get} go to the {@link Answers} listener, which runs the named handler. Owns the count of requests
 * sent.
 */
final class HandlerRequests {
    /**
     * Hears each answer to a handler's {@code comet.get}; {@code later} is the get waiting for it
     * ({@link LaterAnswers}), or {@link LaterAnswers#NONE}.
     */
    interface Answers {
        void answered(NodeId owner, String handler, AsoCall.Answer answer, long later);
    }

    private final NodeId id;
    private final Environment env;
    private final ObjectConfig settings;
    private final ObjectStorage objects;
    private final Transactions transactions;
    private final RemoteStore remote;
    private final ObjectClient replicas;
    private Answers answers;
    private long sent;

    HandlerRequests(NodeId id, Environment env, ObjectConfig settings, ObjectStorage objects, Transactions transactions,
                    RemoteStore remote, ObjectClient replicas) {
        this.id = id;
        this.env = env;
        this.settings = settings;
        this.objects = objects;
        this.transactions = transactions;
        this.remote = remote;
        this.replicas = replicas;
    }

    void onAnswer(Answers answers) {
        this.answers = answers;
    }

    /** Sends what a handler of {@code owner} asked for. */
    void send(NodeId owner, List<AsoRequest> requests) {
        send(owner, requests, LaterAnswers.NONE);
    }

    /** Sends what an onGet of {@code owner} asked for, whose answers the get {@code later} waits for. */
    void send(NodeId owner, List<AsoRequest> requests, long later) {
        if (requests.isEmpty()) {
            return;
        }
        long now = env.now();
        // a put travels with the sender's remaining lifetime and replica count
        Optional<StoredObject> sender = objects.get(owner, now);
        long ttl = sender.map(o -> (o.expiresAtMillis() - now) / 1000).orElse(settings.ttlMillis() / 1000);
        int replicas = sender.map(StoredObject::replicas).orElse(settings.replicas());
        for (AsoRequest r : requests) {
            if (r instanceof AsoRequest.GetFromReplicas g) {
                sent++;
                askReplicas(owner, g, later);
            }
            for (Contact to : r.to()) {
                sent++;
                if (r instanceof AsoRequest.Put p) {
                    if (ttl > 0) {
                        byte[] state = p.replica() ? p.state() : null;
                        // comet.put(self, nodes) re-stores a signed object with its owner's signature, which the
                        // receiver checks; a new object a handler makes is unsigned (a node holds no owner's key)
                        ObjectSignature signature = !p.replica() ? null : sender
                                .filter(o -> Arrays.equals(o.code(), p.code())).map(StoredObject::signature).orElse(null);
                        remote.storeOn(to, p.key(), "comet_put", token -> CometPut.args(id, p.key(), token, p.code(),
                                state, p.replica(), ttl, replicas, owner, signature));
                    }
                } else if (r instanceof AsoRequest.Get g) {
                    ask(owner, to, g, later);
                }
            }
        }
    }

    private void ask(NodeId owner, Contact to, AsoRequest.Get g, long later) {
        Dict.Builder args = Dict.builder().put("id", id).put("k", g.key()).put("aso", owner);
        if (!g.args().isEmpty()) {
            args.put("a", new TreeMap<String, Object>(g.args()));
        }
        transactions.send(to.address(), to.id(), "comet_get", args.build(), new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                boolean found = response.values().has("found");
                answers.answered(owner, g.handler(), new AsoCall.Answer(to, found ? response.values().map().get("v") : null,
                        found ? null : new CometError(ErrorCode.NOT_FOUND, "no such object")), later);
            }

            @Override
            public void onError(KrpcError error) {
                answers.answered(owner, g.handler(), new AsoCall.Answer(to, null,
                        CometError.ofKrpc(error.code(), error.message())), later);
            }

            @Override
            public void onFailure() {
                answers.answered(owner, g.handler(), new AsoCall.Answer(to, null, Transactions.NO_ANSWER), later);
            }
        });
    }

    /**
     * Asks the closest replica of {@code g}'s key that answers, found as a client's get finds it, marked with the
     * asking object as every handler's request is. The handler hears the answer, the refusal, or why there was none:
     * not found (from no node) when no replica holds the object, the first failure when none could be asked.
     */
    private void askReplicas(NodeId owner, AsoRequest.GetFromReplicas g, long later) {
        replicas.getWith(g.key(), g.args(), java.util.Map.of("aso", owner), found -> {
            ObjectAnswer first = found.isEmpty() ? null : found.get(0);
            answers.answered(owner, g.handler(), first == null
                    ? new AsoCall.Answer(null, null, new CometError(ErrorCode.NOT_FOUND, "no replica holds the object"))
                    : new AsoCall.Answer(first.replica(), first.value(), first.error()), later);
        });
    }

    long sent() {
        return sent;
    }
}
