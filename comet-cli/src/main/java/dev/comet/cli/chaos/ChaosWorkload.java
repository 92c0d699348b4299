package dev.comet.cli.chaos;

import dev.comet.client.CometClientException;
import dev.comet.client.GetResult;
import dev.comet.client.HttpCometClient;
import dev.comet.client.ItemResult;
import dev.comet.client.ItemSpec;
import dev.comet.client.ObjectSpec;
import dev.comet.client.WriteResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The puts and gets of a chaos run, sent by a few client threads through the HTTP gateways of the node processes
 * alive at the moment: active objects with a small Lua handler, and immutable BEP 44 items. It records every write
 * the network acknowledged, reads back acknowledged ones while the processes die and restart, and at the end reads
 * every acknowledged write once more.
 */
public final class ChaosWorkload {
    /** The workload's object: it answers its value and how many gets this replica served (its state changes on each). */
    static final String OBJECT_CODE = """
            -- comet chaos: answers the value and the gets this replica served
            aso.gets = 0
            function onGet()
              self.gets = self.gets + 1
              return {self.value, self.gets}
            end
            """;

    private final Supplier<List<NodeProcesses.Member>> alive;
    private final int replicas;
    private final long seed;
    private final List<Acked> acked = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong putsFailed = new AtomicLong();
    private final AtomicLong getsOk = new AtomicLong();
    private final AtomicLong getsFailed = new AtomicLong();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

    /** A workload through the processes {@code alive} names at each operation, objects stored on {@code replicas}. */
    public ChaosWorkload(Supplier<List<NodeProcesses.Member>> alive, int replicas, long seed) {
        this.alive = alive;
        this.replicas = replicas;
        this.seed = seed;
    }

    /** Runs {@code clients} client threads until {@code deadlineNanos} ({@link System#nanoTime()}), then returns. */
    public void run(int clients, long startNanos, long deadlineNanos) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Random random = new Random(seed * 31 + c);
            Thread t = new Thread(() -> {
                while (System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted()) {
                    step(random, (System.nanoTime() - startNanos) / 1_000_000);
                }
            }, "chaos-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }

    /** One operation: a put of a new object (40 %) or item (30 %), or a get of an acknowledged write (30 %). */
    private void step(Random random, long atMillis) {
        List<NodeProcesses.Member> members = alive.get();
        if (members.isEmpty()) {
            NodeProcesses.pause(50); // every process is down: the plan never does this, but wait rather than spin
            return;
        }
        HttpCometClient through = members.get(random.nextInt(members.size())).gateway();
        int dice = random.nextInt(10);
        long n = sequence.incrementAndGet();
        String value = "chaos " + seed + " #" + n + " " + Long.toHexString(random.nextLong());
        try {
            if (dice < 4) {
                String key = "chaos/" + seed + "/" + n;
                WriteResult w = through.put(key, new ObjectSpec(value, OBJECT_CODE, replicas, null, null));
                record(Acked.Kind.OBJECT, key, value, w, atMillis);
            } else if (dice < 7) {
                WriteResult w = through.putItem(ItemSpec.immutable(value));
                record(Acked.Kind.ITEM, w.target(), value, w, atMillis);
            } else if (!acked.isEmpty()) {
                Acked a = acked.get(random.nextInt(acked.size()));
                if (value(through, a).equals(a.value())) {
                    getsOk.incrementAndGet();
                } else {
                    getsFailed.incrementAndGet();
                    failures.computeIfAbsent("get answered another value", k -> new AtomicLong()).incrementAndGet();
                }
                return;
            } else {
                return;
            }
        } catch (RuntimeException e) {
            // a process killed under the request, a replica that timed out: not acknowledged, counted by cause
            (dice < 7 ? putsFailed : getsFailed).incrementAndGet();
            failures.computeIfAbsent((dice < 7 ? "put " : "get ") + causeOf(e), k -> new AtomicLong()).incrementAndGet();
        }
    }

    private void record(Acked.Kind kind, String key, String value, WriteResult w, long atMillis) {
        if (w.stored().isEmpty()) {
            putsFailed.incrementAndGet(); // not acknowledged: no replica has it
            failures.computeIfAbsent("put stored on no node", k -> new AtomicLong()).incrementAndGet();
            return;
        }
        acked.add(new Acked(kind, key, value, w.stored(), atMillis));
    }

    /** What {@code through} reads for an acknowledged write: the object's value as its onGet answers it, or the item's. */
    static String value(HttpCometClient through, Acked a) {
        if (a.kind() == Acked.Kind.ITEM) {
            ItemResult item = through.getItem(a.key(), null);
            return item.value();
        }
        GetResult got = through.get(a.key());
        return got.value() instanceof List<?> answer && !answer.isEmpty() ? String.valueOf(answer.get(0)) : String.valueOf(got.value());
    }

    /** A failure as the report counts it: the catalogue name of a client error, else the exception's class. */
    static String causeOf(RuntimeException e) {
        return e instanceof CometClientException ce ? ce.code().name() : e.getClass().getSimpleName();
    }

    public List<Acked> acked() {
        return List.copyOf(acked);
    }

    public long putsFailed() {
        return putsFailed.get();
    }

    public long getsOk() {
        return getsOk.get();
    }

    public long getsFailed() {
        return getsFailed.get();
    }

    /** Failed operations by what failed (e.g. "put UNAVAILABLE"), for the report. */
    public Map<String, Long> failures() {
        Map<String, Long> out = new java.util.TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
