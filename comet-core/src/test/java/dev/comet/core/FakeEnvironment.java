package dev.comet.core;

import dev.comet.aso.AsoRuntime;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.storage.InMemoryStore;
import dev.comet.storage.Store;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A hand-driven {@link Environment} for unit tests of the core: a virtual clock that moves only in
 * {@link #advance}, cancellable timers run in (time, scheduling order), every datagram the node sends captured for
 * the test to decode, a seeded random generator, an in-memory store and a settable {@link AsoRuntime}.
 */
final class FakeEnvironment implements Environment {
    /** A codec with the default limits, for reading what the node sent and writing what it receives. */
    static final KrpcCodec CODEC = new KrpcCodec(NodeConfig.defaults().bencodeLimits());

    /** One datagram the node sent. */
    record Sent(InetSocketAddress to, byte[] bytes, long at) {
        KrpcMessage decode() {
            return CODEC.decode(bytes);
        }

        /** The method of the query this datagram carries, or null when it is not a query. */
        String method() {
            return decode() instanceof KrpcQuery q ? q.method() : null;
        }
    }

    private final class Scheduled implements Timer, Comparable<Scheduled> {
        final long at;
        final long sequence;
        final Runnable task;
        boolean cancelled;

        Scheduled(long at, long sequence, Runnable task) {
            this.at = at;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private final PriorityQueue<Scheduled> timers = new PriorityQueue<>();
    private final List<Sent> sent = new ArrayList<>();
    private final SplittableRandom random;
    private Store store = new InMemoryStore(100_000, 64L << 20);
    private AsoRuntime asoRuntime = AsoRuntime.NONE;
    /** Virtual time starts well after 0, as a wall clock would: no "never" sentinel (-1, 0) can pass for a time. */
    private long now = 1_000_000;
    private long sequence;

    FakeEnvironment(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Replaces the store; call before the node is built (its parts keep the store they were given). */
    FakeEnvironment useStore(Store replacement) {
        this.store = replacement;
        return this;
    }

    FakeEnvironment useAsoRuntime(AsoRuntime runtime) {
        this.asoRuntime = runtime;
        return this;
    }

    /** Moves the clock {@code millis} ahead, running every timer due by then in order, each at its own time. */
    void advance(long millis) {
        long end = now + millis;
        while (!timers.isEmpty() && timers.peek().at <= end) {
            Scheduled next = timers.poll();
            now = next.at;
            if (!next.cancelled) {
                next.task.run();
            }
        }
        now = end;
    }

    /** Every datagram sent so far, oldest first. */
    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** The datagrams sent so far that match {@code filter}. */
    List<Sent> sent(Predicate<Sent> filter) {
        return sent.stream().filter(filter).toList();
    }

    /** Every datagram sent so far, and forgets them. */
    List<Sent> takeSent() {
        List<Sent> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    void clearSent() {
        sent.clear();
    }

    /** Hands {@code datagram} to {@code node} as if it came from {@code from}; returns what the node sent meanwhile. */
    List<Sent> deliver(Node node, InetSocketAddress from, byte[] datagram) {
        int before = sent.size();
        node.onDatagram(from, datagram);
        return List.copyOf(sent.subList(before, sent.size()));
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        Scheduled t = new Scheduled(now + Math.max(0, delayMillis), sequence++, task);
        timers.add(t);
        return t;
    }

    @Override
    public void send(InetSocketAddress to, byte[] datagram) {
        sent.add(new Sent(to, datagram.clone(), now));
    }

    @Override
    public RandomGenerator random() {
        return random;
    }

    @Override
    public Store store() {
        return store;
    }

    @Override
    public AsoRuntime asoRuntime() {
        return asoRuntime;
    }
}
