package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoRuntime;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcDecodeException;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.krpc.TokenManager;
import dev.comet.lookup.Lookup;
import dev.comet.lookup.LookupResult;
import dev.comet.lookup.LookupTransport;
import dev.comet.peers.PeerStore;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A Mainline DHT node as a sans-I/O state machine (DESIGN.md §2.1): datagrams and timer firings come in as calls,
 * everything going out goes through its {@link Environment}. It answers BEP 5 queries, keeps the routing table,
 * runs lookups, and bootstraps and maintains itself.
 *
 * <p>Not thread-safe by design: every call must come from the one thread the environment runs it on.
 */
public final class Node {
    /** Our KRPC client version: "CM" and a two-byte version, how other Comet nodes recognise us. */
    public static final byte[] VERSION = {'C', 'M', 0, 1};

    /** What a write or a read reports for a node that did not answer in time. */
    static final CometError NO_ANSWER = CometError.of(ErrorCode.NO_ANSWER);

    private final NodeId id;
    private final Contact self;
    private final NodeConfig config;
    private final Environment env;
    private final KrpcCodec codec;
    private final RoutingTable table;
    private final TokenManager tokens;
    private final PeerStore peers;
    private final ItemStorage items;
    private final ActiveObjects objects;
    private final RttEstimator rtt;
    private final Map<Integer, PendingCall> pending = new HashMap<>();
    /** Second-hand contacts being pinged before they may enter the table; bounded by {@link #MAX_VERIFYING}. */
    private final java.util.Set<NodeId> verifying = new java.util.HashSet<>();
    private static final int MAX_VERIFYING = 16;
    private final List<Runnable> readyListeners = new ArrayList<>();
    private final List<InetSocketAddress> bootstrapAddresses = new ArrayList<>();
    private int nextTransaction;
    private boolean readOnly;
    private boolean started;
    private boolean stopped;
    private boolean bootstrapping;
    private boolean ready;
    private Environment.Timer maintenanceTimer;
    private Environment.Timer tokenTimer;
    private Environment.Timer bootstrapTimer;
    private long rejoinDelayMillis;
    private Environment.Timer republishTimer;

    private long queriesReceived;
    private long responsesReceived;
    private long errorsReceived;
    private long queriesSent;
    private long retries;
    private long timeouts;
    private long malformedDropped;
    private long unsolicitedDropped;
    private long errorRepliesSent;
    private long internalErrors;
    private long lookupsStarted;
    private long lookupsFinished;
    private long lookupHops;
    /** Queries received by method, for metrics; methods outside {@link #COUNTED_METHODS} count as "other". */
    private final Map<String, Long> queriesByMethod = new java.util.TreeMap<>();
    private static final java.util.Set<String> COUNTED_METHODS = java.util.Set.of("ping", "find_node", "get_peers",
            "announce_peer", "get", "put", "comet_put", "comet_get", "comet_delete");

    /** A node with id {@code id} that others reach at {@code address}. */
    public Node(NodeId id, InetSocketAddress address, NodeConfig config, Environment env) {
        this.id = id;
        this.self = new Contact(id, address);
        this.config = config;
        this.env = env;
        this.codec = new KrpcCodec(config.bencodeLimits());
        this.table = new RoutingTable(id, config, env.now());
        this.tokens = new TokenManager(env.random());
        this.peers = new PeerStore(env.store(), config.peerTtlMillis(), config.maxPeersPerInfoHash());
        this.items = new ItemStorage(env.store());
        this.objects = new ActiveObjects(this, env, config);
        this.rtt = new RttEstimator(config.minRequestTimeoutMillis(), config.requestTimeoutMillis());
        this.nextTransaction = env.random().nextInt(1 << 16);
    }

    public NodeId id() {
        return id;
    }

    /**
     * Makes this a read-only node (BEP 43), for short-lived clients: its queries carry {@code ro = 1} so others
     * keep it out of their routing tables, and it never counts itself among the nodes that store an item.
     * Call before {@link #start}.
     */
    public void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** This node as a contact: its id and the address it was bound to. */
    public Contact self() {
        return self;
    }

    public NodeConfig config() {
        return config;
    }

    /** The routing table; read it only on the node's thread. */
    public RoutingTable routingTable() {
        return table;
    }

    /** The routing table's contacts, good ones first: what a restarted node rejoins from. */
    public List<Contact> knownContacts() {
        return table.contacts(env.now());
    }

    /** True once the first bootstrap round (self lookup and bucket fill) has finished. */
    public boolean isReady() {
        return ready;
    }

