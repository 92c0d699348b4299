package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoRequest;
import dev.comet.aso.AsoRuntime;
import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectMeta;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;
import dev.comet.storage.StoreFullException;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The active objects of one node (DESIGN.md §3, §4): serves {@code comet_put}, {@code comet_get} and
 * {@code comet_delete}, runs object timers, re-stores objects on the nodes now closest to them, and sends the
 * requests handlers ask for. Handlers run in the node's {@link AsoRuntime}; their outcomes come back here.
 * Owned by its {@link Node}; like it, used only on the node's thread. It owns the object timers and the cache of
 * recent answers.
 */
final class ActiveObjects {
    /** Answers to recent comet_* queries remembered so a retry is answered without running a handler twice. */
    private static final int MAX_REMEMBERED_REPLIES = 4096;
    private static final byte[] IN_FLIGHT = new byte[0];

    private final Node node;
    private final Environment env;
    private final NodeConfig config;
    private final ObjectConfig settings;
    private final ObjectStorage objects;
    private final Map<NodeId, ObjectTimer> timers = new HashMap<>();
    private final Map<String, byte[]> replies = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > MAX_REMEMBERED_REPLIES;
        }
    };

    private long timerRuns;
    private long timersRefused;
    private long requestsSent;
    private long replicaStores;

    private record ObjectTimer(long intervalMillis, Environment.Timer timer) {
    }

    ActiveObjects(Node node, Environment env, NodeConfig config) {
        this.node = node;
        this.env = env;
        this.config = config;
        this.settings = config.objects();
        this.objects = new ObjectStorage(env.store());
    }

    ObjectStats stats() {
        return new ObjectStats(timers.size(), timerRuns, timersRefused, requestsSent, replicaStores);
    }

    /** After a restart: the timers of the objects this node still holds run again. */
    void resume() {
        long now = env.now();
        for (StoredObject o : objects.all(now, Integer.MAX_VALUE)) {
            updateTimer(o.key(), o.meta().timerMillis());
        }
    }

    void stop() {
        timers.values().forEach(t -> t.timer().cancel());
        timers.clear();
    }

    private AsoRuntime runtime() {
        return env.asoRuntime();
    }

    // ---------------------------------------------------------------- server side

    /**
     * A comet_* query ({@code datagram} as it arrived) runs a handler, which must not run twice for one request: a
     * retry of a query still being handled is dropped, and a retry of one already answered gets the same answer again.
     */
    void onQuery(InetSocketAddress from, KrpcQuery query, byte[] datagram, NodeId sender) {
        // transaction ids are 16 bits and wrap within seconds under load: a retry is the same datagram again, so the
        // key holds a hash of its bytes too, and a new query that reuses an old id is not answered from memory
        String requestKey = from + "/" + HexFormat.of().formatHex(query.transactionId()) + "/" + Arrays.hashCode(datagram);
        byte[] earlier = replies.get(requestKey);
        if (earlier != null) {
            if (earlier.length > 0) {
                env.send(from, earlier);
            }
            return;
        }
        replies.put(requestKey, IN_FLIGHT);
        Reply reply = new Reply(from, query.transactionId(), requestKey);
        try {
            handle(from, query, sender, reply);
        } catch (CometException e) {
            reply.error(e.error());
        }
    }

    /** Where the answer to one comet_* query goes; it is remembered for retries. */
    private final class Reply {
        final InetSocketAddress to;
        final byte[] tid;
        final String requestKey;

        Reply(InetSocketAddress to, byte[] tid, String requestKey) {
            this.to = to;
            this.tid = tid;
            this.requestKey = requestKey;
        }

        void ok(Dict values) {
            send(new KrpcResponse(tid, values, Node.VERSION, to));
        }

        void error(CometError error) {
            // a handler's error message can be long (a Lua error carries its value): keep the reply small
            send(new KrpcError(tid, error.code().krpcCode(), CometError.bounded(error.message()), Node.VERSION));
        }

        void error(ErrorCode code, String message) {
            error(new CometError(code, message));
        }

        void failed(AsoOutcome outcome) {
            error(outcome.error());
        }

        private void send(KrpcMessage message) {
            byte[] datagram = node.encode(message);
            if (datagram.length > config.maxDatagramBytes() && message instanceof KrpcResponse) {
                // an answer a datagram cannot carry: say so instead of sending what the requester would drop
                datagram = node.encode(new KrpcError(tid, ErrorCode.ANSWER_TOO_BIG.krpcCode(),
                        "the handler's answer is over " + config.maxDatagramBytes() + " bytes", Node.VERSION));
            }
            replies.put(requestKey, datagram);
            node.sent(to, datagram, message instanceof KrpcError);
        }
    }

    private void handle(InetSocketAddress from, KrpcQuery query, NodeId sender, Reply reply) {
        Dict args = query.arguments();
        NodeId key = args.id("k");
        long now = env.now();
        Optional<StoredObject> stored = objects.get(key, now);
        NodeId senderObject = args.has("aso") ? args.id("aso") : null;
        boolean replica = args.optionalInteger("replica", 0) == 1;
        AsoCall.Caller caller = new AsoCall.Caller(from.getAddress().getHostAddress(), from.getPort(), sender, replica,
                senderObject);
        // a request another object sent may not make this node send more (no amplification chains)
        boolean mayRequest = senderObject == null;
        switch (query.method()) {
            case "comet_get" -> {
                Dict.Builder values = Dict.builder().put("id", node.id())
                        .put("token", node.tokenFor(from.getAddress(), key))
                        .put("nodes", CompactInfo.nodes(node.routingTable().closestAnswering(key, config.k(), now)));
                if (stored.isEmpty()) {
                    reply.ok(values.build());
                    return;
                }
                AsoCall call = call(stored.get(), "onGet", caller, handlerArgs(args), null, null, mayRequest);
                runtime().invoke(call, outcome -> {
                    if (!outcome.ok()) {
                        reply.failed(outcome);
                        return;
                    }
                    try {
                        apply(call, outcome);
                    } catch (CometException e) {
                        // the state it left does not fit the store: the get fails, the old state stays
                        reply.error(e.error());
                        return;
                    }
                    values.put("found", 1L);
                    if (outcome.answer() != null) {
                        values.put("v", outcome.answer());
                    }
                    reply.ok(values.build());
                });
            }
            case "comet_put" -> put(from, args, stored, caller, mayRequest, reply);
            case "comet_delete" -> {
                if (stored.isEmpty()) {
                    reply.ok(Dict.builder().put("id", node.id()).build());
                    return;
                }
                AsoCall call = call(stored.get(), "onDelete", caller, Map.of(), null, null, mayRequest);
                runtime().invoke(call, outcome -> {
                    if (!outcome.ok()) {
                        reply.failed(outcome);
                    } else if (outcome.answeredFalse()) {
                        apply(call, outcome);
                        reply.error(ErrorCode.HANDLER_REFUSED, "onDelete refused the delete");
                    } else {
                        remove(key);
                        send(key, outcome.requests());
                        reply.ok(Dict.builder().put("id", node.id()).put("deleted", 1L).build());
                    }
                });
            }
            default -> throw new CometException(ErrorCode.METHOD_UNKNOWN, "method unknown: " + query.method());
        }
    }

    /**
     * A first store runs onPut; a put for a key stored here runs onUpdate with the incoming object, which takes it
     * ({@code true}), keeps this one ({@code false}, after merging what it likes) or leaves it to the default: a
     * replica re-storing the same code keeps the copy here (each replica keeps its own state, and the lifetime
     * is extended to the incoming one), anything else replaces it.
     */
    private void put(InetSocketAddress from, Dict args, Optional<StoredObject> stored, AsoCall.Caller caller,
                     boolean mayRequest, Reply reply) {
        NodeId key = args.id("k");
        if (!node.validToken(args.bytes("token"), from.getAddress(), key)) {
            throw new CometException(ErrorCode.PROTOCOL, "bad token");
        }
        byte[] code = args.bytes("code");
        // only a replica brings state: a client's object starts from what its chunk makes
        byte[] incomingState = caller.replica() && args.has("state") ? args.bytes("state") : null;
        int replicas = (int) Math.max(1, Math.min(ObjectConfig.MAX_REPLICAS, args.optionalInteger("n", settings.replicas())));
        long expiresAt = env.now() + Node.lifetimeMillis(args.optionalInteger("ttl", -1), settings.ttlMillis(),
                settings.maxTtlMillis());
        StoredObject incoming = new StoredObject(key, code, incomingState, ObjectMeta.NONE, replicas, expiresAt);
        if (stored.isEmpty()) {
            create(incoming, caller, mayRequest, reply);
            return;
        }
        StoredObject held = stored.get();
        AsoCall update = call(held, "onUpdate", caller, Map.of(), null, new AsoCall.Incoming(code, incomingState),
                mayRequest);
        runtime().invoke(update, outcome -> {
            if (!outcome.ok()) {
                reply.failed(outcome);
                return;
            }
            boolean keep = outcome.answeredFalse()
                    || outcome.answer() == null && caller.replica() && Arrays.equals(held.code(), code);
            if (!keep) {
                create(incoming, caller, mayRequest, reply);
                return;
            }
            try {
                apply(update, outcome);
                if (!outcome.answeredFalse()) {
                    objects.get(key, env.now()).filter(o -> o.expiresAtMillis() < expiresAt).ifPresent(o ->
                            objects.put(new StoredObject(key, o.code(), o.state(), o.meta(), o.replicas(), expiresAt)));
                }
            } catch (CometException e) {
                reply.error(e.error());
                return;
            }
            if (outcome.answeredFalse()) {
                reply.error(ErrorCode.HANDLER_REFUSED, "onUpdate kept the object held here");
            } else {
                reply.ok(Dict.builder().put("id", node.id()).build());
            }
        });
    }

    /** Stores {@code o} as a new object on this node once its onPut accepts it. */
    private void create(StoredObject o, AsoCall.Caller caller, boolean mayRequest, Reply reply) {
        AsoCall call = new AsoCall(o.key(), o.code(), o.state(), true, "onPut", caller, Map.of(), null, null,
                neighbors(o.key()), mayRequest);
        runtime().invoke(call, outcome -> {
            if (!outcome.ok()) {
                runtime().forget(o.key());
                reply.failed(outcome);
                return;
            }
            if (outcome.answeredFalse()) {
                runtime().forget(o.key());
                reply.error(ErrorCode.HANDLER_REFUSED, "onPut refused the object");
                return;
            }
            long timer = outcome.meta().timerMillis();
            if (timer > 0 && !timers.containsKey(o.key()) && timers.size() >= settings.maxTimers()) {
                timersRefused++;
                runtime().forget(o.key());
                reply.error(ErrorCode.TIMERS_FULL, "this node already runs " + settings.maxTimers()
                        + " object timers, its maximum");
                return;
            }
            try {
                objects.put(o.with(outcome.state(), outcome.meta()));
            } catch (StoreFullException e) {
                runtime().forget(o.key());
                reply.error(e.error());
                return;
            }
            if (outcome.deleteSelf()) {
                remove(o.key());
            } else {
                updateTimer(o.key(), timer);
            }
            send(o.key(), outcome.requests());
            reply.ok(Dict.builder().put("id", node.id()).build());
        });
    }

    /**
     * Keeps what a successful invocation left: its state and meta (or the object's removal when it asked to be
     * deleted), its timer, and the requests it asked for. Nothing is kept when the object was deleted or replaced
     * while the handler ran. Throws a CometException when the new state does not fit the store (it stays as it was).
     */
    private void apply(AsoCall call, AsoOutcome outcome) {
        Optional<StoredObject> current = objects.get(call.key(), env.now());
        if (current.isEmpty() || !Arrays.equals(current.get().code(), call.code())) {
            return;
        }
        if (outcome.deleteSelf()) {
            remove(call.key());
            send(call.key(), outcome.requests());
            return;
        }
        StoredObject o = current.get();
        if (!Arrays.equals(outcome.state(), o.state()) || !outcome.meta().equals(o.meta())) {
            try {
                objects.put(o.with(outcome.state(), outcome.meta()));
            } catch (StoreFullException e) {
                runtime().forget(call.key()); // the runtime's instance is ahead of the store: reload next time
                throw e;
            }
        }
        updateTimer(call.key(), outcome.meta().timerMillis());
        send(call.key(), outcome.requests());
    }

    private void remove(NodeId key) {
        objects.delete(key);
        ObjectTimer t = timers.remove(key);
        if (t != null) {
            t.timer().cancel();
        }
        runtime().forget(key);
    }

    private AsoCall call(StoredObject o, String handler, AsoCall.Caller caller, Map<String, byte[]> args,
                         AsoCall.Answer answer, AsoCall.Incoming incoming, boolean mayRequest) {
        return new AsoCall(o.key(), o.code(), o.state(), false, handler, caller, args, incoming, answer,
                neighbors(o.key()), mayRequest);
    }

    private static Map<String, byte[]> handlerArgs(Dict args) {
        if (!args.has("a")) {
            return Map.of();
        }
        Map<String, byte[]> out = new TreeMap<>();
        args.dict("a").map().forEach((k, v) -> {
            if (v instanceof byte[] b) {
                out.put(k, b);
            }
        });
        return out;
    }

    /** What comet.lookup() answers for {@code key}: the Comet nodes this node knows closest to it, itself excluded. */
    List<Contact> neighbors(NodeId key) {
        return node.routingTable().closestAnsweringComet(key, ObjectConfig.MAX_REPLICAS, env.now());
    }

    // ---------------------------------------------------------------- timers

    /** Runs, moves or stops the timer of {@code key} to match the object's {@code aso.timerInterval}. */
    private void updateTimer(NodeId key, long timerMillis) {
        ObjectTimer existing = timers.get(key);
        long interval = timerMillis <= 0 ? 0 : Math.max(timerMillis, settings.minTimerIntervalMillis());
        if (existing != null && existing.intervalMillis() == interval) {
            return;
        }
        if (existing != null) {
            existing.timer().cancel();
            timers.remove(key);
        }
        if (interval == 0) {
            return;
        }
        if (timers.size() >= settings.maxTimers()) {
            timersRefused++;
            return;
        }
        timers.put(key, new ObjectTimer(interval, env.schedule(interval, () -> fire(key, interval))));
    }

    private void fire(NodeId key, long interval) {
        timers.remove(key);
        Optional<StoredObject> stored = objects.get(key, env.now());
        if (stored.isEmpty()) {
            runtime().forget(key); // expired
            return;
        }
        timerRuns++;
        AsoCall call = call(stored.get(), "onTimer", null, Map.of(), null, null, true);
        runtime().invoke(call, outcome -> {
            if (outcome.ok()) {
                apply(call, outcome);
            } else if (objects.get(key, env.now()).isPresent()) {
                updateTimer(key, interval); // a failed run does not stop the timer
            }
        });
    }

    // ---------------------------------------------------------------- requests from handlers

    /** Sends what a handler of {@code owner} asked for; answers to its gets come back as calls of its handler. */
    private void send(NodeId owner, List<AsoRequest> requests) {
        if (requests.isEmpty()) {
            return;
        }
        long now = env.now();
        // a put travels with the sender's remaining lifetime and replica count
        Optional<StoredObject> sender = objects.get(owner, now);
        long ttl = sender.map(o -> (o.expiresAtMillis() - now) / 1000).orElse(settings.ttlMillis() / 1000);
        int replicas = sender.map(StoredObject::replicas).orElse(settings.replicas());
        for (AsoRequest r : requests) {
            for (Contact to : r.to()) {
                requestsSent++;
                if (r instanceof AsoRequest.Put p) {
                    storeOn(to, p.key(), p.code(), p.replica() ? p.state() : null, p.replica(), ttl, replicas, owner);
                } else if (r instanceof AsoRequest.Get g) {
                    ask(owner, to, g);
                }
            }
        }
    }

    private void ask(NodeId owner, Contact to, AsoRequest.Get g) {
        Dict.Builder args = Dict.builder().put("id", node.id()).put("k", g.key()).put("aso", owner);
        if (!g.args().isEmpty()) {
            args.put("a", new TreeMap<String, Object>(g.args()));
        }
        node.sendQuery(to.address(), to.id(), "comet_get", args.build(), new Node.QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                boolean found = response.values().has("found");
                answer(owner, g.handler(), new AsoCall.Answer(to, found ? response.values().map().get("v") : null,
                        found ? null : new CometError(ErrorCode.NOT_FOUND, "no such object")));
            }

            @Override
            public void onError(KrpcError error) {
                answer(owner, g.handler(), new AsoCall.Answer(to, null, CometError.ofKrpc(error.code(), error.message())));
            }

            @Override
            public void onFailure() {
                answer(owner, g.handler(), new AsoCall.Answer(to, null, Node.NO_ANSWER));
            }
        });
    }

    private void answer(NodeId owner, String handler, AsoCall.Answer answer) {
        Optional<StoredObject> stored = objects.get(owner, env.now());
        if (stored.isEmpty()) {
            return;
        }
        AsoCall call = call(stored.get(), handler, null, Map.of(), answer, null, true);
        runtime().invoke(call, outcome -> {
            if (outcome.ok()) {
                apply(call, outcome);
            }
        });
    }

    /**
     * Stores an object on {@code to}: a BEP 44 get for a write token (it runs no handler), then the comet_put.
     * Fire and forget; {@code sender} marks a put a handler asked for.
     */
    private void storeOn(Contact to, NodeId key, byte[] code, byte[] state, boolean replica, long ttlSeconds,
                         int replicas, NodeId sender) {
        if (ttlSeconds <= 0) {
            return;
        }
        node.sendQuery(to.address(), to.id(), "get", Dict.builder().put("id", node.id()).put("target", key).build(),
                new Node.QueryCallback() {
                    @Override
                    public void onResponse(Contact from, KrpcResponse response) {
                        if (response.values().has("token")) {
                            node.sendQuery(to.address(), to.id(), "comet_put", putArgs(key, response.values()
                                    .bytes("token"), code, state, replica, ttlSeconds, replicas, sender), Node.IGNORE);
                        }
                    }

                    @Override
                    public void onFailure() {
                    }
                });
    }

    private Dict putArgs(NodeId key, byte[] token, byte[] code, byte[] state, boolean replica, long ttlSeconds,
                         int replicas, NodeId sender) {
        Dict.Builder args = Dict.builder().put("id", node.id()).put("k", key).put("token", token).put("code", code)
                .put("n", (long) replicas);
        if (ttlSeconds >= 0) {
            args.put("ttl", ttlSeconds);
        }
        if (replica) {
            args.put("replica", 1L);
            if (state != null) {
                args.put("state", state);
            }
        }
        if (sender != null) {
            args.put("aso", sender);
        }
        return args.build();
    }

    // ---------------------------------------------------------------- replication (DESIGN.md §4.2)

    /**
     * Re-stores every object that leaves replication to the node on the Comet nodes now closest to it, with its
     * state and the lifetime it has left: a replica that already holds it keeps its own state.
     */
    void republish() {
        long now = env.now();
        for (StoredObject o : objects.all(now, Integer.MAX_VALUE)) {
            long secondsLeft = (o.expiresAtMillis() - now) / 1000;
            if (!o.meta().replicate() || secondsLeft <= 0) {
                continue;
            }
            node.tokenLookup(o.key(), Math.max(config.k(), o.replicas()), found -> {
                List<Contact> targets = found.cometNodes(o.replicas());
                for (Contact c : targets) {
                    byte[] token = found.tokens().get(c.id());
                    if (c.id().equals(node.id()) || token == null) {
                        continue;
                    }
                    replicaStores++;
                    StoredObject latest = objects.get(o.key(), env.now()).orElse(null);
                    if (latest == null) {
                        return;
                    }
                    node.sendQuery(c.address(), c.id(), "comet_put", putArgs(o.key(), token, latest.code(),
                            latest.state(), true, (latest.expiresAtMillis() - env.now()) / 1000, latest.replicas(), null),
                            Node.IGNORE);
                }
            });
        }
    }

    /**
     * Store-on-join for objects: a Comet node newly verified gets the objects it is now among the closest replicas
     * of (as this node sees them), with their state and remaining lifetime.
     */
    void handOver(Contact newcomer) {
        long now = env.now();
        for (StoredObject o : objects.all(now, config.maxHandOverScan())) {
            if (!o.meta().replicate()) {
                continue;
            }
            List<Contact> closest = neighbors(o.key());
            int index = closest.indexOf(newcomer);
            if (index < 0 || index >= o.replicas()) {
                continue;
            }
            replicaStores++;
            storeOn(newcomer, o.key(), o.code(), o.state(), true, (o.expiresAtMillis() - now) / 1000, o.replicas(), null);
        }
    }

    // ---------------------------------------------------------------- client side

    /**
     * Stores an object on the {@code replicas} Comet nodes closest to {@code key} (this node included when it is
     * one of them), for {@code ttlSeconds} (-1: the nodes' default).
     */
    void put(NodeId key, byte[] code, int replicas, long ttlSeconds, Consumer<WriteOutcome> done) {
        if (replicas < 1 || replicas > ObjectConfig.MAX_REPLICAS) {
            throw new CometException(ErrorCode.BAD_INPUT, "replicas must be 1 to " + ObjectConfig.MAX_REPLICAS + ", got " + replicas);
        }
        node.tokenLookup(key, Math.max(config.k(), replicas), found -> {
            List<Contact> targets = found.cometNodes(replicas);
            Node.WriteRound round = new Node.WriteRound(key, targets.size(), done);
            for (Contact c : targets) {
                byte[] token = found.tokens().get(c.id());
                if (token == null) {
                    round.refused(c, CometError.of(ErrorCode.NO_WRITE_TOKEN));
                    continue;
                }
                node.sendQuery(c.address(), c.id(), "comet_put",
                        putArgs(key, token, code, null, false, ttlSeconds, replicas, null), round.callback(c));
            }
        });
    }

    /**
     * Runs onGet of the object under {@code key}: on the closest replica that answers ({@code all} false), or on
     * every replica among the closest Comet nodes ({@code all} true), each answer with its node.
     */
    void get(NodeId key, Map<String, byte[]> handlerArgs, boolean all, Consumer<List<ObjectAnswer>> done) {
        node.tokenLookup(key, all ? ObjectConfig.MAX_REPLICAS : config.k(), found -> {
            List<Contact> candidates = found.cometNodes(ObjectConfig.MAX_REPLICAS);
            Dict.Builder args = Dict.builder().put("id", node.id()).put("k", key);
            if (!handlerArgs.isEmpty()) {
                args.put("a", new TreeMap<String, Object>(handlerArgs));
            }
            Dict query = args.build();
            if (!all) {
                askInTurn(candidates, 0, query, null, done);
                return;
            }
            List<ObjectAnswer> answers = new ArrayList<>();
            int[] outstanding = {candidates.size()};
            if (candidates.isEmpty()) {
                done.accept(List.of());
                return;
            }
            ObjectAnswer[] firstFailure = {null};
            for (Contact c : candidates) {
                askObject(c, query, answer -> {
                    if (answer != null && answer.failed()) {
                        firstFailure[0] = firstFailure[0] == null ? answer : firstFailure[0];
                    } else if (answer != null) {
                        answers.add(answer);
                    }
                    if (--outstanding[0] == 0) {
                        done.accept(answers.isEmpty() && firstFailure[0] != null ? List.of(firstFailure[0]) : List.copyOf(answers));
                    }
                });
            }
        });
    }

    /**
     * Deletes the object under {@code key} from the closest Comet nodes (each runs its onDelete, which may
     * refuse); {@code done} gets the nodes that deleted it and the refusals.
     */
    void delete(NodeId key, Consumer<WriteOutcome> done) {
        node.tokenLookup(key, ObjectConfig.MAX_REPLICAS, found -> {
            List<Contact> targets = found.cometNodes(ObjectConfig.MAX_REPLICAS);
            Dict query = Dict.builder().put("id", node.id()).put("k", key).build();
            Node.WriteRound round = new Node.WriteRound(key, targets.size(), done);
            for (Contact c : targets) {
                node.sendQuery(c.address(), c.id(), "comet_delete", query, new Node.QueryCallback() {
                    @Override
                    public void onResponse(Contact from, KrpcResponse response) {
                        if (response.values().has("deleted")) {
                            round.stored(c);
                        } else {
                            round.absent();
                        }
                    }

                    @Override
                    public void onError(KrpcError error) {
                        round.refused(c, CometError.ofKrpc(error.code(), error.message()));
                    }

                    @Override
                    public void onFailure() {
                        round.absent();
                    }
                });
            }
        });
    }

    /**
     * Asks the candidates one at a time, closest first, until one answers. When none holds the object the answer is
     * empty; when some could not be asked (silent, or too busy: errors below 300), the first such failure is the
     * answer, so a reader can tell "nowhere" from "not reachable now".
     */
    private void askInTurn(List<Contact> candidates, int index, Dict query, ObjectAnswer firstFailure,
                           Consumer<List<ObjectAnswer>> done) {
        if (index >= candidates.size()) {
            done.accept(firstFailure == null ? List.of() : List.of(firstFailure));
            return;
        }
        askObject(candidates.get(index), query, answer -> {
            if (answer != null && !answer.failed()) {
                done.accept(List.of(answer));
            } else {
                askInTurn(candidates, index + 1, query, firstFailure != null ? firstFailure : answer, done);
            }
        });
    }

    /**
     * One comet_get; {@code done} gets the answer, the refusal of its handler (Comet codes ≥ 300: the object is
     * there and said no, so asking the next replica would not help), a failure (no answer, or an error below 300),
     * or null when the node holds no such object.
     */
    private void askObject(Contact c, Dict query, Consumer<ObjectAnswer> done) {
        node.sendQuery(c.address(), c.id(), "comet_get", query, new Node.QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                done.accept(response.values().has("found")
                        ? new ObjectAnswer(c, response.values().map().get("v"), null) : null);
            }

            @Override
            public void onError(KrpcError error) {
                done.accept(new ObjectAnswer(c, null, CometError.ofKrpc(error.code(), error.message())));
            }

            @Override
            public void onFailure() {
                done.accept(new ObjectAnswer(c, null, Node.NO_ANSWER));
            }
        });
    }
}
