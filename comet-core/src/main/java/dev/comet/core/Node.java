package dev.comet.core;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectStorage;
import dev.comet.guard.Guard;
import dev.comet.aso.ObjectVersions;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.aso.TombstoneStorage.Tombstone;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.ObjectSignature;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcResponse;
import dev.comet.krpc.TokenManager;
import dev.comet.lookup.LookupResult;
import dev.comet.peers.PeerStore;
import dev.comet.routing.Contact;
import dev.comet.routing.ContactEntry;
import dev.comet.routing.RoutingTable;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Comet node (a valid Mainline DHT node) as a sans-I/O state machine (DESIGN.md §2.1): datagrams and timer
 * firings come in as calls, everything going out goes through its {@link Environment}. It wires its parts together
 * (docs/architecture.md shows them and how a datagram flows through them) and is their one public face: the
 * runtimes and clients call only this class. It owns the write-token rotation timer and the lifecycle flags.
 *
 * <p>Not thread-safe by design: every call must come from the thread the environment runs it on, one thread at a time
 * (a simulator may move a node between threads only at points that order the two).
 */
public final class Node {
    /** Our KRPC client version: "CM" and a two-byte version, how other Comet nodes recognise us. */
    public static final byte[] VERSION = ClientVersion.COMET;

    private final NodeId id;
    private final Contact self;
    private final NodeConfig config;
    private final Environment env;
    private final RoutingTable table;
    private final TokenManager tokens;
    private final Datagrams datagrams;
    private final Transactions transactions;
    private final QueryDispatch dispatch;
    private final Lookups lookups;
    private final Membership membership;
    private final CometOverlay overlay;
    private final ItemService itemService;
    private final Replication replication;
    private final ObjectTimers objectTimers;
    private final HandlerRequests handlerRequests;
    private final ObjectLifecycle objectLifecycle;
    private final ObjectRecords objectRecords;
    private final ObjectClient objectClient;
    private final ObjectStorage objects;
    private final OwnerRequests ownerRequests;
    private final Guard guard;
    private final NodeCoordinates coordinates;
    private final ExternalAddress externalAddress = new ExternalAddress();
    /** The contacts its answers name; on a dual-stack host, also the other family's ({@link #pairWith}). */
    private final AnswerContacts answers;
    private boolean started;
    private boolean stopped;
    private Environment.Timer tokenTimer;