    /** Runs {@code listener} once the node is ready (at once if it already is). */
    public void whenReady(Runnable listener) {
        if (ready) {
            listener.run();
        } else {
            readyListeners.add(listener);
        }
    }

    /**
     * Starts maintenance and joins the network through {@code bootstrap} (any reachable nodes, e.g. saved
     * contacts of an earlier run). With no bootstrap address the node is the first of its network and ready at once.
     */
    public void start(Collection<InetSocketAddress> bootstrap) {
        if (started) {
            throw new IllegalStateException("node already started");
        }
        started = true;
        bootstrapAddresses.addAll(bootstrap);
        tokenTimer = env.schedule(config.tokenRotationMillis(), this::rotateTokens);
        scheduleMaintenance();
        scheduleRepublish();
        objects.resume();
        bootstrap();
    }

    /** Stops timers and forgets pending requests; later datagrams are ignored. */
    public void stop() {
        stopped = true;
        if (maintenanceTimer != null) {
            maintenanceTimer.cancel();
        }
        if (tokenTimer != null) {
            tokenTimer.cancel();
        }
        if (bootstrapTimer != null) {
            bootstrapTimer.cancel();
        }
        if (republishTimer != null) {
            republishTimer.cancel();
        }
        for (PendingCall call : pending.values()) {
            call.timer.cancel();
        }
        pending.clear();
        objects.stop();
    }

    public NodeStats stats() {
        return new NodeStats(queriesReceived, responsesReceived, errorsReceived, queriesSent, retries, timeouts,
                malformedDropped, unsolicitedDropped, errorRepliesSent, internalErrors, lookupsStarted, lookupsFinished);
    }

    /** Queries received so far by method ("other" for methods we do not know); a copy. */
    public Map<String, Long> queriesByMethod() {
        return Map.copyOf(queriesByMethod);
    }

    /** Hops of every finished lookup added up (divided by lookupsFinished: the mean). */
    public long lookupHops() {
        return lookupHops;
    }

    /** An iterative find_node lookup for {@code target}; {@code done} gets the K closest nodes that answered. */
    public void lookup(NodeId target, Consumer<LookupResult> done) {
        lookupsStarted++;
        Lookup lookup = new Lookup(target, config.k(), config.alpha(), this::requestNodes, env::now, result -> {
            lookupsFinished++;
            lookupHops += result.hops();
            done.accept(result);
        });
        if (!readOnly) {
            lookup.includeSelf(self);
        }
        lookup.start(table.closest(target, config.k(), env.now()));
    }

