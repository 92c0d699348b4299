package dev.comet.sim;

import dev.comet.core.Environment;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import dev.comet.storage.Store;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * An in-memory datagram network on a virtual clock. The same seed and the same calls give the same run, bit for bit
 * (DESIGN.md §2.1), on one thread or on several: time runs in windows ({@link VirtualTime}), and each host draws from
 * a generator of its own, so what a host does depends neither on how the hosts are shared among threads nor on how
 * many there are.
 *
 * <p>Owns every {@link Host}, their addresses and generators, the latency model and the faults; {@link VirtualTime}
 * owns virtual time. The drivers' thread calls everything here; the lanes' threads run only hosts' events.
 */
public final class SimNetwork {
    /** Every host's port; hosts differ in their address's last three bytes. */
    private static final int PORT = 6881;
    /** Mixed into the run's seed for the hosts' own generators, so that they are not the drivers' draws. */
    private static final long HOST_SEED_SALT = 0x6A09_E667_F3BC_C909L;
    /** How many sandboxes a simulation's nodes share ({@link Host#sandbox}), whatever the threads. */
    public static final int SANDBOXES = VirtualTime.SANDBOXES;
    /** Virtual time: the drivers' events, the lanes and their windows. */
    private final VirtualTime time;
    /**
     * The live hosts by the number in their address (see {@link #newHost}): every datagram sent looks its receiver up,
     * and a hash map's look-up through the address's holder objects was a few cache misses more.
     */
    private Host[] hosts = new Host[1024];
    private int liveHosts;
    /** The drivers' generator. */
    private final Random random;
    /** Splits off each new host's generator. */
    private final java.util.SplittableRandom hostSeeds;
    private final NetworkFaults faults = new NetworkFaults(this);
    private final double lossRate;
    private final long latencyMinMillis;
    private final long latencyMaxMillis;
    /** Latencies from hosts' places, or null: uniform in [latencyMinMillis, latencyMaxMillis], as before it existed. */
    private final SpaceLatency space;
    private int nextAddress = 1;

    public SimNetwork(long seed, double lossRate, long latencyMinMillis, long latencyMaxMillis) {
        this(seed, lossRate, latencyMinMillis, latencyMaxMillis, null, 1);
    }

    /**
     * A network whose latencies come from {@code space} (hosts' places; min and max then unused), or with null,
     * uniform in [min, max]; its hosts' events run on {@code threads} threads (the run is the same for any number).
     */
    public SimNetwork(long seed, double lossRate, long latencyMinMillis, long latencyMaxMillis, LatencySpace space,
                      int threads) {
        if (lossRate < 0 || lossRate >= 1) {
            throw new IllegalArgumentException("loss rate must be in [0, 1): " + lossRate);
        }
        if (latencyMinMillis < 0 || latencyMaxMillis < latencyMinMillis) {
            throw new IllegalArgumentException("latency range must satisfy 0 <= min <= max");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("a simulation runs on at least one thread: " + threads);
        }
        this.random = new Random(seed);
        this.hostSeeds = new java.util.SplittableRandom(seed ^ HOST_SEED_SALT);
        this.lossRate = lossRate;
        this.latencyMinMillis = latencyMinMillis;
        this.latencyMaxMillis = latencyMaxMillis;
        this.space = space == null ? null : new SpaceLatency(space, seed);
        this.time = new VirtualTime(Math.max(1, this.space == null ? latencyMinMillis : this.space.shortestMillis()),
                threads);
    }

    /** The network of a {@link SimConfig}: its seed, loss and latency, threads, and its clock skew on every host. */
    public static SimNetwork of(SimConfig config) {
        SimNetwork network = new SimNetwork(config.seed(), config.lossRate(), config.latencyMinMillis(),
                config.latencyMaxMillis(), config.space(), config.threads());
        network.faults.skewClocks(config.clockSkewMillis());
        return network;
    }

    /**
     * The time now: in a host's event, that event's time; in a driver's, its own; between windows, the last event's.
     */
    public long now() {
        return time.now();
    }

    /** The drivers' generator (each host draws from its own: {@link Host#random}). */
    public Random random() {
        return random;
    }

    /** The partitions, loss bursts and clock skews injected into this network. */
    public NetworkFaults faults() {
        return faults;
    }

    /** Threads the hosts' events run on. */
    public int threads() {
        return time.threads();
    }

    public long datagramsSent() {
        return time.datagramsSent();
    }

    public long datagramsLost() {
        return time.datagramsLost();
    }

    /** Events run so far. */
    public long events() {
        return time.events();
    }

    /**
     * Calls {@code watcher} between windows once {@code everyEvents} more events have run (a progress display; it must
     * not change the run).
     */
    public void watch(long everyEvents, Runnable watcher) {
        time.watch(everyEvents, watcher);
    }

