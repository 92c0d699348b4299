package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.aso.AsoOutcome;
import dev.comet.aso.ObjectVersions;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcResponse;
import dev.comet.owned.Edit;
import dev.comet.owned.Guard;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A primary sends each version it makes to the other closest replicas and to the hand-off margin beyond them: a copy
 * kept there (churn put it there, or a repair while a silent replica still counted among the closest) must not answer
 * a superseded version (the CI failure of stop 23: the copy at the margin held version 7 while the others held 13).
 * The writer is answered once a majority of the closest replicas hold the version; the margin's answers do not count.
 */
class VersionPropagationTest {
    private static final byte[] SALT = "profile".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CODE = "-- the object".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "the value after the update".getBytes(StandardCharsets.UTF_8);
    private static final int REPLICAS = 3;

    private final Ed25519.RawKeyPair owner = Ed25519.fromSeed(filled(Ed25519.SEED_BYTES, 1));
    private final ObjectSignature signature = ObjectSignature.sign(owner, SALT, 1, CODE);
    private final NodeId key = signature.key();
    private final ScriptedAsoRuntime runtime = new ScriptedAsoRuntime().on("onUpdate",
            call -> ScriptedAsoRuntime.answering(call, null).with(new AsoOutcome.Applied(0, VALUE)));
    /** The primary: the node closest to the key. */
    private final NodeUnderTest n = new NodeUnderTest(near(159), NodeConfig.defaults(),
            new FakeEnvironment(42).useAsoRuntime(runtime));
    /** The other two replicas, then the one node of the default hand-off margin, then one beyond it. */
    private final Peer second = new Peer(near(120), 11);
    private final Peer third = new Peer(near(110), 12);
    private final Peer margin = new Peer(near(100), 13);
    private final Peer beyond = new Peer(near(90), 14);
    private final Peer writer = new Peer(NodeId.ofKey("writer"), 15);