    /** Pings {@code address}; {@code done} gets the contact that answered, or null when it did not. */
    public void ping(InetSocketAddress address, Consumer<Contact> done) {
        sendQuery(address, null, "ping", Dict.builder().put("id", id).build(), new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                done.accept(from);
            }

            @Override
            public void onFailure() {
                done.accept(null);
            }
        });
    }

    /**
     * What a BEP 44 get found: the best verified item (highest seq for mutable ones), the lookup behind it, the
     * write tokens of the nodes that answered and which of them are Comet nodes (by their {@code v}).
     */
    public record ItemLookup(Optional<Item> item, LookupResult lookup, Map<NodeId, byte[]> tokens, Set<NodeId> comet) {
        /** The {@code n} closest Comet nodes the lookup found, closest first: where an object's replicas go. */
        public List<Contact> cometNodes(int n) {
            List<Contact> out = new ArrayList<>();
            for (Contact c : lookup.closest()) {
                if (comet.contains(c.id()) && out.size() < n) {
                    out.add(c);
                }
            }
            return out;
        }
    }

    /**
     * Looks up {@code target} with BEP 44 get queries and returns the best item the closest nodes hold, verified
     * (hash for an immutable item; signature, target and {@code salt} for a mutable one).
     */
    public void getItem(NodeId target, byte[] salt, Consumer<ItemLookup> done) {
        itemLookup(target, salt, config.k(), false, done);
    }

    /**
     * A BEP 44 get lookup for {@code key} that finds the {@code width} closest Comet nodes (by the {@code v} of their
     * answers) with their write tokens; other nodes it meets are followed, never counted: where an object's
     * replicas go.
     */
    void tokenLookup(NodeId key, int width, Consumer<ItemLookup> done) {
        itemLookup(key, null, width, true, done);
    }

    private void itemLookup(NodeId target, byte[] salt, int width, boolean cometOnly, Consumer<ItemLookup> done) {
        Map<NodeId, byte[]> tokensByNode = new HashMap<>();
        Set<NodeId> comet = new HashSet<>();
        Item[] best = {items.get(target, env.now()).orElse(null)};
        Dict.Builder args = Dict.builder().put("id", id).put("target", target);
        if (cometOnly) {
            args.put("cm", 1L);
        }
        Dict query = args.build();
        LookupTransport get = (to, t, reply) -> lookupStep(to, "get", query, reply, (from, response) -> {
                    if (response.values().has("token")) {
                        tokensByNode.put(from.id(), response.values().bytes("token"));
                    }
                    if (speaksComet(response.version())) {
                        comet.add(from.id());
                    }
                    if (response.values().has("v")) {
                        Item found = verifiedItem(response.values(), target, salt);
                        if (found != null && (best[0] == null || found.seq() > best[0].seq())) {
                            best[0] = found;
                        }
                    }
                    return !cometOnly || speaksComet(response.version());
                });
        lookupsStarted++;
        Lookup lookup = new Lookup(target, width, config.alpha(), get, env::now, result -> {
            lookupsFinished++;
            lookupHops += result.hops();
            done.accept(new ItemLookup(Optional.ofNullable(best[0]), result, tokensByNode, comet));
        });
        if (!readOnly) {
            lookup.includeSelf(self);
            tokensByNode.put(id, tokens.tokenFor(self.address().getAddress(), target));
            comet.add(id);
        }
        lookup.start(table.closest(target, width, env.now()));
    }

    /**
     * Stores {@code item} on the K closest nodes to its target (this node included when it is one of them), for
     * {@code ttlSeconds} (-1: each node's default).
     */
    public void putItem(Item item, long ttlSeconds, Consumer<WriteOutcome> done) {
        item.validate();
        NodeId target = item.target();
        getItem(target, item.salt(), found -> {
            List<Contact> closest = found.lookup().closest();
            WriteRound round = new WriteRound(target, closest.size(), done);
            for (Contact c : closest) {
                if (c.id().equals(id)) {
                    try {
                        items.put(item, null, env.now(), env.now() + itemLifetimeMillis(ttlSeconds));
                        round.stored(c);
                    } catch (CometException e) {
                        round.refused(c, e.error());
                    }
                    continue;
                }
                byte[] token = found.tokens().get(c.id());
                if (token == null) {
                    round.refused(c, CometError.of(ErrorCode.NO_WRITE_TOKEN));
                    continue;
                }
                Dict.Builder args = Dict.builder().put("id", id).put("token", token);
                ItemStorage.fields(item).forEach(args::put);
                if (ttlSeconds >= 0) {
                    args.put("ttl", ttlSeconds);
                }
                sendQuery(c.address(), c.id(), "put", args.build(), round.callback(c));
            }
        });
    }

    /** Collects where one write went, and reports once every target has stored, refused or stayed silent. */
    static final class WriteRound {
        private final NodeId target;
        private final Consumer<WriteOutcome> done;
        private final List<Contact> stored = new ArrayList<>();
        private final Map<Contact, CometError> refused = new HashMap<>();
        private int outstanding;

        WriteRound(NodeId target, int targets, Consumer<WriteOutcome> done) {
            this.target = target;
            this.done = done;
            this.outstanding = targets;
            if (targets == 0) {
                done.accept(new WriteOutcome(target, List.of(), Map.of()));
            }
        }

        void stored(Contact c) {
            stored.add(c);
            settle();
        }

        /** The target answered but had nothing to do (a delete of an object it does not hold). */
        void absent() {
            settle();
        }

        void refused(Contact c, CometError why) {
            refused.put(c, why);
            settle();
        }

        /** A query callback that counts an answer as stored and an error or silence as a refusal. */
        QueryCallback callback(Contact c) {
            return new QueryCallback() {
                @Override
                public void onResponse(Contact from, KrpcResponse response) {
                    stored(c);
                }

                @Override
                public void onError(KrpcError error) {
                    refused(c, CometError.ofKrpc(error.code(), error.message()));
                }

                @Override
                public void onFailure() {
                    refused(c, NO_ANSWER);
                }
            };
        }

        private void settle() {
            if (--outstanding == 0) {
                done.accept(new WriteOutcome(target, stored, refused));
            }
        }
    }

    /** What this node's active objects are doing: timers running, timer runs, timers refused, requests sent. */
    public ObjectStats objectStats() {
        return objects.stats();
    }

    /**
     * Stores an active object ({@code code}) under {@code key} on the {@code replicas} Comet nodes closest to it
     * (this node included when it is one of them and not read-only), for {@code ttlSeconds} (-1: the nodes'
     * default).
     */
    public void putObject(NodeId key, byte[] code, int replicas, long ttlSeconds, Consumer<WriteOutcome> done) {
        objects.put(key, code, replicas, ttlSeconds, done);
    }

    /**
     * Runs {@code onGet} of the object under {@code key}: on the closest replica that answers ({@code all} false),
     * or on every replica among the closest Comet nodes ({@code all} true), each answer with its node.
     */
    public void getObject(NodeId key, Map<String, byte[]> handlerArgs, boolean all, Consumer<List<ObjectAnswer>> done) {
        objects.get(key, handlerArgs, all, done);
    }

    /**
     * Deletes the object under {@code key} from the closest Comet nodes (each runs its onDelete, which may refuse);
     * {@code done} gets the nodes that deleted it and the refusals.
     */
    public void deleteObject(NodeId key, Consumer<WriteOutcome> done) {
        objects.delete(key, done);
    }

    /** The item in a get response if it is valid for {@code target}, else null (a liar or a broken node). */
    private Item verifiedItem(Dict values, NodeId target, byte[] salt) {
        try {
            Item item = ItemStorage.fromFields(values, salt).validate();
            return item.target().equals(target) ? item : null;
        } catch (CometException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- incoming

    /** A datagram arrived from {@code from}. Never throws: bad input is answered with an error or dropped. */
    public void onDatagram(InetSocketAddress from, byte[] datagram) {
        if (stopped) {
            return;
        }
        if (datagram.length > config.maxDatagramBytes()) {
            malformedDropped++;
            return;
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
                onResponse(from, r);
            } else if (message instanceof KrpcError e) {
                onError(from, e);
            }
        } catch (RuntimeException e) {
            // a bug of ours must not take the node down, and must not go unseen
            internalErrors++;
            if (message instanceof KrpcQuery q) {
                sendError(from, q.transactionId(), KrpcError.SERVER, "server error");
            }
        }
    }

    private void onQuery(InetSocketAddress from, KrpcQuery query, byte[] datagram) {
        queriesReceived++;
        queriesByMethod.merge(COUNTED_METHODS.contains(query.method()) ? query.method() : "other", 1L, Long::sum);
        Dict args = query.arguments();
        Dict reply;
        try {
            NodeId sender = args.id("id");
            // BEP 43: a read-only node asks but does not answer; it has no place in routing tables
            if (!query.readOnly()) {
                learn(new Contact(sender, from), false, query.version());
            }
            if (query.method().startsWith("comet_")) {
                objects.onQuery(from, query, datagram, sender);
                return;
            }
            reply = switch (query.method()) {
                case "ping" -> Dict.builder().put("id", id).build();
                case "find_node" -> Dict.builder().put("id", id)
                        .put("nodes", CompactInfo.nodes(table.closestAnswering(args.id("target"), config.k(), env.now()))).build();
                case "get_peers" -> getPeers(from, args.id("info_hash"));
                case "announce_peer" -> announcePeer(from, args);
                case "get" -> getItem(from, args);
                case "put" -> putItem(from, args);
                default -> throw new CometException(ErrorCode.METHOD_UNKNOWN, "method unknown: " + query.method());
            };
        } catch (CometException e) {
            sendError(from, query.transactionId(), e.code().krpcCode(), e.getMessage());
            return;
        }
        send(from, new KrpcResponse(query.transactionId(), reply, VERSION, from));
    }

    private Dict getPeers(InetSocketAddress from, NodeId infoHash) {
        Dict.Builder reply = Dict.builder().put("id", id)
                .put("token", tokens.tokenFor(from.getAddress(), infoHash))
                .put("nodes", CompactInfo.nodes(table.closestAnswering(infoHash, config.k(), env.now())));
        List<InetSocketAddress> found = peers.peers(infoHash, config.maxPeersPerReply(), env.now());
        if (!found.isEmpty()) {
            List<Object> values = new ArrayList<>(found.size());
            for (InetSocketAddress p : found) {
                if (CompactInfo.encodable(p)) {
                    values.add(CompactInfo.peer(p));
                }
            }
            reply.put("values", values);
        }
        return reply.build();
    }

    private Dict announcePeer(InetSocketAddress from, Dict args) {
        NodeId infoHash = args.id("info_hash");
        if (!tokens.valid(args.bytes("token"), from.getAddress(), infoHash)) {
            throw new CometException(ErrorCode.PROTOCOL, "bad token");
        }
        boolean implied = args.optionalInteger("implied_port", 0) != 0;
        long port = implied ? from.getPort() : args.integer("port");
        if (port < 1 || port > 65535) {
            throw new CometException(ErrorCode.PROTOCOL, "port out of range: " + port);
        }
        peers.announce(infoHash, new InetSocketAddress(from.getAddress(), (int) port), env.now());
        return Dict.builder().put("id", id).build();
    }

    /** BEP 44 get: a write token, the closest nodes, and the item if this node holds a newer one than asked for. */
    private Dict getItem(InetSocketAddress from, Dict args) {
        NodeId target = args.id("target");
        // Comet's object lookups ask for Comet nodes only ("cm" = 1), so they find replicas among Comet nodes even
        // where other Mainline nodes are closer; other implementations ignore the argument
        List<Contact> closest = args.optionalInteger("cm", 0) == 1
                ? table.closestAnsweringComet(target, config.k(), env.now())
                : table.closestAnswering(target, config.k(), env.now());
        Dict.Builder reply = Dict.builder().put("id", id)
                .put("token", tokens.tokenFor(from.getAddress(), target))
                .put("nodes", CompactInfo.nodes(closest));
        Optional<Item> item = items.get(target, env.now());
        if (item.isPresent()) {
            long newerThan = args.optionalInteger("seq", Long.MIN_VALUE);
            if (!item.get().isMutable() || item.get().seq() > newerThan) {
                ItemStorage.fields(item.get()).forEach(reply::put);
            } else {
                reply.put("seq", item.get().seq());
            }
        }
        return reply.build();
    }

    /**
     * BEP 44 put, with Comet's optional {@code ttl} argument (seconds of life left; other implementations ignore
     * it): a re-store by a replica carries the remaining lifetime, so republishing never extends it.
     */
    private Dict putItem(InetSocketAddress from, Dict args) {
        Item item = ItemStorage.fromFields(args, null);
        NodeId target = item.target();
        if (!tokens.valid(args.bytes("token"), from.getAddress(), target)) {
            throw new CometException(ErrorCode.PROTOCOL, "bad token");
        }
        Long cas = args.has("cas") ? args.integer("cas") : null;
        items.put(item, cas, env.now(), env.now() + itemLifetimeMillis(args.optionalInteger("ttl", -1)));
        return Dict.builder().put("id", id).build();
    }

    /** A requested lifetime in seconds (-1: none) as milliseconds within the node's bounds. */
    private long itemLifetimeMillis(long ttlSeconds) {
        return lifetimeMillis(ttlSeconds, config.itemTtlMillis(), config.maxItemTtlMillis());
    }

    /**
     * A lifetime a writer asked for, in seconds, as milliseconds: {@code defaultMillis} when it asked for none (a
     * negative value), otherwise between 1 s and {@code maxMillis}. Items and objects share the rule.
     */
    static long lifetimeMillis(long ttlSeconds, long defaultMillis, long maxMillis) {
        if (ttlSeconds < 0) {
            return defaultMillis;
        }
        return Math.max(1_000, Math.min(maxMillis / 1000, ttlSeconds) * 1000);
    }

    private void onResponse(InetSocketAddress from, KrpcResponse response) {
        PendingCall call = takePending(from, response.transactionId());
        if (call == null) {
            return;
        }
        responsesReceived++;
        Contact sender;
        try {
            sender = new Contact(response.values().id("id"), from);
        } catch (CometException e) {
            malformedDropped++;
            call.callback.onFailure();
            return;
        }
        learn(sender, true, response.version());
        if (call.expected != null && !call.expected.equals(sender.id())) {
            // another node now answers at that address: the one we asked for is gone
            table.failed(call.expected, env.now());
            call.callback.onFailure();
            return;
        }
        call.callback.onResponse(sender, response);
    }

    private void onError(InetSocketAddress from, KrpcError error) {
        PendingCall call = takePending(from, error.transactionId());
        if (call == null) {
            return;
        }
        errorsReceived++;
        call.callback.onError(error);
    }

    private PendingCall takePending(InetSocketAddress from, byte[] tid) {
        PendingCall call = tid.length == 2 ? pending.get(transactionKey(tid)) : null;
        // an answer counts only if it comes from the address we asked (mldht: tid and address must match)
        if (call == null || !call.to.equals(from)) {
            unsolicitedDropped++;
            return null;
        }
        pending.remove(transactionKey(tid));
        call.timer.cancel();
        if (call.attempts == 1) {
            rtt.record(env.now() - call.sentAt);
        }
        return call;
    }

    private static boolean speaksComet(byte[] version) {
        return version != null && version.length >= 2 && version[0] == 'C' && version[1] == 'M';
    }

    private void learn(Contact contact, boolean responded, byte[] version) {
        boolean comet = speaksComet(version);
        RoutingTable.Entry before = responded ? table.entry(contact.id()) : null;
        boolean wasVerified = before != null && before.lastResponse() >= 0;
        Contact toPing = table.heardFrom(contact, responded, comet, env.now());
        if (toPing != null) {
            pingContact(toPing);
        }
        if (responded && !wasVerified && table.entry(contact.id()) != null) {
            handOverItems(contact);
            if (comet && !readOnly && config.replicate()) {
                objects.handOver(contact);
            }
        }
    }

    /**
     * Kademlia's store-on-join: a newly verified contact gets the items it is now among the K closest to. Every
     * holder that meets the newcomer sends its copy (a put of an item already held only refreshes it); letting only
     * the closest holder send lost items in the simulator, because holders disagree on who is closest. Without
     * this, items whose holders all leave within one republish interval would be lost under churn. The remaining
     * lifetime travels with each item.
     */
    private void handOverItems(Contact newcomer) {
        if (readOnly || !config.replicate()) {
            return;
        }
        long now = env.now();
        for (ItemStorage.StoredItem stored : items.all(now, config.maxHandOverScan())) {
            NodeId target = stored.item().target();
            List<Contact> closest = table.closest(target, config.k(), now);
            if (!closest.contains(newcomer)) {
                continue;
            }
            long secondsLeft = (stored.expiresAtMillis() - now) / 1000;
            if (secondsLeft > 0) {
                storeOn(newcomer, stored.item(), secondsLeft);
            }
        }
    }

    /** Stores {@code item} on {@code to}: a get for a write token, then the put. Fire and forget. */
    private void storeOn(Contact to, Item item, long ttlSeconds) {
        sendQuery(to.address(), to.id(), "get", Dict.builder().put("id", id).put("target", item.target()).build(),
                new QueryCallback() {
                    @Override
                    public void onResponse(Contact from, KrpcResponse response) {
                        if (!response.values().has("token")) {
                            return;
                        }
                        Dict.Builder args = Dict.builder().put("id", id).put("token", response.values().bytes("token"))
                                .put("ttl", ttlSeconds);
                        ItemStorage.fields(item).forEach(args::put);
                        sendQuery(to.address(), to.id(), "put", args.build(), IGNORE);
                    }

                    @Override
                    public void onFailure() {
                    }
                });
    }

    /** For requests whose outcome nobody waits for. */
    static final QueryCallback IGNORE = new QueryCallback() {
        @Override
        public void onResponse(Contact from, KrpcResponse response) {
        }

        @Override
        public void onFailure() {
        }
    };

    // ---------------------------------------------------------------- outgoing

    /** What a pending query's sender wants to hear; exactly one of onResponse/onFailure is called. */
    interface QueryCallback {
        void onResponse(Contact from, KrpcResponse response);

        /** Timed out after every attempt, or answered with an error (unless {@link #onError} is overridden). */
        void onFailure();

        /** The node answered with an error reply. */
        default void onError(KrpcError error) {
            onFailure();
        }

        default void onRetry() {
        }
    }

    private static final class PendingCall {
        final InetSocketAddress to;
        final NodeId expected;
        final byte[] datagram;
        final QueryCallback callback;
        long sentAt;
        int attempts = 1;
        Environment.Timer timer;

        PendingCall(InetSocketAddress to, NodeId expected, byte[] datagram, QueryCallback callback) {
            this.to = to;
            this.expected = expected;
            this.datagram = datagram;
            this.callback = callback;
        }
    }

    void sendQuery(InetSocketAddress to, NodeId expected, String method, Dict args, QueryCallback callback) {
        if (stopped) {
            callback.onFailure();
            return;
        }
        if (pending.size() >= 1 << 15) {
            // the 16-bit transaction space is half used: something is flooding us with work
            callback.onFailure();
            return;
        }
        int key;
        do {
            key = nextTransaction++ & 0xFFFF;
        } while (pending.containsKey(key));
        byte[] tid = {(byte) (key >>> 8), (byte) key};
        byte[] datagram = codec.encode(new KrpcQuery(tid, method, args, VERSION, readOnly));
        PendingCall call = new PendingCall(to, expected, datagram, callback);
        pending.put(key, call);
        final int transaction = key;
        call.sentAt = env.now();
        call.timer = env.schedule(rtt.timeoutMillis(), () -> onTimeout(transaction, call));
        queriesSent++;
        env.send(to, datagram);
    }

    private void onTimeout(int key, PendingCall call) {
        if (pending.get(key) != call) {
            return;
        }
        if (call.attempts < config.requestAttempts()) {
            call.attempts++;
            retries++;
            call.timer = env.schedule(rtt.timeoutMillis(), () -> onTimeout(key, call));
            env.send(call.to, call.datagram);
            call.callback.onRetry();
            return;
        }
        pending.remove(key);
        timeouts++;
        if (call.expected != null) {
            table.failed(call.expected, env.now());
        }
        call.callback.onFailure();
    }

    private void send(InetSocketAddress to, KrpcMessage message) {
        env.send(to, codec.encode(message));
    }

    byte[] encode(KrpcMessage message) {
        return codec.encode(message);
    }

    /** Sends an encoded reply, counting error replies. */
    void sent(InetSocketAddress to, byte[] datagram, boolean error) {
        if (error) {
            errorRepliesSent++;
        }
        env.send(to, datagram);
    }

    byte[] tokenFor(java.net.InetAddress address, NodeId target) {
        return tokens.tokenFor(address, target);
    }

    boolean validToken(byte[] token, java.net.InetAddress address, NodeId target) {
        return token != null && tokens.valid(token, address, target);
    }

    private void sendError(InetSocketAddress to, byte[] tid, int code, String message) {
        errorRepliesSent++;
        send(to, new KrpcError(tid, code, message, VERSION));
    }

    private static int transactionKey(byte[] tid) {
        return ((tid[0] & 0xFF) << 8) | (tid[1] & 0xFF);
    }

    /**
     * One step of a lookup: sends {@code method} to {@code to}, hands the response to {@code inspect} and the
     * {@code nodes} it carries to the lookup; {@code inspect} says whether the answer counts among the closest.
     */
    private void lookupStep(Contact to, String method, Dict args, LookupTransport.Reply reply,
                            java.util.function.BiPredicate<Contact, KrpcResponse> inspect) {
        sendQuery(to.address(), to.id(), method, args, new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                List<Contact> nodes;
                boolean counts;
                try {
                    nodes = response.values().has("nodes")
                            ? CompactInfo.nodes(response.values().bytes("nodes")) : List.of();
                    counts = inspect.test(from, response);
                    verifyNewcomers(nodes);
                } catch (CometException e) {
                    malformedDropped++;
                    reply.failed();
                    return;
                }
                if (counts) {
                    reply.responded(from, nodes);
                } else {
                    reply.respondedNotCounting(from, nodes);
                }
            }

            @Override
            public void onFailure() {
                reply.failed();
            }

            @Override
            public void onRetry() {
                reply.retried();
            }
        });
    }

    /** The find_node step of a lookup ({@link LookupTransport}). */
    private void requestNodes(Contact to, NodeId target, LookupTransport.Reply reply) {
        lookupStep(to, "find_node", Dict.builder().put("id", id).put("target", target).build(), reply, (from, r) -> true);
    }

    /**
     * While this node knows fewer than K others, pings contacts heard of second hand whose buckets have room: only
     * contacts that answered us enter the table, and without this a node of a young network would never meet the
     * nodes its lookups did not need to ask. Past K the table fills from traffic as usual (measured: verifying
     * always made lookups converge on fewer answers, mean overlap after killing 20 % fell from 0.99 to 0.95).
     */
    private void verifyNewcomers(List<Contact> heardOf) {
        if (table.size() >= config.k()) {
            return;
        }
        for (Contact c : heardOf) {
            if (verifying.size() >= MAX_VERIFYING) {
                return;
            }
            if (table.wants(c.id()) && verifying.add(c.id())) {
                sendQuery(c.address(), c.id(), "ping", Dict.builder().put("id", id).build(), new QueryCallback() {
                    @Override
                    public void onResponse(Contact from, KrpcResponse response) {
                        verifying.remove(c.id());
                    }

                    @Override
                    public void onFailure() {
                        verifying.remove(c.id());
                    }
                });
            }
        }
    }

    private void pingContact(Contact contact) {
        sendQuery(contact.address(), contact.id(), "ping", Dict.builder().put("id", id).build(), IGNORE);
    }

    // ---------------------------------------------------------------- joining and maintenance

    private void bootstrap() {
        if (stopped) {
            return;
        }
        if (bootstrapAddresses.isEmpty()) {
            becomeReady();
            return;
        }
        bootstrapping = true;
        int[] outstanding = {bootstrapAddresses.size()};
        boolean[] joined = {false};
        for (InetSocketAddress address : bootstrapAddresses) {
            sendQuery(address, null, "find_node", Dict.builder().put("id", id).put("target", id).build(),
                    new QueryCallback() {
                        @Override
                        public void onResponse(Contact from, KrpcResponse response) {
                            outstanding[0]--;
                            if (!joined[0]) {
                                joined[0] = true;
                                joinThroughSelfLookup();
                            }
                        }

                        @Override
                        public void onFailure() {
                            outstanding[0]--;
                            if (outstanding[0] == 0 && !joined[0]) {
                                // nobody answered: try again later; a node that never joined is not ready
                                bootstrapTimer = env.schedule(config.bootstrapRetryMillis(), Node.this::bootstrap);
                            }
                        }
                    });
        }
    }

    /** Self lookup, then one lookup for each bucket that is not full: how a new node fills its table. */
    private void joinThroughSelfLookup() {
        lookup(id, self -> {
            List<NodeId> targets = table.refreshTargets(env.now(), true, env.random());
            if (targets.isEmpty()) {
                joined();
                return;
            }
            int[] outstanding = {targets.size()};
            for (NodeId target : targets) {
                lookup(target, result -> {
                    if (--outstanding[0] == 0) {
                        joined();
                    }
                });
            }
        });
    }

    /**
     * A join round is over. A node that joined a young network may know fewer than K others: it repeats the round
     * with a growing pause (bootstrap retry interval, doubling up to the maintenance interval) until it knows K,
     * instead of waiting for the 15-minute bucket refresh.
     */
    private void joined() {
        bootstrapping = false;
        becomeReady();
        if (table.size() < config.k() && !stopped) {
            rejoinDelayMillis = rejoinDelayMillis == 0 ? config.bootstrapRetryMillis()
                    : Math.min(2 * rejoinDelayMillis, config.maintenanceIntervalMillis());
            bootstrapTimer = env.schedule(rejoinDelayMillis, () -> {
                if (!stopped && !bootstrapping && table.size() < config.k()) {
                    bootstrapping = true;
                    joinThroughSelfLookup();
                }
            });
        }
    }

    private void becomeReady() {
        if (ready) {
            return;
        }
        ready = true;
        List<Runnable> listeners = new ArrayList<>(readyListeners);
        readyListeners.clear();
        for (Runnable r : listeners) {
            r.run();
        }
    }

    private void scheduleMaintenance() {
        // jitter spreads the maintenance of many nodes started together
        long delay = config.maintenanceIntervalMillis() / 2 + env.random().nextLong(config.maintenanceIntervalMillis());
        maintenanceTimer = env.schedule(delay, this::maintain);
    }

    private void maintain() {
        if (stopped) {
            return;
        }
        long now = env.now();
        env.store().purgeExpired(now);
        if (table.size() == 0 && !bootstrapping && !bootstrapAddresses.isEmpty()) {
            bootstrap();
        } else if (!bootstrapping) {
            for (NodeId target : table.refreshTargets(now, false, env.random())) {
                lookup(target, result -> { });
            }
            for (Contact c : table.questionableContacts(now)) {
                pingContact(c);
            }
        }
        scheduleMaintenance();
    }

    private void scheduleRepublish() {
        long interval = config.republishIntervalMillis();
        long jitter = interval / 10;
        republishTimer = env.schedule(interval - jitter + env.random().nextLong(2 * jitter + 1), this::republish);
    }

    /**
     * Re-stores every item this node holds on the nodes now closest to it, with the lifetime it has left, so an
     * item outlives the departure of the nodes that first held it but not its own expiry.
     */
    private void republish() {
        if (stopped || !config.replicate()) {
            return;
        }
        long now = env.now();
        for (ItemStorage.StoredItem stored : items.all(now, Integer.MAX_VALUE)) {
            long secondsLeft = (stored.expiresAtMillis() - now) / 1000;
            if (secondsLeft > 0) {
                putItem(stored.item(), secondsLeft, result -> { });
            }
        }
        if (!readOnly) {
            objects.republish();
        }
        scheduleRepublish();
    }

    private void rotateTokens() {
        if (stopped) {
            return;
        }
        tokens.rotate();
        tokenTimer = env.schedule(config.tokenRotationMillis(), this::rotateTokens);
    }

}
