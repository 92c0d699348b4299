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
 * An in-memory datagram network on a virtual clock: one thread, one seeded random generator, one event queue.
 * The same seed and the same calls give the same run, bit for bit (DESIGN.md §2.1).
 *
 * <p>Owns every {@link Host} and the event queue; nothing here is thread-safe, nothing needs to be.
 */
public final class SimNetwork {
    /** Every host's port; hosts differ in their address's last three bytes. */
    private static final int PORT = 6881;
    private final EventQueue<Event> queue = new EventQueue<>();
    /**
     * The live hosts by the number in their address (see {@link #newHost}): every datagram sent looks its receiver up,
     * and a hash map's look-up through the address's holder objects was a few cache misses more.
     */
    private Host[] hosts = new Host[1024];
    private int liveHosts;
    private final Random random;
    private final NetworkFaults faults = new NetworkFaults(this);
    private final double lossRate;
    private final long latencyMinMillis;
    private final long latencyMaxMillis;
    /** Latencies from hosts' places, or null: uniform in [latencyMinMillis, latencyMaxMillis], as before it existed. */
    private final SpaceLatency space;
    private long now;
    private long sequence;
    private long datagramsSent;
    private long datagramsLost;
    private long events;
    /** Queued events of hosts that have left: they will not run, but they hold their nodes until swept. */
    private int deadQueued;
    /** Hosts that have left with events still queued: each holds its whole node until its events run out or go. */
    private int deadHolding;
    private int nextAddress = 1;
    private long watchEvery = Long.MAX_VALUE;
    private Runnable watcher = () -> { };

    public SimNetwork(long seed, double lossRate, long latencyMinMillis, long latencyMaxMillis) {
        this(seed, lossRate, latencyMinMillis, latencyMaxMillis, null);
    }

    /**
     * A network whose latencies come from {@code space} (hosts' places; min and max then unused), or with null,
     * uniform in [min, max] drawn from the run's generator.
     */
    public SimNetwork(long seed, double lossRate, long latencyMinMillis, long latencyMaxMillis, LatencySpace space) {
        if (lossRate < 0 || lossRate >= 1) {
            throw new IllegalArgumentException("loss rate must be in [0, 1): " + lossRate);
        }
        if (latencyMinMillis < 0 || latencyMaxMillis < latencyMinMillis) {
            throw new IllegalArgumentException("latency range must satisfy 0 <= min <= max");
        }
        this.random = new Random(seed);
        this.lossRate = lossRate;
        this.latencyMinMillis = latencyMinMillis;
        this.latencyMaxMillis = latencyMaxMillis;
        this.space = space == null ? null : new SpaceLatency(space, seed);
    }

    /** The network of a {@link SimConfig}: its seed, loss and latency, and its clock skew on every host. */
    public static SimNetwork of(SimConfig config) {
        SimNetwork network = new SimNetwork(config.seed(), config.lossRate(), config.latencyMinMillis(),
                config.latencyMaxMillis(), config.space());
        network.faults.skewClocks(config.clockSkewMillis());
        return network;
    }

    public long now() {
        return now;
    }

    public Random random() {
        return random;
    }

    /** The partitions, loss bursts and clock skews injected into this network. */
    public NetworkFaults faults() {
        return faults;
    }

    public long datagramsSent() {
        return datagramsSent;
    }

    public long datagramsLost() {
        return datagramsLost;
    }

    /** Events run so far. */
    public long events() {
        return events;
    }

    /** Calls {@code watcher} after every {@code everyEvents} events (a progress display; it must not change the run). */
    public void watch(long everyEvents, Runnable watcher) {
        this.watchEvery = everyEvents;
        this.watcher = watcher;
    }