    /** A node with id {@code id} that others reach at {@code address}. */
    public Node(NodeId id, InetSocketAddress address, NodeConfig config, Environment env) {
        this.id = id;
        this.self = new Contact(id, address);
        this.config = config;
        this.env = env;
        KrpcCodec codec = new KrpcCodec(config.bencodeLimits());
        this.table = new RoutingTable(id, config, env.now());
        this.answers = new AnswerContacts(table, config, env, CompactInfo.ipv6(address));
        this.tokens = new TokenManager(env.random());
        PeerStore peers = new PeerStore(env.store(), config.peerTtlMillis(), config.maxPeersPerInfoHash());
        ItemStorage items = new ItemStorage(env.store());
        this.objects = new ObjectStorage(env.store());
        this.ownerRequests = new OwnerRequests(env, config.access());
        this.guard = new Guard(config.guard(), config.maxStoreRecords(), config.maxStoreBytes(),
                key -> env.store().get(key, env.now()).map(r -> key.length + r.value().length).orElse(-1), env.now());
        guard.storage().exempt(address);
        NodeCoordinates coordinates = new NodeCoordinates(config.coordinates(), id);
        this.coordinates = coordinates;
        // the parts hear of each other through the narrow listeners below, wired here: no part knows the Node
        this.datagrams = new Datagrams(env, config);
        this.transactions = new Transactions(env, config, codec, datagrams, guard.pacer(), new Transactions.Listener() {
            @Override
            public void answered(Contact contact, byte[] version) {
                membership.heardFrom(contact, true, version);
            }

            @Override
            public void failed(NodeId failed) {
                // a Comet contact's first silence may open its place among an object's replicas: a ping confirms
                ContactEntry comet = table.cometEntry(failed);
                boolean wasAnswering = comet != null && comet.failures() == 0 && comet.lastResponse() >= 0;
                membership.failed(failed);
                if (wasAnswering) {
                    replication.replicaSilent(comet.contact());
                }
            }

            @Override
            public void addressConfirmed(InetSocketAddress address, byte[] version) {
                guard.answered(address, ClientVersion.isComet(version), env.now());
            }

            @Override
            public void observedAs(InetSocketAddress address, InetSocketAddress observed) {
                externalAddress.vote(address, observed);
            }

            @Override
            public void idChanged(InetSocketAddress address, NodeId expected, NodeId answered) {
                guard.banIdChange(address, env.now());
                membership.forget(expected);
            }

            @Override
            public void measured(Contact contact, long rttMillis, Dict values) {
                coordinates.measured(contact.id(), values, rttMillis);
            }
        });
        this.dispatch = new QueryDispatch(config, env, codec, datagrams, transactions, guard,
                to -> transactions.probe(to, id), this::queriedBy, coordinates);
        this.lookups = new Lookups(self, config, env, table, tokens, items, transactions,
                this::heardOf);
        RemoteStore remote = new RemoteStore(id, transactions);
        this.itemService = new ItemService(self, config, env, answers, tokens, items, lookups, transactions,
                guard.storage());
        this.objectTimers = new ObjectTimers(env, config.objects());
        this.objectClient = new ObjectClient(id, config, lookups, transactions, coordinates);
        this.handlerRequests = new HandlerRequests(id, env, config.objects(), objects, transactions, remote,
                objectClient);
        this.objectLifecycle = new ObjectLifecycle(id, env, config.objects(), table, objects, objectTimers,
                handlerRequests, coordinates);
        this.objectRecords = new ObjectRecords(id, objects, objectLifecycle);
        Tombstones tombstones = new Tombstones(env, config.objects());
        TombstoneRecords tombstoneRecords = new TombstoneRecords(id, tombstones);
        this.replication = new Replication(self, config, env, table, lookups, remote, transactions,
                List.of(new ItemRecords(config, items, itemService), objectRecords, tombstoneRecords));
        this.membership = new Membership(id, config, env, table, transactions, lookups, new Membership.Listener() {
            @Override
            public void verified(Contact contact, boolean speaksComet) {
                replication.handOver(contact, speaksComet);
            }

            @Override
            public void maintenance(long now) {
                env.store().purgeExpired(now);
                guard.maintain(now);
            }

            @Override
            public void idChanged(InetSocketAddress address, NodeId old) {
                guard.banIdChange(address, env.now());
            }
        });
        this.overlay = new CometOverlay(self, config, env, table, transactions, lookups);
        new Bep5Handlers(id, config, env, answers, tokens, peers, guard.storage()).registerWith(dispatch);
        itemService.registerWith(dispatch);
        ObjectUpdates updates = new ObjectUpdates(self, config, env, table, objects, new ObjectVersions(env.store()),
                ownerRequests, transactions, coordinates, new ReplicaSet(id, config, env, table, lookups));
        new ObjectQueries(id, config, env, table, answers, tokens, objects, objectLifecycle, dispatch, ownerRequests, tombstones,
                new ObjectQueries.OutdatedCopies() {
                    @Override
                    public void deleted(Contact holder, Tombstone tombstone) {
                        replication.handTo(tombstoneRecords, holder, tombstone);
                    }

                    @Override
                    public void olderVersion(Contact holder, StoredObject held) {
                        replication.handTo(objectRecords, holder, held);
                    }
                }, updates, guard.storage(), coordinates)
                .registerWith(dispatch);
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
        transactions.setReadOnly(readOnly);
        lookups.setReadOnly(readOnly);
        replication.setReadOnly(readOnly);
        overlay.setReadOnly(readOnly);
    }

    /**
     * Never looks for Comet nodes (no rendezvous announce, no Comet self-lookup): for a node that stands for another
     * Mainline client, as the simulator's foreign nodes do. Such a client would not announce itself on Comet's
     * rendezvous key; one that did crowded out the Comet nodes there. Call before {@link #start}.
     */
    public void withoutCometOverlay() {
        overlay.stop();
    }

