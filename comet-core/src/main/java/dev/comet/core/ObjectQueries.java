package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectMeta;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.aso.TombstoneStorage.Tombstone;
import dev.comet.guard.StorageQuotas;
import dev.comet.id.NodeId;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.krpc.TokenManager;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;
import dev.comet.storage.StoreKeys;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The server side of {@code comet_put}, {@code comet_get} and {@code comet_delete} (docs/protocol.md): reads a
 * query, hands it to the {@link ObjectLifecycle} and sends the answer when its handler has run. A handler must not
 * run twice for one request, so it owns the memory of recent answers: a retry of a query still being handled is
 * dropped, and a retry of one already answered gets the same answer again. Deletes leave tombstones
 * ({@link Tombstones}), which refuse the copies of a deleted object that replicas re-store.
 */
final class ObjectQueries implements QueryDispatch.DeferredHandler {
    /** Answers to recent comet_* queries remembered so a retry is answered without running a handler twice. */
    private static final int MAX_REMEMBERED_REPLIES = 4096;
    private static final byte[] IN_FLIGHT = new byte[0];
    /** About what a tombstone takes in the store, for its sender's share; what it really takes is charged. */
    private static final int TOMBSTONE_BYTES = 64;

    private final NodeId id;
    private final NodeConfig config;
    private final ObjectConfig settings;
    private final Environment env;
    private final RoutingTable table;
    private final AnswerContacts answers;
    private final TokenManager tokens;
    private final ObjectStorage objects;
    private final ObjectLifecycle lifecycle;
    private final QueryDispatch dispatch;
    private final OwnerRequests ownerRequests;
    private final ObjectUpdates updates;
    private final Tombstones tombstones;
    private final OutdatedCopies outdatedCopies;
    private final StorageQuotas quotas;
    /** Where a requester's coordinate comes from: its query's {@code vc}, else the last one it sent. */
    private final NodeCoordinates coordinates;
    private final Map<RequestId, byte[]> replies = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RequestId, byte[]> eldest) {
            return size() > MAX_REMEMBERED_REPLIES;
        }
    };

    /** Hears of a replica that offered an out-of-date copy: of a deleted object, or an older version of a value. */
    interface OutdatedCopies {
        /** {@code holder} still holds a copy that {@code tombstone} deleted: it should get the tombstone. */
        void deleted(Contact holder, Tombstone tombstone);

        /** {@code holder} holds an older version of {@code held}'s value: it should get this copy, and catch up. */
        void olderVersion(Contact holder, StoredObject held);
    }

    ObjectQueries(NodeId id, NodeConfig config, Environment env, RoutingTable table, AnswerContacts answers,
                  TokenManager tokens, ObjectStorage objects, ObjectLifecycle lifecycle, QueryDispatch dispatch, OwnerRequests ownerRequests,
                  Tombstones tombstones, OutdatedCopies outdatedCopies, ObjectUpdates updates, StorageQuotas quotas,
                  NodeCoordinates coordinates) {
        this.id = id;
        this.config = config;
        this.settings = config.objects();
        this.env = env;
        this.table = table;
        this.answers = answers;
        this.tokens = tokens;
        this.objects = objects;
        this.lifecycle = lifecycle;
        this.dispatch = dispatch;
        this.ownerRequests = ownerRequests;
        this.updates = updates;
        this.tombstones = tombstones;
        this.outdatedCopies = outdatedCopies;
        this.quotas = quotas;
        this.coordinates = coordinates;
    }

    void registerWith(QueryDispatch dispatch) {
        for (String method : new String[] {"comet_put", "comet_get", "comet_delete", "comet_update", "comet_version"}) {
            dispatch.registerDeferred(method, this);
        }
    }

    @Override
    public void handle(InetSocketAddress from, KrpcQuery query, byte[] datagram, NodeId sender) {
        // transaction ids are a few bytes and wrap within seconds under load: a retry is the same datagram again, so the
        // key holds a hash of its bytes too, and a new query that reuses an old id is not answered from memory
        RequestId requestKey = new RequestId(from, query.transactionId(), datagram);
        byte[] earlier = replies.get(requestKey);
        if (earlier != null) {
            if (earlier.length > 0) {
                dispatch.replyAgain(from, earlier);
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

    private void handle(InetSocketAddress from, KrpcQuery query, NodeId sender, Reply reply) {
        Dict args = query.arguments();
        NodeId key = args.id("k");
        long now = env.now();
        Optional<StoredObject> stored = objects.get(key, now);
        NodeId senderObject = args.has("aso") ? args.id("aso") : null;
        boolean replica = args.optionalInteger("replica", 0) == 1;
        AsoCall.Caller caller = new AsoCall.Caller(from.getAddress().getHostAddress(), from.getPort(), sender, replica,
                senderObject, coordinates.requester(sender, args));
        // a request another object sent may not make this node send more (no amplification chains)
        boolean mayRequest = senderObject == null;
        switch (query.method()) {
            case "comet_get" -> {
                Dict.Builder values = answers.put(Dict.builder().put("id", id)
                        .put("token", tokens.tokenFor(from.getAddress(), key)), key, args, false);
                if (stored.isPresent() && ObjectUpdates.boundsFreshness(args)) {
                    updates.checkFresh(stored.get(), args);
                }
                if (stored.isEmpty()) {
                    reply.ok(values.build());
                } else if (ObjectUpdates.asksForVersions(args)) {
                    updates.read(stored.get(), args, values, reply);
                } else {
                    if (stored.get().signed()) {
                        values.put("ver", stored.get().version());
                    }
                    lifecycle.get(stored.get(), caller, handlerArgs(args), mayRequest, values, reply);
                }
            }
            case "comet_put" -> {
                if (!tokens.valid(args.bytes("token"), from.getAddress(), key)) {
                    throw new CometException(ErrorCode.PROTOCOL, "bad token");
                }
                StoredObject incoming = incoming(key, args, caller);
                // a signed object's key and signature, and the owner's seq rule, are checked before any handler runs
                Ownership.admit(incoming, stored, replica);
                Optional<Tombstone> tombstone = tombstones.get(key);
                if (tombstone.isPresent()) {
                    admitOver(tombstone.get(), incoming, replica, env.contact(sender, from));
                }
                reply.far = replica && beyondClosest(key, sender, incoming.replicas());
                ObjectReply answer = replica && incoming.signed()
                        ? catchingUp(reply, incoming, stored, env.contact(sender, from), reply.far) : reply;
                if (stored.isEmpty()) {
                    // a new object counts against its sender's share of the store once it is stored (docs/abuse.md)
                    quotas.admit(from, incoming.code().length + (incoming.state() == null ? 0 : incoming.state().length),
                            now);
                    answer = answer.onOk(() -> quotas.stored(from, StoreKeys.of(StoreKeys.OBJECT, key)));
                }
                lifecycle.put(incoming, stored, caller, mayRequest, answer);
            }
            case "comet_delete" -> {
                if (replica) {
                    if (!tokens.valid(args.bytes("token"), from.getAddress(), key)) {
                        throw new CometException(ErrorCode.PROTOCOL, "bad token");
                    }
                    Tombstone tombstone = tombstones.incoming(key, args);
                    reply.far = beyondClosest(key, sender, tombstone.replicas());
                    replicatedDelete(from, tombstone, stored, caller, mayRequest, reply);
                } else if (stored.isEmpty()) {
                    if (!args.has("pk")) {
                        // a copy may still be on its way here; an owner's delete is checked against the object it
                        // deletes, so only the replicas that held it keep a signed tombstone
                        keepTombstone(from, tombstones.absent(key));
                    }
                    reply.ok(Dict.builder().put("id", id).build());
                } else {
                    OwnerRequest request = null;
                    if (stored.get().signed()) {
                        // only its owner deletes a signed object, once per signed request, before onDelete runs
                        request = OwnerRequest.from(args, OwnerRequest.DELETE, key);
                        ownerRequests.admit(stored.get(), request);
                    }
                    Tombstone tombstone = tombstones.after(stored.get(), request);
                    lifecycle.delete(stored.get(), caller, mayRequest, () -> tombstones.keep(tombstone), reply);
                }
            }
            case "comet_update", "comet_version" -> {
                if (stored.isEmpty()) {
                    reply.ok(Dict.builder().put("id", id).build()); // no "ver": not held here, ask another replica
                } else if (query.method().equals("comet_update")) {
                    updates.update(stored.get(), args, caller, reply);
                } else {
                    updates.receive(stored.get(), args, reply);
                }
            }
            default -> throw new CometException(ErrorCode.METHOD_UNKNOWN, "method unknown: " + query.method());
        }
    }

    /**
     * True when this node knows {@code replicas} + margin Comet nodes, itself included, closer to {@code key} than the
     * replica {@code sender}: a hint, sent back as {@code far}, that the sender may no longer be among the closest.
     * The sender checks with a lookup of its own before it drops anything (replica hygiene, {@link Replication}).
     */
    private boolean beyondClosest(NodeId key, NodeId sender, int replicas) {
        int width = replicas + settings.handOffMargin();
        java.util.Comparator<NodeId> byDistance = key.byDistance();
        int closer = byDistance.compare(id, sender) < 0 ? 1 : 0;
        for (Contact c : table.closestAnsweringComet(key, width, env.now())) {
            closer += byDistance.compare(c.id(), sender) < 0 ? 1 : 0;
        }
        return closer >= width;
    }

    /**
     * Replicas that missed versions of a signed object's value catch up from each other's re-stores, whichever is
     * behind: once the re-store is taken, this node fetches a newer version the sender holds (or the record of the one
     * it now holds too), and a sender holding an older version than this node's is sent this copy, unless it is
     * {@code far} (beyond the closest: it is handing its copy off, and drops it once the closest hold it).
     */
    private ObjectReply catchingUp(ObjectReply reply, StoredObject incoming, Optional<StoredObject> stored,
                                   Contact other, boolean far) {
        if (stored.isPresent() && Ownership.sameVersion(stored.get(), incoming)
                && incoming.version() < stored.get().version()) {
            if (!far) {
                outdatedCopies.olderVersion(other, stored.get());
            }
            return reply;
        }
        if (incoming.version() == 0) {
            return reply;
        }
        return reply.onOk(() -> updates.catchUp(incoming.key(), incoming.version(), other));
    }

    /**
     * Lets {@code incoming} past the tombstone of its key, which it then supersedes, or throws 354; a replica that
     * offered a copy the tombstone deleted is sent the tombstone, so that it stops re-storing that copy.
     */
    private void admitOver(Tombstone tombstone, StoredObject incoming, boolean replica, Contact sender) {
        try {
            Tombstones.admit(incoming, tombstone, replica);
        } catch (CometException e) {
            if (replica) {
                outdatedCopies.deleted(sender, tombstone);
            }
            throw e;
        }
        tombstones.forget(incoming.key());
    }

    /**
     * A tombstone another replica passes on: it removes the object held here when it covers its version (onDelete
     * runs, and may refuse), and is kept; an object newer than the deleted version stays, and the tombstone is not
     * kept.
     */
    private void replicatedDelete(InetSocketAddress from, Tombstone tombstone, Optional<StoredObject> stored,
                                  AsoCall.Caller caller, boolean mayRequest, Reply reply) {
        if (stored.isEmpty()) {
            keepTombstone(from, tombstone);
            reply.ok(Dict.builder().put("id", id).put("deleted", 1L).build());
        } else if (Tombstones.removes(tombstone, stored.get())) {
            lifecycle.delete(stored.get(), caller, mayRequest, () -> tombstones.keep(tombstone), reply);
        } else {
            reply.ok(Dict.builder().put("id", id).build());
        }
    }

    /** Keeps {@code tombstone} where no object is held; a new one counts against its sender's share of the store. */
    private void keepTombstone(InetSocketAddress from, Tombstone tombstone) {
        quotas.store(from, StoreKeys.of(StoreKeys.TOMBSTONE, tombstone.key()), TOMBSTONE_BYTES, env.now(),
                () -> tombstones.keep(tombstone));
    }

    /**
     * The object a comet_put brings, with its owner's signature when it is signed (not yet verified); only a replica
     * brings state, a client's object starts from its chunk.
     */
    private StoredObject incoming(NodeId key, Dict args, AsoCall.Caller caller) {
        byte[] code = args.bytes("code");
        byte[] state = caller.replica() && args.has("state") ? args.bytes("state") : null;
        int replicas = (int) Math.max(1, Math.min(ObjectConfig.MAX_REPLICAS, args.optionalInteger("n", settings.replicas())));
        long expiresAt = env.now() + Lifetimes.millis(args.optionalInteger("ttl", -1), settings.ttlMillis(),
                settings.maxTtlMillis());
        long version = caller.replica() && state != null ? Math.max(0, args.optionalInteger("ver", 0)) : 0;
        return new StoredObject(key, code, state, ObjectMeta.NONE, replicas, expiresAt, ObjectSignature.from(args),
                version);
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

    /** Where the answer to one comet_* query goes; it is remembered for retries. */
    private final class Reply implements ObjectReply {
        final InetSocketAddress to;
        final byte[] tid;
        final RequestId requestKey;
        /** Whether a successful answer tells the replica that sent the query it may be beyond the closest. */
        boolean far;

        Reply(InetSocketAddress to, byte[] tid, RequestId requestKey) {
            this.to = to;
            this.tid = tid;
            this.requestKey = requestKey;
        }

        @Override
        public void ok(Dict values) {
            if (far) {
                Dict.Builder withHint = Dict.builder();
                values.map().forEach(withHint::put);
                values = withHint.put("far", 1L).build();
            }
            send(new KrpcResponse(tid, values, ClientVersion.COMET, to));
        }

        @Override
        public void error(CometError error) {
            // a handler's error message can be long (a Lua error carries its value): keep the reply small
            send(new KrpcError(tid, error.code().krpcCode(), CometError.bounded(error.message()), ClientVersion.COMET));
        }

        private void send(KrpcMessage message) {
            byte[] datagram = dispatch.encode(message);
            if (datagram.length > config.maxDatagramBytes() && message instanceof KrpcResponse) {
                // an answer a datagram cannot carry: say so instead of sending what the requester would drop
                datagram = dispatch.encode(new KrpcError(tid, ErrorCode.ANSWER_TOO_BIG.krpcCode(),
                        "the handler's answer is over " + config.maxDatagramBytes() + " bytes", ClientVersion.COMET));
            }
            replies.put(requestKey, datagram);
            dispatch.reply(to, datagram, message instanceof KrpcError);
        }
    }
}
