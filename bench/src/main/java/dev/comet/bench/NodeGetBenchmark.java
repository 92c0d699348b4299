package dev.comet.bench;

import dev.comet.aso.AsoRuntime;
import dev.comet.aso.HandlerLimits;
import dev.comet.bencode.BencodeLimits;
import dev.comet.core.Environment;
import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcQuery;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxExecutor;
import dev.comet.storage.InMemoryStore;
import dev.comet.storage.Store;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * A comet_get of the seed example through one real {@link Node}, on one thread: the datagram decoded, dispatched,
 * the object read from the store, its onGet run in the sandbox (inline, as the simulator runs it), the new state
 * stored and the reply encoded. Everything {@code bench objects} measures except UDP and the hand-off between the
 * event thread and a sandbox worker, so it stays comparable on a shared machine where the UDP figure swings.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 4) // the first ~60,000 gets run before LuaJ's interpreter loop is compiled
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NodeGetBenchmark {
    private static final InetSocketAddress SELF = new InetSocketAddress("127.0.0.1", 6881);
    /** Distinct senders: the node answers a repeated (sender, transaction id) from memory, not by running onGet. */
    private static final int SENDERS = 256;

    private final ArrayDeque<byte[]> toSelf = new ArrayDeque<>();
    private final PriorityQueue<Due> timers = new PriorityQueue<>(Comparator.comparingLong(Due::at));
    /**
     * The node's time and the runtime's, one clock: the wall clock, moved ahead while the put's timers are run at
     * once. It must move during the run, as the node-wide instruction budget is per second.
     */
    private long clock = System.currentTimeMillis();
    private byte[] lastReply;
    private Node node;
    private byte[][] queries;
    private InetSocketAddress[] senders;
    private long sent;

    /** A scheduled task of the node, run only while the put settles. */
    private record Due(long at, Runnable task) {
    }

    @Setup
    public void setUp() {
        NodeId id = NodeId.ofKey("bench node");
        InMemoryStore store = new InMemoryStore(1L << 30, 1L << 30);
        AsoRuntime runtime = new LuaAsoRuntime(SandboxExecutor.inline(), Runnable::run, HandlerLimits.defaults(),
                "127.0.0.1", id, this::now);
        SplittableRandom random = new SplittableRandom(1);
        // relaxed, as bench rpc's node: each sender here sends 65,536 queries in a row, far past a source's allowance,
        // and the default guard would drop nearly all of them (the benchmark then timed the drop, 40 ns)
        node = new Node(id, SELF, NodeConfig.relaxed(), new Environment() {
            @Override
            public long now() {
                return NodeGetBenchmark.this.now();
            }

            @Override
            public Environment.Timer schedule(long delayMillis, Runnable task) {
                Due t = new Due(clock + delayMillis, task);
                timers.add(t);
                return () -> timers.remove(t);
            }

            @Override
            public void send(InetSocketAddress to, byte[] datagram) {
                if (to.equals(SELF)) {
                    toSelf.add(datagram); // the put stores on the node itself, the only Comet node it knows
                } else {
                    lastReply = datagram;
                }
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
                return runtime;
            }
        });
        node.start(List.of());
        NodeId key = NodeId.ofKey("bench seed example");
        boolean[] stored = {false};
        node.putObject(key, OnGetBenchmark.SEED.getBytes(StandardCharsets.UTF_8), 1, -1,
                outcome -> stored[0] = !outcome.accepted().isEmpty());
        for (int step = 0; step < 10_000 && !stored[0] && !(toSelf.isEmpty() && timers.isEmpty()); step++) {
            if (!toSelf.isEmpty()) {
                node.onDatagram(SELF, toSelf.poll());
            } else {
                Due t = timers.poll();
                clock = Math.max(now(), t.at());
                t.task().run();
            }
        }
        if (!stored[0]) {
            throw new IllegalStateException("the node did not store the seed example");
        }
        KrpcCodec codec = new KrpcCodec(BencodeLimits.DEFAULT);
        Dict args = Dict.builder().put("id", NodeId.ofKey("bench client")).put("k", key).build();
        queries = new byte[1 << 16][];
        for (int t = 0; t < queries.length; t++) {
            queries[t] = codec.encode(new KrpcQuery(new byte[] {(byte) (t >>> 8), (byte) t}, "comet_get", args,
                    ClientVersion.COMET, true));
        }
        senders = new InetSocketAddress[SENDERS];
        for (int p = 0; p < SENDERS; p++) {
            senders[p] = new InetSocketAddress("127.0.0.2", 20_000 + p);
        }
        // every get is answered, through the first change of sender: the run times answers, not refusals
        for (int i = 0; i < (1 << 16) + 1_000; i++) {
            lastReply = null;
            byte[] reply = cometGet();
            if (reply == null || !new String(reply, StandardCharsets.ISO_8859_1).contains("5:found")) {
                throw new IllegalStateException("comet_get " + i + " was not answered with the object");
            }
        }
    }

    private long now() {
        clock = Math.max(clock, System.currentTimeMillis());
        return clock;
    }

    @Benchmark
    public byte[] cometGet() {
        long n = sent++;
        node.onDatagram(senders[(int) ((n >>> 16) % SENDERS)], queries[(int) (n & 0xffff)]);
        return lastReply;
    }
}