    /**
     * Pairs this node with {@code other}, the same host's node in the other address family (a dual-stack node, BEP
     * 32): each keeps its own routing table, and names the other's closest contacts too in answers to queries whose
     * {@code want} asks for that family. Both must run on one thread, and this is called on it.
     */
    public void pairWith(Node other) {
        if (other.answers.family().equals(answers.family())) {
            throw new IllegalArgumentException("a dual-stack pair is one IPv4 node and one IPv6 node");
        }
        answers.pairWith(other.table);
        other.answers.pairWith(table);
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

    /** True once the first join round has finished (its bucket fills may be deferred: joinFillDelayMillis). */
    public boolean isReady() {
        return membership.isReady();
    }

    /** Runs {@code listener} once the node is ready (at once if it already is). */
    public void whenReady(Runnable listener) {
        membership.whenReady(listener);
    }

    /** Fills the buckets that are not full now, not joinFillDelayMillis after joining; {@code done} runs after. */
    public void fillBuckets(Runnable done) {
        membership.fillBuckets(done);
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
        tokenTimer = env.schedule(config.tokenRotationMillis(), this::rotateTokens);
        membership.startMaintenance();
        replication.start();
        objectLifecycle.resume();
        membership.join(bootstrap);
        membership.whenReady(overlay::start);
    }

    /** Stops timers and forgets pending requests; later datagrams are ignored. */
    public void stop() {
        stopped = true;
        dispatch.stop();
        membership.stop();
        overlay.stop();
        replication.stop();
        if (tokenTimer != null) {
            tokenTimer.cancel();
        }
        transactions.stop();
        objectTimers.stop();
    }

    /** A datagram arrived from {@code from}. Never throws: bad input is answered with an error or dropped. */
    public void onDatagram(InetSocketAddress from, byte[] datagram) {
        dispatch.onDatagram(from, datagram);
    }

    /**
     * The node's public IP address as its peers name it (BEP 42's {@code ip}), when they agree on one this node's id
     * is not bound to: other Comet nodes will not choose this node as a replica (docs/abuse.md, "BEP 42"). A
     * {@code UdpNode} then replaces this node with one holding a bound id.
     */
    public java.util.Optional<java.net.InetAddress> unboundPublicAddress() {
        return externalAddress.unboundPublicAddress(id);
    }

    public NodeStats stats() {
        return new NodeStats(dispatch.queriesReceived(), transactions.responsesReceived(), transactions.errorsReceived(),
                transactions.queriesSent(), transactions.retries(), transactions.retriesSkipped(), transactions.timeouts(),
                dispatch.malformedDropped() + transactions.malformedDropped() + lookups.malformedDropped(),
                transactions.unsolicitedDropped(), dispatch.errorRepliesSent(), dispatch.internalErrors(),
                lookups.started(), lookups.finished(), transactions.forgedDropped(), guard.stats(), datagrams.stats());
    }

    /** This node's network coordinate (Vivaldi, docs/apps/tracker.md); empty when coordinates are off. */
    public java.util.Optional<dev.comet.coords.Estimate> coordinate() {
        return coordinates.own();
    }

    /** Round trips that moved this node's coordinate so far. */
    public long coordinateSamples() {
        return coordinates.samples();
    }

    /** The node's defences (tests read its parts' state; the node's thread only). */
    Guard guard() {
        return guard;
    }

    /** Queries received so far by method ("other" for methods we do not know); a copy. */
    public Map<String, Long> queriesByMethod() {
        return dispatch.queriesByMethod();
    }

    /** Hops of every finished lookup added up (divided by lookupsFinished: the mean). */
    public long lookupHops() {
        return lookups.hops();
    }

    /** Requests sent by every finished lookup added up, retries included (divided by lookupsFinished: the mean). */
    public long lookupMessages() {
        return lookups.messages();
    }

    /** What replication has done: republish and hand-over rounds, their lookups' requests, and stores sent. */
    public ReplicationStats replicationStats() {
        return replication.stats();
    }

    /** What this node's active objects are doing: timers running, timer runs, timers refused, requests sent. */
    public ObjectStats objectStats() {
        return new ObjectStats(objectTimers.running(), objectLifecycle.timerRuns(), objectTimers.refused(),
                handlerRequests.sent(), objectRecords.storesSent(), objectRecords.dropped());
    }

    /** An iterative find_node lookup for {@code target}; {@code done} gets the K closest nodes that answered. */
    public void lookup(NodeId target, Consumer<LookupResult> done) {
        lookups.findNode(target, done);
    }

    /** Pings {@code address}; {@code done} gets the contact that answered, or null when it did not. */
    public void ping(InetSocketAddress address, Consumer<Contact> done) {
        transactions.send(address, null, "ping", Dict.builder().put("id", id).build(), new QueryCallback() {
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
     * Looks up {@code target} with BEP 44 get queries and returns the best item the closest nodes hold, verified
     * (hash for an immutable item; signature, target and {@code salt} for a mutable one).
     */
    public void getItem(NodeId target, byte[] salt, Consumer<ItemLookup> done) {
        itemService.get(target, salt, done);
    }

    /**
     * Stores {@code item} on the K closest nodes to its target (this node included when it is one of them), for
     * {@code ttlSeconds} (-1: each node's default).
     */
    public void putItem(Item item, long ttlSeconds, Consumer<WriteOutcome> done) {
        itemService.put(item, ttlSeconds, done);
    }

    /**
     * Stores an active object ({@code code}) under {@code key} on the {@code replicas} Comet nodes closest to it
     * (this node included when it is one of them and not read-only), for {@code ttlSeconds} (-1: the nodes'
     * default).
     */
    public void putObject(NodeId key, byte[] code, int replicas, long ttlSeconds, Consumer<WriteOutcome> done) {
        objectClient.put(key, code, null, replicas, ttlSeconds, done);
    }

    /**
     * Stores a signed object: {@code code} signed by its owner ({@code signature}, made by the owner's client), under
     * the key the signature names, SHA-1(public key ‖ salt). Every replica checks the signature before it runs
     * anything.
     */
    public void putSignedObject(byte[] code, ObjectSignature signature, int replicas, long ttlSeconds,
                                Consumer<WriteOutcome> done) {
        objectClient.put(signature.key(), code, signature, replicas, ttlSeconds, done);
    }

    /**
     * Sends a writer's signed guarded update ({@code request}, its body the update program) of the signed object
     * under {@code key} to the object's primary, which orders it among the object's updates and confirms it once a
     * majority of the replicas hold the new version.
     */
    public void updateObject(NodeId key, OwnerRequest request, Consumer<UpdateOutcome> done) {
        if (!OwnerRequest.UPDATE.equals(request.operation()) || !request.key().equals(key)) {
            throw new CometException(ErrorCode.BAD_INPUT, "an update needs an update request signed for this key");
        }
        objectClient.update(key, request, done);
    }

    /**
     * Reads a kept version of the signed object under {@code key}: by number ({@code number}, or null) or by the
     * SHA-256 of its bytes ({@code hash}, or null); with both null, the list of the kept versions.
     */
    public void readVersion(NodeId key, Long number, byte[] hash, Consumer<List<ObjectAnswer>> done) {
        Map<String, Object> selector = number != null ? Map.of("ver", number)
                : hash != null ? Map.of("vh", hash) : Map.of("versions", 1L);
        objectClient.readVersion(key, selector, done);
    }

    /**
     * Runs {@code onGet} of the object under {@code key}: on the closest replica that answers ({@code all} false),
     * or on every replica among the closest Comet nodes ({@code all} true), each answer with its node.
     */
    public void getObject(NodeId key, Map<String, byte[]> handlerArgs, boolean all, Consumer<List<ObjectAnswer>> done) {
        objectClient.get(key, handlerArgs, all, done);
    }

    /**
     * Runs {@code onGet} of the signed object under {@code key} on the closest replica that can answer within a
     * freshness bound: holding at least version {@code minVersion} of the value, and ({@code maxAgeSeconds} at least
     * 0) knowing it current at most that long ago. Replicas that cannot say so are passed over; when none can, the
     * answer is their 353.
     */
    public void getFresh(NodeId key, Map<String, byte[]> handlerArgs, long minVersion, long maxAgeSeconds,
                         Consumer<List<ObjectAnswer>> done) {
        objectClient.getFresh(key, handlerArgs, minVersion, maxAgeSeconds, done);
    }

    /**
     * Deletes the object under {@code key} from the closest Comet nodes (each runs its onDelete, which may refuse);
     * {@code done} gets the nodes that deleted it and the refusals.
     */
    public void deleteObject(NodeId key, Consumer<WriteOutcome> done) {
        objectClient.delete(key, null, done);
    }

    /**
     * Deletes the signed object under {@code key} with its owner's signed {@code request} (made by the owner's client):
     * every replica checks the request (signer, window, signature, nonce) before its onDelete runs.
     */
    public void deleteObject(NodeId key, OwnerRequest request, Consumer<WriteOutcome> done) {
        if (request == null || !request.operation().equals(OwnerRequest.DELETE) || !request.key().equals(key)) {
            throw new CometException(ErrorCode.BAD_INPUT, "a signed delete needs a delete request for the same key");
        }
        objectClient.delete(key, request, done);
    }

    /**
     * Throws the refusal unless this node may show the state and log of its replica of {@code key} to the caller:
     * the operator with the node's admin token ({@code adminToken}, 912 when it is not the one set, or none is set);
     * otherwise the owner of a signed object with a request for its state it signed ({@code request}, checked as a
     * signed delete is: 346, 345, 344, 206, 343, 347). An unsigned object's state is the operator's only (912).
     */
    public void admitStateRead(NodeId key, String adminToken, OwnerRequest request) {
        ownerRequests.admitStateRead(objects.get(key, env.now()), key, adminToken, request);
    }

    private void queriedBy(Contact contact, byte[] version) {
        membership.heardFrom(contact, false, version);
    }

    private void heardOf(List<Contact> nodes, boolean comet) {
        membership.verifyNewcomers(nodes);
        if (comet) {
            overlay.heardOfComet(nodes);
        }
    }

    private void rotateTokens() {
        if (stopped) {
            return;
        }
        tokens.rotate();
        tokenTimer = env.schedule(config.tokenRotationMillis(), this::rotateTokens);
    }
}
