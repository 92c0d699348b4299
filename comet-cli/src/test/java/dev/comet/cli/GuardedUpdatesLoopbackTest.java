package dev.comet.cli;

import dev.comet.aso.ObjectVersions;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.UpdateOutcome;
import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import dev.comet.owned.Edit;
import dev.comet.owned.Guard;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;
import dev.comet.runtime.UdpNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarded updates of signed objects over real UDP on a 10-node loopback cluster (issue #11): a writer's and the
 * owner's updates are ordered by the object's primary into versions every replica holds with the same bytes; two
 * updates guarded by the same version, sent at once, apply exactly once; the last 16 versions are read by number and
 * by hash and older ones are gone; a key that is not a writer's gets 349 and a replayed update 343, and neither
 * changes the value.
 */
class GuardedUpdatesLoopbackTest {
    private static final int REPLICAS = 5;
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.lua(10).config(LoopbackRuntimes.countedReplicas());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Ed25519.RawKeyPair OWNER = Ed25519.generate(RANDOM);
    private static final Ed25519.RawKeyPair WRITER = Ed25519.generate(RANDOM);
    private static final Ed25519.RawKeyPair STRANGER = Ed25519.generate(RANDOM);

    private static UdpNode node(int i) {
        return CLUSTER.node(i);
    }

    /** Puts a signed object under {@code salt} whose value starts empty, naming WRITER. */
    private static NodeId putObject(String salt, String code) throws Exception {
        byte[] c = code.getBytes(StandardCharsets.UTF_8);
        byte[] s = salt.getBytes(StandardCharsets.UTF_8);
        WriteOutcome put = node(3).putSignedObject(c, ObjectSignature.sign(OWNER, s, 1, List.of(WRITER.publicKey()), c),
                REPLICAS, -1).get(30, TimeUnit.SECONDS);
        assertThat(put.accepted()).hasSize(REPLICAS);
        return Item.mutableTarget(OWNER.publicKey(), s);
    }

    private static CompletableFuture<UpdateOutcome> send(int via, Ed25519.RawKeyPair by, NodeId key,
                                                         UpdateProgram program) {
        return send(via, sign(by, key, program));
    }

    private static OwnerRequest sign(Ed25519.RawKeyPair by, NodeId key, UpdateProgram program) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return OwnerRequest.sign(by, OwnerRequest.UPDATE, key, System.currentTimeMillis(), nonce, program.encode());
    }

    private static CompletableFuture<UpdateOutcome> send(int via, OwnerRequest request) {
        return node(via).updateObject(request.key(), request);
    }

    private static UpdateProgram append(String data) {
        return UpdateProgram.of(List.of(), List.of(new Edit.Append(data.getBytes(StandardCharsets.UTF_8))));
    }

    private static UpdateProgram appendIfVersion(long version, String data) {
        return UpdateProgram.of(List.of(new Guard.VersionIs(version)),
                List.of(new Edit.Append(data.getBytes(StandardCharsets.UTF_8))));
    }

    /** Every replica's answer to a plain get (its onGet, here none: aso.value). */
    private static List<String> valuesOf(NodeId key) throws Exception {
        List<ObjectAnswer> all = node(9).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS);
        return all.stream().map(a -> a.error() != null ? a.error().toString()
                : new String((byte[]) a.value(), StandardCharsets.UTF_8)).toList();
    }

    private static ObjectAnswer readVersion(NodeId key, Long number, byte[] hash) throws Exception {
        List<ObjectAnswer> answers = node(7).readVersion(key, number, hash).get(30, TimeUnit.SECONDS);
        assertThat(answers).hasSize(1);
        return answers.get(0);
    }

    /** A version read: [number, sha256, bytes]; its bytes as text. */
    private static String text(ObjectAnswer a) {
        assertThat(a.error()).isNull();
        List<?> v = (List<?>) a.value();
        assertThat((byte[]) v.get(1)).isEqualTo(ObjectVersions.sha256((byte[]) v.get(2)));
        return new String((byte[]) v.get(2), StandardCharsets.UTF_8);
    }

    @Test
    void updatesByAWriterAndTheOwnerMakeVersionsEveryReplicaHoldsAlike() throws Exception {
        NodeId key = putObject("log", "aso.value = ''");

        UpdateOutcome first = send(1, WRITER, key, append("a")).get(30, TimeUnit.SECONDS);
        UpdateOutcome second = send(6, OWNER, key, append("b")).get(30, TimeUnit.SECONDS);

        assertThat(first.error()).isNull();
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.clause()).isZero();
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.primary()).as("one primary orders them").isEqualTo(first.primary());
        assertThat(second.hash()).isEqualTo(ObjectVersions.sha256("ab".getBytes(StandardCharsets.UTF_8)));
        assertThat(valuesOf(key)).hasSize(REPLICAS).containsOnly("ab");
        assertThat(text(readVersion(key, 1L, null))).isEqualTo("a");
        assertThat(text(readVersion(key, null, ObjectVersions.sha256("a".getBytes(StandardCharsets.UTF_8)))))
                .isEqualTo("a");
    }

    @Test
    void twoUpdatesGuardedByTheSameVersionSentAtOnceApplyExactlyOnce() throws Exception {
        NodeId key = putObject("race", "aso.value = 'x'");

        CompletableFuture<UpdateOutcome> one = send(2, WRITER, key, appendIfVersion(0, "1"));
        CompletableFuture<UpdateOutcome> two = send(8, OWNER, key, appendIfVersion(0, "2"));
        List<UpdateOutcome> both = List.of(one.get(30, TimeUnit.SECONDS), two.get(30, TimeUnit.SECONDS));

        assertThat(both).allSatisfy(o -> assertThat(o.error()).isNull());
        assertThat(both.stream().filter(UpdateOutcome::applied).count()).isEqualTo(1);
        assertThat(both).allSatisfy(o -> assertThat(o.version()).isEqualTo(1));
        String winner = both.get(0).applied() ? "x1" : "x2";
        assertThat(valuesOf(key)).hasSize(REPLICAS).containsOnly(winner);
    }

    @Test
    void theLastSixteenVersionsAreReadByNumberAndHashAndOlderOnesAreGone() throws Exception {
        NodeId key = putObject("history", "aso.value = ''");
        StringBuilder expected = new StringBuilder();
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String step = Character.toString('a' + i - 1);
            UpdateOutcome o = send(i % 10, i % 2 == 0 ? OWNER : WRITER, key, append(step)).get(30, TimeUnit.SECONDS);
            assertThat(o.error()).as("update %d", i).isNull();
            assertThat(o.version()).isEqualTo(i);
            expected.append(step);
            hashes.add(o.hash());
        }

        for (int v = 5; v <= 20; v++) {
            assertThat(text(readVersion(key, (long) v, null))).isEqualTo(expected.substring(0, v));
            assertThat(text(readVersion(key, null, hashes.get(v - 1)))).isEqualTo(expected.substring(0, v));
        }
        for (int v = 1; v <= 4; v++) {
            ObjectAnswer gone = readVersion(key, (long) v, null);
            assertThat(gone.error()).as("version %d", v).isNotNull();
            assertThat(gone.error().code().code()).isEqualTo(351);
            assertThat(readVersion(key, null, hashes.get(v - 1)).error().code().code()).isEqualTo(351);
        }
        @SuppressWarnings("unchecked")
        List<List<Object>> listed = (List<List<Object>>) readVersion(key, null, null).value();
        assertThat(listed).hasSize(16);
        assertThat(listed.get(0).get(0)).isEqualTo(5L);
        assertThat(listed.get(15).get(0)).isEqualTo(20L);
    }

    @Test
    void aStrangersUpdateGets349AndAReplayedOneGets343AndNeitherChangesTheValue() throws Exception {
        NodeId key = putObject("guarded", "aso.value = 'kept'");

        UpdateOutcome stranger = send(4, STRANGER, key, append("!")).get(30, TimeUnit.SECONDS);
        assertThat(stranger.error()).isNotNull();
        assertThat(stranger.error().code().code()).isEqualTo(349);

        OwnerRequest once = sign(WRITER, key, append("+"));
        assertThat(send(4, once).get(30, TimeUnit.SECONDS).version()).isEqualTo(1);
        UpdateOutcome replayed = send(5, once).get(30, TimeUnit.SECONDS);
        assertThat(replayed.error()).isNotNull();
        assertThat(replayed.error().code().code()).isEqualTo(343);
        assertThat(valuesOf(key)).hasSize(REPLICAS).containsOnly("kept+");
    }

    @Test
    void aReadWithAFreshnessBoundIsServedByAReplicaThatMeetsItOrGets353() throws Exception {
        NodeId key = putObject("fresh", "aso.value = ''");
        send(1, WRITER, key, append("a")).get(30, TimeUnit.SECONDS);
        UpdateOutcome second = send(2, WRITER, key, append("b")).get(30, TimeUnit.SECONDS);
        assertThat(second.version()).isEqualTo(2);

        List<ObjectAnswer> atLeast2 = node(9).getFresh(key, Map.of(), 2, -1).get(30, TimeUnit.SECONDS);
        assertThat(atLeast2).hasSize(1);
        assertThat(new String((byte[]) atLeast2.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("ab");
        List<ObjectAnswer> atLeast5 = node(9).getFresh(key, Map.of(), 5, -1).get(30, TimeUnit.SECONDS);
        assertThat(atLeast5).hasSize(1);
        assertThat(atLeast5.get(0).error().code().code()).as("no replica holds version 5").isEqualTo(353);
        List<ObjectAnswer> now = node(8).getFresh(key, Map.of(), 0, 0).get(30, TimeUnit.SECONDS);
        assertThat(now.get(0).error()).as("the primary knows its value current").isNull();
        assertThat(now.get(0).replica()).isEqualTo(second.primary());

        // a replica that is not the primary knows the value current only since the primary last sent it a version
        ObjectAnswer other = node(9).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS).stream()
                .filter(a -> !a.replica().equals(second.primary())).findFirst().orElseThrow();
        try (dev.comet.runtime.BlockingKrpcClient client = new dev.comet.runtime.BlockingKrpcClient()) {
            dev.comet.krpc.Dict zero = dev.comet.krpc.Dict.builder().put("id", client.id()).put("k", key)
                    .put("maxage", 0L).build();
            assertThat(client.query(other.replica().address(), "comet_get", zero).orElseThrow())
                    .isInstanceOfSatisfying(dev.comet.krpc.KrpcError.class, e -> assertThat(e.code()).isEqualTo(353));
            dev.comet.krpc.Dict minute = dev.comet.krpc.Dict.builder().put("id", client.id()).put("k", key)
                    .put("maxage", 60L).build();
            assertThat(client.query(other.replica().address(), "comet_get", minute).orElseThrow())
                    .isInstanceOf(dev.comet.krpc.KrpcResponse.class);
        }
    }

    @Test
    void aNewVersionOfTheCodeStartsTheValuesVersionsAfresh() throws Exception {
        NodeId key = putObject("renewed", "aso.value = ''");
        assertThat(send(3, WRITER, key, append("old")).get(30, TimeUnit.SECONDS).version()).isEqualTo(1);

        byte[] code = "aso.value = 'new'".getBytes(StandardCharsets.UTF_8);
        byte[] salt = "renewed".getBytes(StandardCharsets.UTF_8);
        assertThat(node(4).putSignedObject(code, ObjectSignature.sign(OWNER, salt, 2, List.of(WRITER.publicKey()), code),
                REPLICAS, -1).get(30, TimeUnit.SECONDS).accepted()).hasSize(REPLICAS);

        assertThat(readVersion(key, 1L, null).error().code().code()).as("version 1 of the old code").isEqualTo(351);
        UpdateOutcome next = send(5, WRITER, key, append("!")).get(30, TimeUnit.SECONDS);
        assertThat(next.version()).isEqualTo(1);
        assertThat(text(readVersion(key, 1L, null))).isEqualTo("new!");
    }
}
