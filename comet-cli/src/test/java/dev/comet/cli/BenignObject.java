package dev.comet.cli;

import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import dev.comet.runtime.UdpNode;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.function.BooleanSupplier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A benign object on one node that a test reads while that node runs something hostile: it owns the object's key,
 * the check that every read answers from that node with its own value, and the count and slowest latency of reads.
 */
final class BenignObject {
    /** Each get answers with the number it was sent and the sum of a small loop, so a wrong or stale answer shows. */
    static final String CODE = """
            aso.served = 0
            function onGet(caller, args)
              self.served = self.served + 1
              local sum = 0
              for i = 1, 100 do sum = sum + i end
              return 'benign ' .. args.n .. ' ' .. sum
            end
            """;

    private final UdpNode client;
    private final UdpNode node;
    private final NodeId key;
    /** How long one read may take before the node counts as not answering. */
    private final Duration within;
    /** How long the hostile work a test runs beside the reads may take, the reads included. */
    private final Duration workWithin;
    private final AtomicInteger gets = new AtomicInteger();
    private final LongAccumulator slowestNanos = new LongAccumulator(Math::max, 0);

    private BenignObject(UdpNode client, UdpNode node, NodeId key, Duration within, Duration workWithin) {
        this.client = client;
        this.node = node;
        this.key = key;
        this.within = within;
        this.workWithin = workWithin;
    }

    /**
     * Stores the benign object on {@code node} (sent from {@code client}), on sandbox worker {@code worker}, and reads
     * it once. Each read must answer {@code within}; the hostile work beside them must end {@code workWithin}.
     */
    static BenignObject putOn(LoopbackCluster cluster, UdpNode client, UdpNode node, int worker, Duration within,
                              Duration workWithin) throws Exception {
        String name = ObjectKeys.keyOn(cluster, node, worker, "benign");
        WriteOutcome put = client.putObject(NodeId.ofKey(name), CODE.getBytes(UTF_8), 1, -1)
                .get(within.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(put.accepted()).extracting(Contact::id).containsExactly(node.id());
        BenignObject benign = new BenignObject(client, node, NodeId.ofKey(name), within, workWithin);
        benign.get().get(within.toMillis(), TimeUnit.MILLISECONDS);
        return benign;
    }

    /** A get of the object, which must answer from its node with the value for this get. */
    CompletableFuture<Void> get() {
        int n = gets.incrementAndGet();
        long started = System.nanoTime();
        return client.getObject(key, Map.of("n", Integer.toString(n).getBytes(UTF_8)), false).thenAccept(answers -> {
            slowestNanos.accumulate(System.nanoTime() - started);
            assertThat(answers).as("benign get %d", n).singleElement().satisfies(a -> {
                assertThat(a.error()).as("benign get %d", n).isNull();
                assertThat(a.replica().id()).isEqualTo(node.id());
                assertThat(new String((byte[]) a.value(), UTF_8)).isEqualTo("benign " + n + " 5050");
            });
        });
    }

    /**
     * Runs gets, one after another, until {@code done} says the hostile work is over: the first starts together with
     * it, and every one must answer, with its own value, within the bounds.
     */
    void whileServing(BooleanSupplier done) {
        await("the hostile work ends while the node serves a benign object").atMost(workWithin)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                    get().get(within.toMillis(), TimeUnit.MILLISECONDS);
                    return done.getAsBoolean();
                });
    }

    /** {@link #whileServing(BooleanSupplier)} until {@code hostile} completes; then its result. */
    <T> T whileServing(CompletableFuture<T> hostile) throws Exception {
        whileServing(hostile::isDone);
        return hostile.get();
    }

    /** Gets sent so far. */
    int gets() {
        return gets.get();
    }

    /** The slowest get so far, from sending to its answer. */
    Duration slowest() {
        return Duration.ofNanos(slowestNanos.get());
    }
}
