package dev.comet.core;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.guard.Guard;
import dev.comet.guard.QueryThrottle;
import dev.comet.guard.ReplyBudget;
import dev.comet.id.NodeId;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KnownMethods;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcDecodeException;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where every datagram enters the node: drops those of banned sources unread, decodes the rest, hands responses and
 * errors to {@link Transactions}, admits a query through the {@link Guard}'s throttle, routes it to the handler of
 * its method and sends the reply (within the guard's reply budget) or the error. Owns the method table and the
 * counters of queries received (by method), datagrams dropped as malformed, error replies sent and internal errors.
 * A bug in a handler becomes a 202 with no detail: exception text never leaves the node.
 */
final class QueryDispatch {
    /** Methods counted by name in the metrics; others count as "other". */
    private static final Set<String> COUNTED_METHODS = Set.of("ping", "find_node", "get_peers", "announce_peer",
            "get", "put", "comet_put", "comet_get", "comet_delete");

    /** Answers a query at once: the values of the reply, or a CometException for an error reply. */
    interface Handler {
        Dict answer(InetSocketAddress from, Dict args);
    }

    /**
     * Answers a query later (when a Lua handler has run): it sends its own reply through
     * {@link QueryDispatch#reply}. {@code datagram} is the query as it arrived.
     */
    interface DeferredHandler {
        void handle(InetSocketAddress from, KrpcQuery query, byte[] datagram, NodeId sender);
    }

    /** Hears of every node that queried us (not read-only ones: BEP 43 keeps them out of routing tables). */
    interface Listener {
        void queried(Contact contact, byte[] version);
    }

    /** Asks an address that is not yet verified to prove it is real (a ping), so that its next query gets its answer. */
    interface Prober {
        void probe(InetSocketAddress address);
    }

    private final NodeConfig config;
    private final Environment env;
    private final Guard guard;
    private final Prober prober;
    private final KrpcCodec codec;
    private final Datagrams datagrams;
    private final Transactions transactions;
    private final Listener listener;
    /** Stamps this node's coordinate on the answers to Comet nodes (docs/protocol.md, "vc"). */
    private final NodeCoordinates coordinates;
    /**
     * Each known method's handler and count, by its number ({@link KnownMethods}): one array read a query. The
     * handlers and the counts were three maps, then one, each a cache miss or two a query in a simulation of
     * thousands of nodes.
     */
    private final Route[] knownRoutes = new Route[KnownMethods.count()];
    /** The routes of methods registered that are not known ones (none in a node as built; tests add some). */
    private final Map<String, Route> otherRoutes = new HashMap<>();
    private boolean stopped;

    private long queriesReceived;
    /** Queries of methods not counted by name ({@link #COUNTED_METHODS}), known or not. */
    private long otherQueries;
    private long malformedDropped;
    private long errorRepliesSent;
    private long internalErrors;

    QueryDispatch(NodeConfig config, Environment env, KrpcCodec codec, Datagrams datagrams, Transactions transactions,
                  Guard guard, Prober prober, Listener listener, NodeCoordinates coordinates) {
        this.config = config;
        this.datagrams = datagrams;
        this.env = env;
        this.guard = guard;
        this.prober = prober;
        this.codec = codec;
        this.transactions = transactions;
        this.listener = listener;
        this.coordinates = coordinates;
        for (String method : COUNTED_METHODS) {
            route(method, true);
        }
    }

    /** What a method's queries get: its handler (at once or deferred), and their count when counted by name. */
    private static final class Route {
        final boolean counted;
        Handler handler;
        DeferredHandler deferred;
        long queries;

        Route(boolean counted) {
            this.counted = counted;
        }
    }

    void register(String method, Handler handler) {
        route(method, false).handler = handler;
    }

    void registerDeferred(String method, DeferredHandler handler) {
        route(method, false).deferred = handler;
    }

    /** The route of {@code method}, made ({@code counted} by name or not) when it has none. */
    private Route route(String method, boolean counted) {
        int number = KnownMethods.numberOf(method);
        if (number < 0) {
            return otherRoutes.computeIfAbsent(method, m -> new Route(counted));
        }
        if (knownRoutes[number] == null) {
            knownRoutes[number] = new Route(counted);
        }
        return knownRoutes[number];
    }

    /** The route of a query's method, or null when none was registered or counted. */
    private Route routeOf(String method) {
        int number = KnownMethods.numberOf(method);
        return number >= 0 ? knownRoutes[number] : otherRoutes.get(method);
    }

    /** Later datagrams are ignored. */
    void stop() {
        stopped = true;
    }

    /** A datagram arrived from {@code from}. Never throws: bad input is answered with an error or dropped. */
    void onDatagram(InetSocketAddress from, byte[] datagram) {
        if (stopped || guard.dropBanned(from, env.now())) {
            return;
        }
        if (datagram.length > config.maxDatagramBytes()) {
            malformedDropped++;
            return;
        }
        datagram = datagrams.received(from, datagram);
        if (datagram == null) {
            return; // a fragment: kept until its message is whole, or dropped
        }
        KrpcMessage message;
        try {
            message = codec.decode(datagram);
        } catch (KrpcDecodeException e) {
            malformedDropped++;
            if (e.replyTo() != null) {
                sendError(from, e.replyTo(), ErrorCode.PROTOCOL.krpcCode(), e.getMessage());
            }
            return;
        }
        try {
            if (message instanceof KrpcQuery q) {
                onQuery(from, q, datagram);
            } else if (message instanceof KrpcResponse r) {
                if (!transactions.onResponse(from, r)) {
                    guard.throttle().admit(from, env.now()); // an unsolicited answer costs its source a token
                }
            } else if (message instanceof KrpcError e) {
                if (!transactions.onError(from, e)) {
                    guard.throttle().admit(from, env.now());
                }
            }
        } catch (RuntimeException e) {
            // a bug of ours must not take the node down, and must not go unseen
            internalErrors++;
            if (message instanceof KrpcQuery q) {
                sendError(from, q.transactionId(), ErrorCode.INTERNAL.krpcCode(), "server error");
            }
        }
    }

    private void onQuery(InetSocketAddress from, KrpcQuery query, byte[] datagram) {
        QueryThrottle.Verdict verdict = guard.throttle().admitQuery(from, env.now());
        if (!verdict.admitted()) {
            return; // dropped without an answer (an answer would cost what the flood is meant to cost us)
        }
        guard.replies().queried(from, datagram.length);
        if (verdict == QueryThrottle.Verdict.ADMITTED_PROBE) {
            prober.probe(from); // a busy Comet querier that answers becomes a peer, with a peer's allowance
        }
        queriesReceived++;
        Route route = routeOf(query.method());
        if (route != null && route.counted) {
            route.queries++;
        } else {
            otherQueries++;
        }
        Dict reply;
        try {
            NodeId sender = query.arguments().id("id");
            if (!query.readOnly()) {
                listener.queried(env.contact(sender, from), query.version());
            }
            if (route != null && route.deferred != null) {
                route.deferred.handle(from, query, datagram, sender);
                return;
            }
            Handler handler = route == null ? null : route.handler;
            if (handler == null) {
                throw new CometException(ErrorCode.METHOD_UNKNOWN, "method unknown: " + query.method());
            }
            reply = handler.answer(from, query.arguments());
            if (ClientVersion.isComet(query.version())) {
                // only Comet nodes read it; other clients' answers stay the size the BEPs describe
                reply = coordinates.stamp(reply);
            }
        } catch (CometException e) {
            sendError(from, query.transactionId(), e.code().krpcCode(), e.getMessage());
            return;
        }
        send(from, query.transactionId(), codec.encode(new KrpcResponse(query.transactionId(), reply, ClientVersion.COMET, from)),
                false);
    }

    /**
     * Sends a reply within the reply budget: one too large for a source that never answered us is replaced by a
     * short 370 and the source is probed, so that its retry is answered; one over the node's bytes a second is
     * dropped. {@code tid} may be null (then it is read back from the reply when needed).
     */
    private void send(InetSocketAddress to, byte[] tid, byte[] datagram, boolean comet) {
        ReplyBudget.Verdict verdict = guard.mayReply(to, datagram.length, env.now());
        if (verdict == ReplyBudget.Verdict.SEND) {
            if (comet) {
                datagrams.sendComet(to, datagram);
            } else {
                datagrams.send(to, datagram);
            }
        } else if (verdict == ReplyBudget.Verdict.TOO_LARGE_UNVERIFIED) {
            byte[] id = tid;
            if (id == null) {
                try {
                    id = codec.decode(datagram).transactionId(); // our own reply: it decodes
                } catch (KrpcDecodeException e) {
                    internalErrors++;
                    return;
                }
            }
            sendError(to, id, ErrorCode.UNVERIFIED_SOURCE.krpcCode(), "the answer (" + datagram.length
                    + " bytes) is too large for an address that has not answered this node yet: answer its ping, then ask again");
            prober.probe(to);
        }
    }

    private void sendError(InetSocketAddress to, byte[] tid, int code, String message) {
        errorRepliesSent++;
        datagrams.send(to, codec.encode(new KrpcError(tid, code, message, ClientVersion.COMET)));
        guard.pacer().repliedTo(to, env.now()); // a matched error proves our address to the querier too
    }

    /** Sends again the reply remembered for a query that came again (a retry): past the budget, which it passed once. */
    void replyAgain(InetSocketAddress to, byte[] datagram) {
        datagrams.sendComet(to, datagram);
    }

    byte[] encode(KrpcMessage message) {
        return codec.encode(message);
    }

    /**
     * Sends a deferred handler's encoded reply, counting error replies. Deferred handlers answer Comet's own methods,
     * so the reply may travel in fragments.
     */
    void reply(InetSocketAddress to, byte[] datagram, boolean error) {
        if (error) {
            errorRepliesSent++;
        }
        send(to, null, datagram, true);
    }

    long queriesReceived() {
        return queriesReceived;
    }

    Map<String, Long> queriesByMethod() {
        Map<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < knownRoutes.length; i++) {
            if (knownRoutes[i] != null && knownRoutes[i].queries > 0) {
                counts.put(KnownMethods.name(i), knownRoutes[i].queries);
            }
        }
        otherRoutes.forEach((method, route) -> {
            if (route.queries > 0) {
                counts.put(method, route.queries);
            }
        });
        if (otherQueries > 0) {
            counts.put("other", otherQueries);
        }
        return counts;
    }

    long malformedDropped() {
        return malformedDropped;
    }

    long errorRepliesSent() {
        return errorRepliesSent;
    }

    long internalErrors() {
        return internalErrors;
    }
}