    private static byte[] filled(int size, int b) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) b);
        return bytes;
    }

    /** The key with bit {@code bit} flipped: the higher the bit, the nearer the key. */
    private NodeId near(int bit) {
        byte[] id = key.toBytes();
        id[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        return NodeId.fromBytes(id);
    }

    /** The primary holds the object at version 0 and knows the four other nodes; the writer sends an update. */
    private void updateSent() {
        n.started();
        for (Peer p : List.of(second, third, margin, beyond)) {
            n.learn(p);
        }
        n.askOk(writer, "comet_put", CometPut.args(writer.id, key, n.tokenFor(writer, key), CODE, null, false, -1,
                REPLICAS, null, signature));
        UpdateProgram program = UpdateProgram.of(List.of(new Guard.VersionIs(0)),
                List.of(new Edit.Append("!".getBytes(StandardCharsets.UTF_8))));
        sendUpdate(program, 7);
        assertThat(n.queriesTo(second, "comet_version")).as("not before the replicas are looked up").isEmpty();
        answerLookup();
    }

    /** The writer sends {@code program}, signed with a nonce of {@code nonce} bytes; nothing answers it at once. */
    private void sendUpdate(UpdateProgram program, int nonce) {
        OwnerRequest request = OwnerRequest.sign(owner, OwnerRequest.UPDATE, key, n.env.now(), filled(16, nonce),
                program.encode());
        assertThat(n.deliver(writer, writer.query("comet_update", request.addTo(writer.args().put("k", key)).build())))
                .as("no answer before the replicas do").isEmpty();
    }

    /** The peers the node knows answer the lookup of the key that starts a run of updates, naming no other nodes. */
    private void answerLookup() {
        // the lookup asks a few at a time: answer until nobody is left waiting
        for (boolean answered = true; answered; ) {
            answered = false;
            for (Peer p : List.of(second, third, margin, beyond, writer)) {
                for (FakeEnvironment.Sent q : n.queriesTo(p, "get")) {
                    if (key.equals(NodeUnderTest.query(q).arguments().id("target")) && lookupAnswered.add(q)) {
                        n.answer(p, q, Dict.builder().put("token", filled(8, 1)).put("nodes", new byte[0]));
                        answered = true;
                    }
                }
            }
        }
    }

    private final java.util.Set<FakeEnvironment.Sent> lookupAnswered = new java.util.HashSet<>();

    private long lookupsOfTheKey() {
        return List.of(second, third, margin, beyond, writer).stream().flatMap(p -> n.queriesTo(p, "get").stream())
                .filter(q -> key.equals(NodeUnderTest.query(q).arguments().id("target"))).count();
    }

    private Dict.Builder holds(long version) {
        return Dict.builder().put("ver", version).put("h", ObjectVersions.sha256(VALUE));
    }

    /** The reply the writer got to its update (its first two answered the token's get and the put). */
    private dev.comet.krpc.KrpcMessage writerAnswer() {
        List<FakeEnvironment.Sent> replies = n.repliesTo(writer);
        assertThat(replies).hasSize(3);
        return replies.get(2).decode();
    }

    @Test
    void theVersionGoesToTheOtherReplicasAndTheMarginAndNoFurther() {
        updateSent();

        for (Peer p : List.of(second, third, margin)) {
            Dict sent = NodeUnderTest.query(n.onlyQueryTo(p, "comet_version")).arguments();
            assertThat(sent.integer("ver")).isEqualTo(1);
            assertThat(sent.bytes("b")).isEqualTo(VALUE);
        }
        assertThat(n.queriesTo(beyond, "comet_version")).isEmpty();
    }

    @Test
    void aReplicaThatConfirmsMakesTheMajorityWithThePrimary() {
        updateSent();
        n.answer(second, n.onlyQueryTo(second, "comet_version"), holds(1));
        n.answer(third, n.onlyQueryTo(third, "comet_version"), Dict.builder()); // holds no copy: no "ver"
        n.answer(margin, n.onlyQueryTo(margin, "comet_version"), Dict.builder());

        assertThat(writerAnswer()).as("primary and second: 2 of 3").isInstanceOf(KrpcResponse.class);
        Dict answer = ((KrpcResponse) writerAnswer()).values();
        assertThat(answer.integer("ver")).isEqualTo(1);
        assertThat(answer.integer("applied")).isEqualTo(1);
    }

    @Test
    void aMarginHoldersConfirmationDoesNotCountTowardsTheMajority() {
        // the next primary is one of the closest n: a majority among them is what it is sure to meet
        updateSent();
        n.answer(second, n.onlyQueryTo(second, "comet_version"), Dict.builder());
        n.answer(third, n.onlyQueryTo(third, "comet_version"), Dict.builder());
        n.answer(margin, n.onlyQueryTo(margin, "comet_version"), holds(1));

        assertThat(writerAnswer()).isInstanceOfSatisfying(dev.comet.krpc.KrpcError.class,
                e -> assertThat(e.code()).isEqualTo(dev.comet.ErrorCode.UPDATE_UNCONFIRMED.krpcCode()));
    }

    @Test
    void aRunOfUpdatesLooksItsReplicasUpFirstAndTheNextRunSoonAfterDoesNot() {
        updateSent();
        long asked = lookupsOfTheKey();
        assertThat(asked).as("the lookup asked each peer it knows near the key").isPositive();
        for (Peer p : List.of(second, third, margin)) {
            n.answer(p, n.onlyQueryTo(p, "comet_version"), holds(1));
        }
        assertThat(writerAnswer()).isInstanceOf(KrpcResponse.class);

        n.env.advance(10_000);
        sendUpdate(UpdateProgram.of(List.of(new Guard.VersionIs(1)),
                List.of(new Edit.Append("?".getBytes(StandardCharsets.UTF_8)))), 8);
        assertThat(lookupsOfTheKey()).as("looked up 10 s ago: no new lookup").isEqualTo(asked);
        assertThat(n.queriesTo(second, "comet_version")).as("version 2 went out at once").hasSize(2);
    }

    @Test
    void withoutAMajorityOfTheReplicasTheWriterIsToldTheVersionIsUnconfirmed() {
        updateSent();
        for (Peer p : List.of(second, third, margin)) {
            n.answer(p, n.onlyQueryTo(p, "comet_version"), Dict.builder());
        }

        assertThat(writerAnswer()).as("only the primary holds it").isInstanceOfSatisfying(dev.comet.krpc.KrpcError.class,
                e -> assertThat(e.code()).isEqualTo(dev.comet.ErrorCode.UPDATE_UNCONFIRMED.krpcCode()));
    }
}
