package dev.comet.cli;

import dev.comet.aso.ObjectVersions;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.UpdateOutcome;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import dev.comet.owned.Edit;
import dev.comet.owned.Guard;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #11's concurrency check on a 20-node loopback cluster with 5 replicas: 20 clients, each through another
 * node, append to one signed object with updates guarded by the version they last saw, retrying on the version the
 * refusal names. No append is lost or doubled, the version counts the appends, and every replica holds the final
 * version's bytes. Also reports how many writes needed a retry. Then (last, as it stops a node) the primary is
 * stopped in the middle of a stream of updates: the next replica orders the rest, and nothing acknowledged is lost.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ConcurrentAppendsLoopbackTest {
    private static final int NODES = 20;
    private static final int CLIENTS = 20;
    private static final int APPENDS_EACH = 3;
    private static final int REPLICAS = 5;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Ed25519.RawKeyPair OWNER = Ed25519.generate(RANDOM);
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.lua(NODES).config(LoopbackRuntimes.countedReplicas())
            .formedWithin(60_000);

    /** Appends {@code token} through node {@code via}, guarded by the version last seen; returns the attempts made. */
    private static int appendOnce(int via, NodeId key, String token) throws Exception {
        long seen = 0;
        for (int attempt = 1; attempt <= 200; attempt++) {
            UpdateOutcome o = CLUSTER.node(via).updateObject(key, appendRequest(key, seen, token))
                    .get(30, TimeUnit.SECONDS);
            if (o.applied()) {
                return attempt;
            }
            if (o.error() == null) {
                seen = o.version(); // the guard did not hold: the refusal names the version to build on
            }
        }
        throw new AssertionError(token + " was not appended in 200 attempts");
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void twentyClientsAppendingWithGuardsLoseAndDoubleNothing() throws Exception {
        byte[] code = "aso.value = ''".getBytes(StandardCharsets.UTF_8);
        byte[] salt = "appends".getBytes(StandardCharsets.UTF_8);
        assertThat(CLUSTER.node(0).putSignedObject(code, ObjectSignature.sign(OWNER, salt, 1, code), REPLICAS, -1)
                .get(30, TimeUnit.SECONDS).accepted()).hasSize(REPLICAS);
        NodeId key = Item.mutableTarget(OWNER.publicKey(), salt);

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            done.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < APPENDS_EACH; i++) {
                        int made = appendOnce(client % NODES, key, "<" + client + "." + i + ">");
                        attempts.addAndGet(made);
                        if (made > 1) {
                            retried.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, clients));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        clients.shutdown();

        List<ObjectAnswer> replicas = CLUSTER.node(NODES - 1).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS);
        assertThat(replicas).hasSize(REPLICAS).allSatisfy(a -> assertThat(a.error()).isNull());
        List<String> values = replicas.stream().map(a -> new String((byte[]) a.value(), StandardCharsets.UTF_8)).toList();
        assertThat(values).as("every replica holds the final version's bytes").containsOnly(values.get(0));
        String value = values.get(0);
        for (int c = 0; c < CLIENTS; c++) {
            for (int i = 0; i < APPENDS_EACH; i++) {
                String token = "<" + c + "." + i + ">";
                assertThat(value.indexOf(token)).as(token + " appended").isGreaterThanOrEqualTo(0);
                assertThat(value.indexOf(token)).as(token + " appended once").isEqualTo(value.lastIndexOf(token));
            }
        }
        int writes = CLIENTS * APPENDS_EACH;
        List<?> last = (List<?>) CLUSTER.node(3).readVersion(key, (long) writes, null).get(30, TimeUnit.SECONDS)
                .get(0).value();
        assertThat((byte[]) last.get(1)).isEqualTo(ObjectVersions.sha256(value.getBytes(StandardCharsets.UTF_8)));
        System.out.printf("ConcurrentAppendsLoopbackTest: %d appends by %d clients, %d attempts; %d writes (%.0f %%) "
                + "needed a retry%n", writes, CLIENTS, attempts.get(), retried.get(), 100.0 * retried.get() / writes);
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void whenThePrimaryStopsTheNextReplicaOrdersTheUpdatesAndNothingAcknowledgedIsLost() throws Exception {
        byte[] code = "aso.value = ''".getBytes(StandardCharsets.UTF_8);
        byte[] salt = "failover".getBytes(StandardCharsets.UTF_8);
        assertThat(CLUSTER.node(1).putSignedObject(code, ObjectSignature.sign(OWNER, salt, 1, code), REPLICAS, -1)
                .get(30, TimeUnit.SECONDS).accepted()).hasSize(REPLICAS);
        NodeId key = Item.mutableTarget(OWNER.publicKey(), salt);
        List<String> acknowledged = new ArrayList<>();
        java.util.Set<InetSocketAddress> primaries = new java.util.LinkedHashSet<>();
        InetSocketAddress stopped = null;
        int[] stoppedIndex = {-1};
        long[] seen = {0};
        for (int i = 0; i < 12; i++) {
            String token = "<" + i + ">";
            if (i == 6) {
                stopped = primaries.iterator().next();
                stoppedIndex[0] = indexOf(stopped);
            }
            // a stopped node is no client, its requests fail at once, and the primary may be one of nodes 2-4
            int via = (2 + i % 3) == stoppedIndex[0] ? 5 : 2 + i % 3;
            if (i == 6) {
                // the primary stops while this update is on its way: it may or may not have been applied
                CompletableFuture<UpdateOutcome> sent = CLUSTER.node(via).updateObject(key,
                        appendRequest(key, seen[0], token));
                CLUSTER.node(stoppedIndex[0]).close();
                if (settle(sent.get(60, TimeUnit.SECONDS), token, seen, acknowledged, primaries)) {
                    continue;
                }
            }
            // until a primary confirms it: a refusal names the version to build on, an error means none ordered it yet
            InetSocketAddress gone = stopped;
            await().atMost(2, TimeUnit.MINUTES).pollInterval(200, TimeUnit.MILLISECONDS).untilAsserted(() -> {
                UpdateOutcome o = CLUSTER.node(via).updateObject(key, appendRequest(key, seen[0], token))
                        .get(60, TimeUnit.SECONDS);
                assertThat(settle(o, token, seen, acknowledged, primaries)).as("%s through node %d (%s stopped): %s",
                        token, via, gone, describe(o)).isTrue();
            });
        }
        InetSocketAddress dead = stopped;
        assertThat(primaries).as("the primaries that ordered updates").hasSizeGreaterThanOrEqualTo(2);
        assertThat(primaries.stream().skip(1)).doesNotContain(dead);
        int reader = stoppedIndex[0] == NODES - 1 ? 0 : NODES - 1;
        List<ObjectAnswer> replicas = CLUSTER.node(reader).getObject(key, Map.of(), true)
                .get(60, TimeUnit.SECONDS).stream().filter(a -> a.error() == null).toList();
        assertThat(replicas).hasSizeGreaterThanOrEqualTo(REPLICAS - 1);
        List<String> values = replicas.stream().map(a -> new String((byte[]) a.value(), StandardCharsets.UTF_8)).toList();
        assertThat(values).containsOnly(values.get(0));
        for (String token : acknowledged) {
            assertThat(values.get(0)).as(token + " acknowledged").contains(token);
        }
    }

    /** The owner's append of {@code token}, guarded by version {@code seen}. */
    private static OwnerRequest appendRequest(NodeId key, long seen, String token) {
        UpdateProgram program = UpdateProgram.of(List.of(new Guard.VersionIs(seen)),
                List.of(new Edit.Append(token.getBytes(StandardCharsets.UTF_8))));
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return OwnerRequest.sign(OWNER, OwnerRequest.UPDATE, key, System.currentTimeMillis(), nonce, program.encode());
    }

    private static int indexOf(InetSocketAddress address) {
        for (int i = 0; i < NODES; i++) {
            if (CLUSTER.node(i).address().equals(address)) {
                return i;
            }
        }
        throw new AssertionError("no node at " + address);
    }

    private static String describe(UpdateOutcome o) {
        return (o.error() == null ? "version " + o.version() + ", clause " + o.clause() : o.error().toString())
                + " from " + (o.primary() == null ? "nobody" : o.primary().address());
    }

    /** Records what an append's outcome says; true once it was applied (and acknowledged). */
    private static boolean settle(UpdateOutcome o, String token, long[] seen, List<String> acknowledged,
                                  java.util.Set<InetSocketAddress> primaries) {
        if (o.applied()) {
            acknowledged.add(token);
            primaries.add(o.primary().address());
            seen[0] = o.version();
            return true;
        }
        if (o.error() == null) {
            seen[0] = o.version();
        }
        return false;
    }
}
