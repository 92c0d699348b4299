package dev.comet.cli.bench;

import dev.comet.CometException;
import dev.comet.bencode.BencodeLimits;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The load generator of {@code comet bench rpc}: KRPC queries (encoded by the project's own codec) to one node over one
 * connected UDP socket, closed loop (C queries outstanding, each answer sends the next) or open loop (a fixed rate,
 * latency counted from the time each query was due). Owns the socket, the send times and ids of the queries in
 * flight, and the counters of the run under way; one run at a time.
 */
public final class RpcLoad implements AutoCloseable {
    /** A query unanswered this long counts as lost; in a closed loop its slot then sends a new one. */
    public static final long TIMEOUT_NANOS = 1_000_000_000L;
    /** Distinguishes the generator in a node's logs; not "CM", so no node takes it for a Comet node. */
    private static final byte[] VERSION = {'C', 'B', 0, 1};
    /** Receive timeout: how often the receiving loop looks at the clock when nothing arrives. */
    private static final int POLL_MILLIS = 50;

    private final KrpcCodec codec = new KrpcCodec(BencodeLimits.DEFAULT);
    /**
     * A non-blocking channel and its selector: a {@code DatagramSocket} with a receive timeout switches its channel
     * between blocking and non-blocking around every receive (two system calls a datagram), which made the
     * generator, not the node, the limit near 55,000 answers a second.
     */
    private final DatagramChannel channel;
    private final Selector selector;
    private final InetSocketAddress target;
    private int nextCallId;

    private RpcLoad(DatagramChannel channel, Selector selector, InetSocketAddress target) {
        this.channel = channel;
        this.selector = selector;
        this.target = target;
    }

    /** A socket connected to {@code target}, bound to loopback when the target is on loopback. */
    public static RpcLoad open(InetSocketAddress target) throws IOException {
        DatagramChannel channel = bind(target);
        if (((InetSocketAddress) channel.getLocalAddress()).getPort() == target.getPort()
                && target.getAddress().isLoopbackAddress()) {
            // the target's port was free and the kernel handed it to us: we would be talking to ourselves and take
            // our own query for an answer. A second socket, taken while the first is held, gets another port.
            DatagramChannel other = bind(target);
            channel.close();
            channel = other;
        }
        // bursts of answers (50 clients answered at once) must not overflow the default ~200 KiB buffer
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        channel.connect(target);
        channel.configureBlocking(false);
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        return new RpcLoad(channel, selector, target);
    }

    private static DatagramChannel bind(InetSocketAddress target) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(target.getAddress().isLoopbackAddress() ? new InetSocketAddress(target.getAddress(), 0) : null);
        return channel;
    }

    /**
     * Receives one datagram into {@code p}, waiting at most {@link #POLL_MILLIS}: false when none came. A port
     * unreachable (ICMP) is a {@link PortUnreachableException}.
     */
    private boolean receiveInto(DatagramPacket p) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(p.getData());
        if (channel.receive(buffer) == null) {
            selector.select(POLL_MILLIS);
            selector.selectedKeys().clear();
            if (channel.receive(buffer) == null) {
                return false;
            }
        }
        p.setLength(buffer.position());
        return true;
    }

    public InetSocketAddress target() {
        return target;
    }

    /** HOST:PORT of the target, for messages. */
    public String name() {
        return target.getHostString() + ":" + target.getPort();
    }

    /**
     * One query and its answer (response or error), before a run: probing and seeding. Empty when none came within
     * {@code timeoutMillis}; an IOException when the target's port is closed (ICMP port unreachable).
     */
    public Optional<KrpcMessage> call(String method, Dict args, int timeoutMillis) throws IOException {
        // 3-byte ids: never equal to a run's 4-byte ones, so a late answer of a call cannot count in a run
        int n = nextCallId++;
        byte[] t = {'c', (byte) (n >>> 8), (byte) n};
        send(t, method, args);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        byte[] buf = new byte[65536];
        while (System.nanoTime() < deadline) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                if (!receiveInto(p)) {
                    continue;
                }
            } catch (PortUnreachableException e) {
                throw new IOException("port unreachable: nothing listens on " + name(), e);
            }
            Optional<KrpcMessage> m = decode(p);
            if (m.isPresent() && Arrays.equals(m.get().transactionId(), t)) {
                return m;
            }
        }
        return Optional.empty();
    }

    /**
     * Closed loop: {@code concurrency} queries outstanding until the end; answers to queries sent during the first
     * {@code warmupNanos} are not counted, then {@code measureNanos} are.
     */
    public RpcResult closedLoop(String method, Dict args, Predicate<KrpcMessage> ok, int concurrency, long warmupNanos,
                                long measureNanos) throws IOException {
        if (concurrency < 1 || concurrency > 65_535) {
            throw new IllegalArgumentException("concurrency must be 1 to 65535");
        }
        // a query's id is its slot (16 bits) and the slot's generation (16 bits): an answer counts only while its
        // query is the slot's current one, so a late answer to a query given up on is ignored
        AtomicIntegerArray generation = new AtomicIntegerArray(concurrency);
        AtomicLongArray sentAt = new AtomicLongArray(concurrency);
        Run run = new Run(System.nanoTime() + warmupNanos, measureNanos);
        for (int slot = 0; slot < concurrency; slot++) {
            sentAt.set(slot, System.nanoTime());
            send(id(slot << 16), method, args);
        }
        Thread sweeper = new Thread(() -> {
            while (System.nanoTime() < run.end) {
                long now = System.nanoTime();
                for (int slot = 0; slot < concurrency; slot++) {
                    int g = generation.get(slot);
                    long sent = sentAt.get(slot);
                    if (now - sent > TIMEOUT_NANOS && generation.compareAndSet(slot, g, (g + 1) & 0xffff)) {
                        if (sent >= run.measureFrom) {
                            run.timeouts.incrementAndGet();
                        }
                        sentAt.set(slot, System.nanoTime());
                        trySend(id(slot << 16 | ((g + 1) & 0xffff)), method, args);
                    }
                }
                LockSupport.parkNanos(TIMEOUT_NANOS / 10);
            }
        }, "rpc-load-sweeper");
        sweeper.setDaemon(true);
        sweeper.start();
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (System.nanoTime() < run.end) {
            Optional<KrpcMessage> m = receive(p, run);
            if (m.isEmpty() || m.get().transactionId().length != 4) {
                continue;
            }
            int v = intOf(m.get().transactionId());
            int slot = v >>> 16;
            int g = v & 0xffff;
            if (slot >= concurrency) {
                continue;
            }
            long sent = sentAt.get(slot);
            if (!generation.compareAndSet(slot, g, (g + 1) & 0xffff)) {
                continue;
            }
            long now = System.nanoTime();
            run.answered(m.get(), ok, sent, now);
            if (now < run.end) {
                sentAt.set(slot, now);
                send(id(slot << 16 | ((g + 1) & 0xffff)), method, args);
            }
        }
        joinQuietly(sweeper);
        return run.result(method, "closed", concurrency, 0);
    }

    /**
     * Open loop: a query every 1/{@code rate} s whatever the answers do, for {@code warmupNanos} then
     * {@code measureNanos}; latency runs from the time a query was due (a late send counts against the node, not
     * for it), and a query unanswered {@link #TIMEOUT_NANOS} after the end is a timeout.
     */
    public RpcResult openLoop(String method, Dict args, Predicate<KrpcMessage> ok, double rate, long warmupNanos,
                              long measureNanos) throws IOException {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be positive");
        }
        long window = Math.max(1024, (long) (rate * (TIMEOUT_NANOS / 1e9 + 1) * 2));
        int size = (int) Math.min(1 << 22, Long.highestOneBit(window - 1) << 1);
        int mask = size - 1;
        // pending[i & mask] holds i + 1 while query i waits for its answer, 0 otherwise
        AtomicIntegerArray pending = new AtomicIntegerArray(size);
        AtomicLongArray dueAt = new AtomicLongArray(size);
        long start = System.nanoTime();
        Run run = new Run(start + warmupNanos, measureNanos);
        AtomicLong measuredSent = new AtomicLong();
        Thread sender = new Thread(() -> {
            for (int i = 0; ; i++) {
                long due = start + (long) (i * (1e9 / rate));
                if (due >= run.end || i == Integer.MAX_VALUE - 1) {
                    return;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int slot = i & mask;
                int stale = pending.getAndSet(slot, 0);
                if (stale != 0 && dueAt.get(slot) >= run.measureFrom) {
                    run.timeouts.incrementAndGet();
                }
                dueAt.set(slot, due);
                pending.set(slot, i + 1);
                if (due >= run.measureFrom) {
                    measuredSent.incrementAndGet();
                }
                trySend(id(i), method, args);
            }
        }, "rpc-load-sender");
        sender.setDaemon(true);
        sender.start();
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        long answeredMeasured = 0;
        while (System.nanoTime() < run.end + TIMEOUT_NANOS
                && (System.nanoTime() < run.end || answeredMeasured + run.timeouts.get() < measuredSent.get())) {
            Optional<KrpcMessage> m = receive(p, run);
            if (m.isEmpty() || m.get().transactionId().length != 4) {
                continue;
            }
            int i = intOf(m.get().transactionId());
            int slot = i & mask;
            long due = dueAt.get(slot);
            if (pending.compareAndSet(slot, i + 1, 0)) {
                run.answered(m.get(), ok, due, System.nanoTime());
                if (due >= run.measureFrom) {
                    answeredMeasured++;
                }
            }
        }
        joinQuietly(sender);
        long lost = measuredSent.get() - answeredMeasured - run.timeouts.get();
        run.timeouts.addAndGet(Math.max(0, lost));
        return run.result(method, "open", 0, rate);
    }

    private Optional<KrpcMessage> receive(DatagramPacket p, Run run) throws IOException {
        try {
            if (!receiveInto(p)) {
                return Optional.empty();
            }
        } catch (PortUnreachableException e) {
            // the node went away during the run: its queries will count as timeouts
            run.unreachable = true;
            return Optional.empty();
        }
        return decode(p);
    }

    private Optional<KrpcMessage> decode(DatagramPacket p) {
        try {
            return Optional.of(codec.decode(Arrays.copyOf(p.getData(), p.getLength())));
        } catch (CometException e) {
            // a malformed datagram is not an answer; the query it may have been meant for times out
            return Optional.empty();
        }
    }

    private void send(byte[] t, String method, Dict args) throws IOException {
        byte[] datagram = codec.encode(new KrpcQuery(t, method, args, VERSION, true));
        // non-blocking: a full send buffer drops the datagram (0 written), and its query times out like a lost one
        channel.write(ByteBuffer.wrap(datagram));
    }

    /** A send from a helper thread: a failure there (the node went away) shows as a timeout, not a crash. */
    private void trySend(byte[] t, String method, Dict args) {
        try {
            send(t, method, args);
        } catch (IOException e) {
            // counted when the query times out
        }
    }

    private static byte[] id(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static int intOf(byte[] t) {
        return (t[0] & 0xff) << 24 | (t[1] & 0xff) << 16 | (t[2] & 0xff) << 8 | (t[3] & 0xff);
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(2 * TIMEOUT_NANOS / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            // closing a local socket: nothing is lost
        }
    }

    /** The counters of one run: written by the receiving thread, timeouts also by the helper thread. */
    private static final class Run {
        final long measureFrom;
        final long end;
        final long measureNanos;
        final Latencies latencies = new Latencies();
        final AtomicLong timeouts = new AtomicLong();
        long ok;
        long errors;
        String firstError;
        volatile boolean unreachable;

        Run(long measureFrom, long measureNanos) {
            this.measureFrom = measureFrom;
            this.measureNanos = measureNanos;
            this.end = measureFrom + measureNanos;
        }

        void answered(KrpcMessage m, Predicate<KrpcMessage> ok, long sent, long now) {
            if (sent < measureFrom || sent >= end) {
                return;
            }
            if (ok.test(m)) {
                this.ok++;
                latencies.record((now - sent) / 1_000);
            } else {
                errors++;
                if (firstError == null) {
                    firstError = m instanceof KrpcError e ? e.code() + " " + e.message() : "unexpected answer " + m;
                }
            }
        }

        RpcResult result(String method, String mode, int concurrency, double rate) {
            String error = unreachable && firstError == null ? "the node's port became unreachable" : firstError;
            return new RpcResult(method, mode, concurrency, rate, measureNanos / 1e9, ok, errors, timeouts.get(), error,
                    latencies);
        }
    }
}