    /**
     * A new host at a fresh loopback-range address (never reused, so a late datagram cannot reach a newcomer), with
     * {@code store} as its disk. Drivers only.
     */
    public Host newHost(Store store) {
        VirtualTime.requireDriver("made a host");
        int n = nextAddress++;
        byte[] ip = {127, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        try {
            Host host = new Host(new InetSocketAddress(InetAddress.getByAddress(ip), PORT), store, n,
                    time.laneOf(n), hostSeeds.split());
            host.clockOffsetMillis = faults.clockOffsetForNewHost();
            if (space != null) {
                space.place(host.address);
            }
            if (n >= hosts.length) {
                hosts = Arrays.copyOf(hosts, hosts.length * 2);
            }
            hosts[n] = host;
            liveHosts++;
            return host;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an address", e);
        }
    }

    /** The live host at {@code address}, or null (a host that left, or an address no host had). */
    private Host liveHost(InetSocketAddress address) {
        // an IPv4 address's hash code is its 32 bits
        if (address.getPort() != PORT || !(address.getAddress() instanceof Inet4Address ip)) {
            return null;
        }
        int bits = ip.hashCode();
        int n = bits & 0xFFFFFF;
        return bits >>> 24 == 127 && n < hosts.length ? hosts[n] : null;
    }

    /** Runs {@code task} at virtual time {@code now + delay}, not tied to any host: a driver's event. */
    public void schedule(long delayMillis, Runnable task) {
        time.schedule(delayMillis, task);
    }

    /**
     * {@code callback}, made safe to hand to a node: called by a host's event, it runs once that event's window is over,
     * on the drivers' thread, after the callbacks of earlier times (and, at one time, of hosts with smaller numbers);
     * called by a driver, at once. A driver's callback may read and change anything a driver may.
     */
    public <T> java.util.function.Consumer<T> driver(java.util.function.Consumer<T> callback) {
        return time.driver(callback);
    }

    /** {@link #driver(java.util.function.Consumer)} for a callback without a value. */
    public Runnable driver(Runnable callback) {
        return time.driver(callback);
    }

    /** Runs events until virtual time {@code until} (events at exactly that time included). */
    public void runUntil(long until) {
        time.runUntil(until);
    }

    /**
     * Runs events until {@code condition} holds or virtual time passes {@code deadline}; true if it held. The condition
     * is asked between windows, so the run may stop up to a window after the event that made it true.
     */
    public boolean runUntil(java.util.function.BooleanSupplier condition, long deadline) {
        return time.runUntil(condition, deadline);
    }

    /** The longest window the lanes run at once, ms: the shortest latency a datagram can have, at least 1. */
    long windowMillis() {
        return time.windowMillis();
    }

    /**
     * The one-way latency between two hosts' addresses, ms, as the model makes it before jitter: in a latency space the
     * distance of their places plus both access links (also for hosts that have left); with uniform latencies, the
     * mean of the range (every pair is alike). NaN for an address no host ever had.
     */
    public double latencyMillis(InetSocketAddress a, InetSocketAddress b) {
        if (space != null) {
            return space.baseMillis(a, b);
        }
        return (latencyMinMillis + latencyMaxMillis) / 2.0;
    }

    /** One simulated machine: the {@link Environment} of the node that runs on it. */
    public final class Host implements Environment {
        private final InetSocketAddress address;
        /** The last three bytes of the address: the host's slot in {@link #hosts}. */
        private final int number;
        private final Store store;
        /** The lane that runs this host's events. */
        final Lane lane;
        /** This host's own generator: its node's draws, and the loss and latency of what it sends. */
        private final java.util.SplittableRandom random;
        private boolean alive = true;
        private boolean silent;
        /** This host's events in the queue. */
        int queued;
        /** Datagrams this host sent so far: their order among a window's datagrams. */
        private long sent;
        /** Drivers' callbacks this host's events made so far: their order among a window's. */
        long deferredCount;
        /** How far this host's clock is from the network's virtual time (clock skew). */
        private long clockOffsetMillis;
        private Receiver receiver;
        private dev.comet.aso.AsoRuntime objects = dev.comet.aso.AsoRuntime.NONE;
        /** The contact of the node on this host, shared by everyone who hears of it (see {@link #contact}). */
        private Contact self;
        /**
         * Its id's bits, beside it: {@link #contact} compares ids without reaching the contact or the id (each one a
         * cache miss in a network of thousands of nodes, for every contact a lookup hears of).
         */
        private long selfHigh;
        private long selfMiddle;
        private int selfLow;

        private Host(InetSocketAddress address, Store store, int number, Lane lane, java.util.SplittableRandom random) {
            this.address = address;
            this.number = number;
            this.store = store;
            this.lane = lane;
            this.random = random;
        }

        public InetSocketAddress address() {
            return address;
        }

        public boolean alive() {
            return alive;
        }

        /** The number in this host's address: its place among the hosts, in the order they were made. */
        int number() {
            return number;
        }

        /**
         * The sandbox (0 to {@link #SANDBOXES} - 1) this host's node runs its handlers in: the same whatever the threads,
         * and its hosts all in one lane, which runs on one thread at a time.
         */
        public int sandbox() {
            return number % SANDBOXES;
        }

        /** Where datagrams addressed to this host go. */
        public void bind(Receiver receiver) {
            this.receiver = receiver;
        }

        /** The node on this host has the id {@code id}: the others' nodes share one contact of it from now on. */
        public void identify(NodeId id) {
            self = new Contact(id, address);
            selfHigh = id.prefix64();
            selfMiddle = id.middle64();
            selfLow = id.last32();
        }

        /**
         * The contact of the live node at {@code address}, when it has the id {@code id}: a network of thousands of
         * nodes holds one object per node where each routing table held its own copy (about a fifth of a simulated
         * node's memory). A node that left, or an id that is not the one there, gets a new contact.
         */
        @Override
        public Contact contact(NodeId id, InetSocketAddress address) {
            Host there = liveHost(address);
            return there != null && there.self != null && id.prefix64() == there.selfHigh
                    && id.middle64() == there.selfMiddle && id.last32() == there.selfLow ? there.self
                    : new Contact(id, address);
        }

        /** Where the node on this host runs its active objects (none until set). */
        public void runObjects(dev.comet.aso.AsoRuntime runtime) {
            this.objects = runtime;
        }

        @Override
        public dev.comet.aso.AsoRuntime asoRuntime() {
            return objects;
        }

        /**
         * Cuts the host off the network while {@code silent}, as a partition or a dead uplink would: datagrams to and
         * from it are lost, but its node keeps running (its timers fire, it keeps what it holds) and is heard again
         * once the silence ends.
         */
        public void silence(boolean silent) {
            this.silent = silent;
        }

        public boolean silent() {
            return silent;
        }

        /** Takes the host off the network at once: its timers stop and datagrams to it are lost. Drivers only. */
        public void kill() {
            VirtualTime.requireDriver("killed a host");
            if (!alive) {
                return;
            }
            alive = false;
            hosts[number] = null;
            liveHosts--;
            lane.deadQueued += queued;
            if (queued > 0) {
                lane.deadHolding++;
            }
            time.sweepDeparted(liveHosts);
        }

        /**
         * Sets this host's clock to the network's virtual time plus {@code offsetMillis}, at once (a clock that jumps,
         * as one set by hand does). Only the time its node reads moves; its timers still fire after their delays.
         */
        public void skewClock(long offsetMillis) {
            if (offsetMillis < 0) {
                // the virtual clock starts at 0 and a node never reads a negative time (NetworkFaults#skewClocks)
                throw new IllegalArgumentException("a host's clock may run ahead of the network's, not behind: "
                        + offsetMillis);
            }
            this.clockOffsetMillis = offsetMillis;
        }

        public long clockOffsetMillis() {
            return clockOffsetMillis;
        }

        @Override
        public long now() {
            return lane.now + clockOffsetMillis;
        }

        @Override
        public Timer schedule(long delayMillis, Runnable task) {
            Event e = new Event(lane.now + Math.max(0, delayMillis), this, task);
            lane.queue.add(e.time, lane.sequence++, e);
            queued++;
            return e;
        }

        @Override
        public void send(InetSocketAddress to, byte[] datagram) {
            lane.datagramsSent++;
            if (faults.tooLarge(datagram.length)) {
                lane.datagramsLost++;
                return;
            }
            if (lossRate > 0 && random.nextDouble() < lossRate) {
                lane.datagramsLost++;
                return;
            }
            Host target = liveHost(to);
            if (target == null || silent) {
                return;
            }
            if (faults.drops(this, target)) {
                lane.datagramsLost++;
                return;
            }
            InetSocketAddress from = address;
            Event e = new Event(lane.now + latency(to), target, () -> {
                if (target.receiver != null && !target.silent) {
                    target.receiver.receive(from, datagram);
                }
            });
            e.sender = number;
            e.sent = sent++;
            lane.outbox.add(e);
        }

        /** One datagram's latency to {@code to}, drawn from this host's generator. */
        private long latency(InetSocketAddress to) {
            if (space != null) {
                return space.draw(address, to, random);
            }
            return latencyMinMillis + (latencyMaxMillis == latencyMinMillis ? 0
                    : random.nextLong(latencyMaxMillis - latencyMinMillis + 1));
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public Store store() {
            return store;
        }
    }

    /** Receives the datagrams of one host. */
    public interface Receiver {
        void receive(InetSocketAddress from, byte[] datagram);
    }

    /**
     * A task due at {@code time}, of a host or (no owner) of a driver; a queue orders events by time, then by the order
     * they were queued in.
     */
    static final class Event implements Environment.Timer {
        final long time;
        final Host owner;
        final Runnable task;
        boolean cancelled;
        /** A datagram's sender's number and its count of the sender's datagrams (their order: {@link VirtualTime}). */
        int sender;
        long sent;

        Event(long time, Host owner, Runnable task) {
            this.time = time;
            this.owner = owner;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