    /**
     * A new host at a fresh loopback-range address (never reused, so a late datagram cannot reach a newcomer), with
     * {@code store} as its disk.
     */
    public Host newHost(Store store) {
        int n = nextAddress++;
        byte[] ip = {127, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
        try {
            Host host = new Host(new InetSocketAddress(InetAddress.getByAddress(ip), PORT), store, n);
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

    /** Runs {@code task} at virtual time {@code now + delay}, not tied to any host. */
    public void schedule(long delayMillis, Runnable task) {
        enqueue(null, delayMillis, task);
    }

    /** Runs events until virtual time {@code until} (events at exactly that time included). */
    public void runUntil(long until) {
        while (!queue.isEmpty() && queue.firstTime() <= until) {
            step();
        }
        now = Math.max(now, until);
    }

    /** Runs events until {@code condition} holds or virtual time passes {@code deadline}; true if it held. */
    public boolean runUntil(java.util.function.BooleanSupplier condition, long deadline) {
        while (!condition.getAsBoolean()) {
            if (queue.isEmpty() || queue.firstTime() > deadline) {
                now = Math.max(now, deadline);
                return condition.getAsBoolean();
            }
            step();
        }
        return true;
    }

    private void step() {
        Event e = queue.poll();
        if (e.owner != null) {
            e.owner.queued--;
            if (!e.owner.alive) {
                deadQueued--;
                if (e.owner.queued == 0) {
                    deadHolding--;
                }
            }
        }
        now = e.time;
        if (++events % watchEvery == 0) {
            watcher.run();
        }
        if (!e.cancelled && (e.owner == null || e.owner.alive)) {
            e.task.run();
        }
    }

    private Event enqueue(Host owner, long delayMillis, Runnable task) {
        Event e = new Event(now + Math.max(0, delayMillis), owner, task);
        queue.add(e.time, sequence++, e);
        if (owner != null) {
            owner.queued++;
        }
        return e;
    }

    /**
     * Drops the events of hosts that have left once they are an eighth of the queue, or once the hosts they belong to
     * are a thirty-second of the live ones. A node's timers run for up to days of virtual time (an object's lifetime),
     * and each held the whole node that scheduled it: under churn most of the heap was nodes long gone. Counting
     * events alone let a few thousand departed nodes with one long timer each wait in a queue of a hundred thousand
     * events (the 10,000-node soak's heap grew by a quarter). Such an event never runs, and the queue's order is by
     * (time, sequence) alone, so the run is the same.
     */
    private void sweepDeparted() {
        boolean manyEvents = deadQueued > 256 && deadQueued * 8L > queue.size();
        boolean manyNodes = deadHolding > 64 && deadHolding * 32L > liveHosts;
        if (manyEvents || manyNodes) {
            queue.removeIf(e -> {
                if (e.owner == null || e.owner.alive) {
                    return false;
                }
                e.owner.queued--;
                return true;
            });
            deadQueued = 0;
            deadHolding = 0;
        }
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

    private long latency(InetSocketAddress from, InetSocketAddress to) {
        if (space != null) {
            return space.draw(from, to);
        }
        return latencyMinMillis + (latencyMaxMillis == latencyMinMillis ? 0
                : random.nextLong(latencyMaxMillis - latencyMinMillis + 1));
    }

    /** One simulated machine: the {@link Environment} of the node that runs on it. */
    public final class Host implements Environment {
        private final InetSocketAddress address;
        /** The last three bytes of the address: the host's slot in {@link #hosts}. */
        private final int number;
        private final Store store;
        private boolean alive = true;
        private boolean silent;
        /** This host's events in the queue. */
        private int queued;
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

        private Host(InetSocketAddress address, Store store, int number) {
            this.address = address;
            this.number = number;
            this.store = store;
        }

        public InetSocketAddress address() {
            return address;
        }

        public boolean alive() {
            return alive;
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

        /** Takes the host off the network at once: its timers stop and datagrams to it are lost. */
        public void kill() {
            if (!alive) {
                return;
            }
            alive = false;
            hosts[number] = null;
            liveHosts--;
            deadQueued += queued;
            if (queued > 0) {
                deadHolding++;
            }
            sweepDeparted();
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
            return now + clockOffsetMillis;
        }

        @Override
        public Timer schedule(long delayMillis, Runnable task) {
            return enqueue(this, delayMillis, task);
        }

        @Override
        public void send(InetSocketAddress to, byte[] datagram) {
            datagramsSent++;
            if (faults.tooLarge(datagram.length)) {
                datagramsLost++;
                return;
            }
            if (lossRate > 0 && random.nextDouble() < lossRate) {
                datagramsLost++;
                return;
            }
            Host target = liveHost(to);
            if (target == null || silent) {
                return;
            }
            if (faults.drops(this, target)) {
                datagramsLost++;
                return;
            }
            InetSocketAddress from = address;
            enqueue(target, latency(from, to), () -> {
                if (target.receiver != null && !target.silent) {
                    target.receiver.receive(from, datagram);
                }
            });
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

    /** A task due at {@code time}; the queue orders events by time, then by the order they were scheduled in. */
    private static final class Event implements Environment.Timer {
        final long time;
        final Host owner;
        final Runnable task;
        boolean cancelled;

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
