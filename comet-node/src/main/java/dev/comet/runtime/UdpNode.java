package dev.comet.runtime;

import dev.comet.core.ItemLookup;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoRuntime;
import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.core.Node;
import dev.comet.owned.OwnerRequest;
import dev.comet.core.NodeConfig;
import dev.comet.id.Bep42;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.lookup.LookupResult;
import dev.comet.routing.Contact;
import dev.comet.storage.InMemoryStore;
import dev.comet.storage.Store;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A {@link Node} on a real UDP socket: the Environment is a Netty datagram channel and its event loop, so every
 * call into the node runs on that one loop thread. Other threads talk to the node through {@link #call}.
 */
public final class UdpNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpNode.class);
    private static final long CONTACT_SAVE_INTERVAL_MILLIS = 30_000;
    /** How often the node looks at the address its peers see (a look is a handful of map reads). */
    private static final long ID_CHECK_INTERVAL_MILLIS = 1_000;
    /**
     * The least time between two id switches: the address comes from peers' votes, and a few peers that lie (or a
     * NAT that changes address) must not make the node rebuild its routing table again and again.
     */
    private static final long ID_SWITCH_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(30);

    private final Channel channel;
    private final EventLoop loop;
    /** The node and its runtime: replaced together, on the loop, when the node takes an id bound to its address. */
    private volatile Node node;
    private volatile AsoRuntime runtime;
    private final DataDirectory dataDirectory;
    private final Store store;
    private final NodeConfig config;
    private final RandomGenerator random;
    private final AsoRuntimeFactory runtimes;
    /** The current node's environment: retired with its node when the node takes a bound id (node thread only). */
    private LoopEnvironment environment;
    /** What the node joined through at start: it joins through it again, and its contacts, with a new id. */
    private List<InetSocketAddress> joinThrough = List.of();
    /** The other family's node of a dual-stack pair, or null (node thread only). */
    private UdpNode partner;
    /** The public address saved for the next start, and when the id may switch next (node thread only). */
    private InetAddress savedAddress;
    private long nextSwitchNanos = System.nanoTime();
    private volatile boolean closed;
    /** The futures of operations not completed yet, failed when the node closes (any thread). */
    private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
    /** The public address whose bound id could not be saved, already warned of (node thread only). */
    private InetAddress warnedUnbound;

    private UdpNode(Channel channel, NodeId id, NodeConfig config, DataDirectory dataDirectory, Store store,
                    RandomGenerator random, AsoRuntimeFactory runtimes) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.dataDirectory = dataDirectory;
        this.store = store;
        this.config = config;
        this.random = random;
        this.runtimes = runtimes;
        this.runtime = runtimeFor(id);
        this.environment = new LoopEnvironment(channel, random, store, runtime, () -> closed);
        this.node = new Node(id, (InetSocketAddress) channel.localAddress(), config, environment);
    }

    private AsoRuntime runtimeFor(NodeId id) {
        return runtimes == null ? AsoRuntime.NONE
                : runtimes.create(loop, id, (InetSocketAddress) channel.localAddress(), System::currentTimeMillis);
    }

    /**
     * Binds a UDP socket on {@code bind} (port 0 picks a free one), starts the node on {@code group} and joins
     * through {@code bootstrap} plus the contacts saved in {@code dataDirectory} (which may be null: no persistence).
     */
    public static UdpNode start(EventLoopGroup group, InetSocketAddress bind, NodeConfig config,
                                Collection<InetSocketAddress> bootstrap, DataDirectory dataDirectory) {
        return start(group, bind, config, bootstrap, dataDirectory, false);
    }

    /** As {@link #start(EventLoopGroup, InetSocketAddress, NodeConfig, Collection, DataDirectory)}; a
     * {@code readOnly} node is a short-lived client (BEP 43, see {@link Node#setReadOnly}). */
    public static UdpNode start(EventLoopGroup group, InetSocketAddress bind, NodeConfig config,
                                Collection<InetSocketAddress> bootstrap, DataDirectory dataDirectory, boolean readOnly) {
        return start(group, bind, config, bootstrap, dataDirectory, readOnly, null);
    }

    /** As above, running active objects in the runtime {@code runtimes} makes (null: none). */
    public static UdpNode start(EventLoopGroup group, InetSocketAddress bind, NodeConfig config,
                                Collection<InetSocketAddress> bootstrap, DataDirectory dataDirectory, boolean readOnly,
                                AsoRuntimeFactory runtimes) {
        RandomGenerator random = new Random(new SecureRandom().nextLong());
        NodeId id = dataDirectory != null ? dataDirectory.loadOrCreateId(random, bind.getAddress())
                : Bep42.idFor(bind.getAddress(), random);
        List<InetSocketAddress> joinThrough = new ArrayList<>(bootstrap);
        if (dataDirectory != null) {
            for (Contact c : dataDirectory.loadContacts()) {
                joinThrough.add(c.address());
            }
        }
        UdpNode[] holder = new UdpNode[1];
        Channel channel;
        try {
            channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxDatagramBytes() + 1))
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            holder[0].receive(packet);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            LOG.debug("udp channel error: {}", cause.toString());
                        }
                    })
                    .bind(bind).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new CometException(ErrorCode.IO, "cannot bind UDP " + bind + ": " + e.getMessage(), e);
        }
        Store store;
        try {
            store = dataDirectory != null ? dataDirectory.openStore(config)
                    : new InMemoryStore(config.maxStoreRecords(), config.maxStoreBytes());
        } catch (RuntimeException e) {
            channel.close().syncUninterruptibly();
            throw e;
        }
        UdpNode udpNode = new UdpNode(channel, id, config, dataDirectory, store, random, runtimes);
        holder[0] = udpNode;
        udpNode.loop.execute(() -> {
            udpNode.joinThrough = List.copyOf(joinThrough);
            udpNode.node.setReadOnly(readOnly);
            udpNode.node.start(joinThrough);
            if (dataDirectory != null) {
                udpNode.node.whenReady(udpNode::saveContacts);
                udpNode.scheduleContactSaving();
            }
            // a read-only client keeps its id; a node listening on a public address has one bound to it already
            if (!readOnly && Bep42.exempt(udpNode.address().getAddress())) {
                udpNode.scheduleIdCheck();
            }
        });
        return udpNode;
    }

    public InetSocketAddress address() {
        return node.self().address();
    }

    /**
     * Starts this node's partner in the other address family (a dual-stack node, BEP 32), bound to {@code bind} and
     * joining through {@code bootstrap}: a node of its own, with its own id, routing table and store
     * ({@code dataDirectory}, which may be null), as mldht and libtorrent run one DHT per family. It runs on this
     * node's event loop, and the two are paired ({@link Node#pairWith}): each names the other family's closest
     * contacts in answers to queries whose {@code want} asks for them.
     */
    public UdpNode startOtherFamily(InetSocketAddress bind, Collection<InetSocketAddress> bootstrap,
                                    DataDirectory dataDirectory, AsoRuntimeFactory runtimes) {
        if ((bind.getAddress() instanceof java.net.Inet6Address) == (address().getAddress() instanceof java.net.Inet6Address)) {
            throw new CometException(ErrorCode.BAD_INPUT, "the other family's node needs an address of the other family: "
                    + Contact.hostPort(address()) + " and " + Contact.hostPort(bind) + " are both IPv"
                    + (bind.getAddress() instanceof java.net.Inet6Address ? "6" : "4"));
        }
        UdpNode other = start(loop, bind, node.config(), bootstrap, dataDirectory, false, runtimes);
        loop.execute(() -> {
            partner = other;
            other.partner = this;
            node.pairWith(other.node);
        });
        return other;
    }

    /** The settings this node runs with. */
    public NodeConfig config() {
        return node.config();
    }

    /** Where this node's active objects run (for their statistics and per-object reports). */
    public AsoRuntime asoRuntime() {
        return runtime;
    }

    public NodeId id() {
        return node.id();
    }

    /** Runs {@code action} on the node's thread and completes with its result. */
    public <T> CompletableFuture<T> call(Function<Node, T> action) {
        return onLoop(result -> result.complete(action.apply(node)));
    }

    /**
     * Starts an operation on the node's thread: {@code start} gets the future to complete. A start that throws fails
     * the future with its exception, and a node closed before the operation completes fails it with
     * {@link ErrorCode#NODE_STOPPED}, so no caller waits for an answer the stopped node will never give.
     */
    private <T> CompletableFuture<T> onLoop(Consumer<CompletableFuture<T>> start) {
        CompletableFuture<T> result = new CompletableFuture<>();
        outstanding.add(result);
        result.whenComplete((value, failure) -> outstanding.remove(result));
        if (closed) {
            result.completeExceptionally(nodeStopped());
            return result;
        }
        try {
            loop.execute(() -> {
                if (closed) {
                    result.completeExceptionally(nodeStopped()); // queued behind close(): the node has stopped
                    return;
                }
                try {
                    start.accept(result);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(nodeStopped()); // the event loop has shut down
        }
        return result;
    }

    private static CometException nodeStopped() {
        return new CometException(ErrorCode.NODE_STOPPED, ErrorCode.NODE_STOPPED.meaning());
    }

    public CompletableFuture<LookupResult> lookup(NodeId target) {
        return onLoop(result -> node.lookup(target, result::complete));
    }

    /** A BEP 44 get through the DHT (see {@link Node#getItem}). */
    public CompletableFuture<ItemLookup> getItem(NodeId target, byte[] salt) {
        return onLoop(result -> node.getItem(target, salt, result::complete));
    }

    /** A BEP 44 put on the K closest nodes (see {@link Node#putItem}); fails at once for an invalid item. */
    public CompletableFuture<WriteOutcome> putItem(Item item, long ttlSeconds) {
        return onLoop(result -> node.putItem(item, ttlSeconds, result::complete));
    }

    /** Stores an active object on {@code replicas} nodes (see {@link Node#putObject}). */
    public CompletableFuture<WriteOutcome> putObject(NodeId key, byte[] code, int replicas, long ttlSeconds) {
        return onLoop(result -> node.putObject(key, code, replicas, ttlSeconds, result::complete));
    }

    /** Stores a signed object on {@code replicas} nodes (see {@link Node#putSignedObject}). */
    public CompletableFuture<WriteOutcome> putSignedObject(byte[] code, dev.comet.owned.ObjectSignature signature,
                                                           int replicas, long ttlSeconds) {
        return onLoop(result -> node.putSignedObject(code, signature, replicas, ttlSeconds, result::complete));
    }

    /** Runs onGet of an object on the closest replica, or on all (see {@link Node#getObject}). */
    public CompletableFuture<List<ObjectAnswer>> getObject(NodeId key, java.util.Map<String, byte[]> args, boolean all) {
        return onLoop(result -> node.getObject(key, args, all, result::complete));
    }

    /** Runs onGet within a freshness bound (see {@link Node#getFresh}). */
    public CompletableFuture<List<ObjectAnswer>> getFresh(NodeId key, java.util.Map<String, byte[]> args, long minVersion,
                                                          long maxAgeSeconds) {
        return onLoop(result -> node.getFresh(key, args, minVersion, maxAgeSeconds, result::complete));
    }

    /** Deletes an object from the K closest nodes (see {@link Node#deleteObject}). */
    public CompletableFuture<WriteOutcome> deleteObject(NodeId key) {
        return onLoop(result -> node.deleteObject(key, result::complete));
    }

    /** Deletes a signed object with its owner's signed request (see {@link Node#deleteObject(NodeId, OwnerRequest, java.util.function.Consumer)}). */
    public CompletableFuture<WriteOutcome> deleteObject(NodeId key, OwnerRequest request) {
        return onLoop(result -> node.deleteObject(key, request, result::complete));
    }

    /** Sends a writer's signed guarded update (see {@link Node#updateObject}). */
    public CompletableFuture<dev.comet.core.UpdateOutcome> updateObject(NodeId key, OwnerRequest request) {
        return onLoop(result -> node.updateObject(key, request, result::complete));
    }

    /** Reads a kept version of a signed object's value, or the list of them (see {@link Node#readVersion}). */
    public CompletableFuture<List<ObjectAnswer>> readVersion(NodeId key, Long number, byte[] hash) {
        return onLoop(result -> node.readVersion(key, number, hash, result::complete));
    }

    /** Checks on the node's thread that the caller may see its replica's state (see {@link Node#admitStateRead}). */
    public CompletableFuture<Void> admitStateRead(NodeId key, String adminToken, OwnerRequest request) {
        return call(n -> {
            n.admitStateRead(key, adminToken, request);
            return null;
        });
    }

    /** How much of its quota the node's store uses (read on the node's thread). */
    public CompletableFuture<dev.comet.storage.StoreUsage> storeUsage() {
        return call(n -> store.usage());
    }

    /** Completes once the node has finished its first bootstrap round. */
    public CompletableFuture<Void> ready() {
        return onLoop(result -> node.whenReady(() -> result.complete(null)));
    }

    /** Completes once the node has filled the buckets that are not full (see {@link Node#fillBuckets}). */
    public CompletableFuture<Void> fillBuckets() {
        return onLoop(result -> node.fillBuckets(() -> result.complete(null)));
    }

    /** Stops the node, saves its contacts and closes the socket. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    if (dataDirectory != null) {
                        saveContacts();
                    }
                    node.stop();
                } finally {
                    stopped.complete(null);
                }
            });
            stopped.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("node did not stop cleanly: {}", e.toString());
        }
        // the stopped node forgot its pending requests: their operations would never complete on their own
        for (CompletableFuture<?> f : List.copyOf(outstanding)) {
            f.completeExceptionally(nodeStopped());
        }
        channel.close().syncUninterruptibly();
        store.close();
    }

    private void receive(DatagramPacket packet) {
        ByteBuf content = packet.content();
        if (content.readableBytes() > node.config().maxDatagramBytes()) {
            return; // truncated by the receive buffer: an oversized datagram
        }
        byte[] bytes = new byte[content.readableBytes()];
        content.readBytes(bytes);
        node.onDatagram(packet.sender(), bytes);
    }

    private void scheduleContactSaving() {
        loop.schedule(() -> {
            if (!closed) {
                saveContacts();
                scheduleContactSaving();
            }
        }, CONTACT_SAVE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void saveContacts() {
        try {
            List<Contact> contacts = node.knownContacts();
            if (!contacts.isEmpty()) {
                dataDirectory.saveContacts(contacts);
            }
        } catch (CometException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    private void scheduleIdCheck() {
        loop.schedule(() -> {
            if (!closed) {
                takeBoundIdIfUnbound();
                scheduleIdCheck();
            }
        }, ID_CHECK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * When peers agree that this node is at a public address its id is not bound to (BEP 42; behind a NAT the node
     * could not know the address when it started), takes a bound id at once, as libtorrent's {@code update_node_id}
     * does: other Comet nodes choose only bound nodes as replicas. The address is saved at once for the next start.
     * The switch waits for a moment when no caller's operation is under way (the old node's pending requests end
     * with it), and comes at most once in {@link #ID_SWITCH_INTERVAL_NANOS}.
     */
    private void takeBoundIdIfUnbound() {
        Optional<InetAddress> unbound = node.unboundPublicAddress();
        if (unbound.isEmpty()) {
            return;
        }
        InetAddress address = unbound.get();
        try {
            if (dataDirectory != null && !address.equals(savedAddress)) {
                dataDirectory.saveExternalAddress(address);
                savedAddress = address;
            }
            if (!outstanding.isEmpty() || System.nanoTime() - nextSwitchNanos < 0) {
                return;
            }
            NodeId bound = dataDirectory != null ? dataDirectory.loadOrCreateId(random, null) // bound to the saved address
                    : Bep42.idFor(address, random);
            if (!Bep42.valid(bound, address)) {
                throw new CometException(ErrorCode.IO, "the data directory gave back an id not bound to it");
            }
            nextSwitchNanos = System.nanoTime() + ID_SWITCH_INTERVAL_NANOS;
            switchTo(bound, address);
        } catch (CometException e) {
            if (!address.equals(warnedUnbound)) {
                warnedUnbound = address;
                LOG.warn("peers see this node at {}, and its id is not bound to that address (BEP 42); it keeps its id:"
                        + " {}", address.getHostAddress(), e.getMessage());
            }
        }
    }

    /**
     * A new {@link Node} and runtime with {@code bound} take over the same socket, store and data directory, and join
     * through what the old one joined through and knew. The old node's environment is retired first: whatever the
     * old node still had under way (a handler's outcome, a late answer's timer) ends inside it, sending nothing.
     */
    private void switchTo(NodeId bound, InetAddress address) {
        Node old = node;
        Set<InetSocketAddress> rejoin = new LinkedHashSet<>(joinThrough);
        for (Contact c : old.knownContacts()) {
            rejoin.add(c.address());
        }
        environment.retire();
        old.stop();
        runtime = runtimeFor(bound);
        environment = new LoopEnvironment(channel, random, store, runtime, () -> closed);
        node = new Node(bound, old.self().address(), config, environment);
        if (partner != null) {
            node.pairWith(partner.node);
        }
        node.start(List.copyOf(rejoin));
        LOG.info("peers see this node at {}: it took the id {}, bound to that address (BEP 42), in place of {}",
                address.getHostAddress(), bound.toHex(), old.id().toHex());
    }
}
