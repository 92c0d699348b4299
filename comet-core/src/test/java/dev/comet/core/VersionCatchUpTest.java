package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.aso.ObjectVersions;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;
import dev.comet.owned.ObjectSignature;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A copy that a replica's re-store brings with a version number but not that version's bytes is completed from the
 * replicas: the re-storing one first, then the other closest Comet nodes in turn when it cannot give them (the CI
 * failure of stop 22: a sender that had handed its copy on and dropped it left a holder without its version).
 */
class VersionCatchUpTest {
    private static final byte[] SALT = "profile".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CODE = "-- the object".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "value after update 5".getBytes(StandardCharsets.UTF_8);

    private final NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(),
            new FakeEnvironment(42).useAsoRuntime(new ScriptedAsoRuntime()));
    private final Peer replica = new Peer(NodeId.ofKey("replica"), 11);
    private final Peer other = new Peer(NodeId.ofKey("other replica"), 12);
    private final Peer client = new Peer(NodeId.ofKey("client"), 13);
    private final Ed25519.RawKeyPair owner = Ed25519.fromSeed(filled(Ed25519.SEED_BYTES, 1));
    private final ObjectSignature signature = ObjectSignature.sign(owner, SALT, 1, CODE);
    private final NodeId key = signature.key();

    private static byte[] filled(int size, int b) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) b);
        return bytes;
    }

    /** The replica re-stores the object, saying it holds version 5 of its value; the node takes the copy. */
    private void reStoredAtVersion5() {
        n.started();
        n.learn(replica);
        n.learn(other);
        n.askOk(replica, "comet_put", CometPut.args(replica.id, key, n.tokenFor(replica, key), CODE,
                "state".getBytes(StandardCharsets.UTF_8), true, -1, 3, null, signature, 5));
    }

    private Dict.Builder version5() {
        return Dict.builder().put("v", List.of(5L, ObjectVersions.sha256(VALUE), VALUE));
    }

    /** What the node answers a client asking for version 5 of the value: its bytes, or null when it has none. */
    private byte[] heldVersion5() {
        var reply = n.ask(client, "comet_get", client.args().put("k", key).put("ver", 5L).build());
        if (!(reply instanceof dev.comet.krpc.KrpcResponse r) || !r.values().has("v")) {
            return null;
        }
        return (byte[]) r.values().list("v").get(2);
    }

    @Test
    void theReStoringReplicaIsAskedFirstForTheVersion() {
        reStoredAtVersion5();
        assertThat(heldVersion5()).as("before the replica answers").isNull();

        FakeEnvironment.Sent asked = n.onlyQueryTo(replica, "comet_get");
        assertThat(NodeUnderTest.query(asked).arguments().integer("ver")).isEqualTo(5);
        assertThat(n.queriesTo(other, "comet_get")).isEmpty();
        n.answer(replica, asked, version5());

        assertThat(heldVersion5()).isEqualTo(VALUE);
        assertThat(n.queriesTo(other, "comet_get")).as("no one else asked once the replica gave it").isEmpty();
    }

    @Test
    void whenTheReStoringReplicaNoLongerHoldsTheObjectAnotherReplicaIsAsked() {
        reStoredAtVersion5();
        n.answer(replica, n.onlyQueryTo(replica, "comet_get"), Dict.builder()); // dropped its copy: no "v"

        FakeEnvironment.Sent asked = n.onlyQueryTo(other, "comet_get");
        assertThat(NodeUnderTest.query(asked).arguments().integer("ver")).isEqualTo(5);
        n.answer(other, asked, version5());

        assertThat(heldVersion5()).isEqualTo(VALUE);
    }

    @Test
    void bytesThatDoNotMatchTheirHashAreNotKeptAndTheNextReplicaIsAsked() {
        reStoredAtVersion5();
        byte[] forged = "not the value".getBytes(StandardCharsets.UTF_8);
        n.answer(replica, n.onlyQueryTo(replica, "comet_get"),
                Dict.builder().put("v", List.of(5L, ObjectVersions.sha256(VALUE), forged)));

        assertThat(heldVersion5()).isNull();
        n.answer(other, n.onlyQueryTo(other, "comet_get"), version5());
        assertThat(heldVersion5()).isEqualTo(VALUE);
    }

    @Test
    void whenNoReplicaCanGiveTheVersionTheNodeStopsAskingAndCatchesUpOnTheNextReStore() {
        reStoredAtVersion5();
        FakeEnvironment.Sent first = n.onlyQueryTo(replica, "comet_get");
        n.env.deliver(n.node, replica.address, replica.error(first, 351, "that version is not kept"));
        n.env.deliver(n.node, other.address, other.error(n.onlyQueryTo(other, "comet_get"), 351, "not kept"));
        assertThat(n.env.sent(s -> "comet_get".equals(s.method()))).as("every source asked once").hasSize(2);
        assertThat(heldVersion5()).isNull();

        // the next re-store starts a new catch-up: the first one left the object free
        n.askOk(replica, "comet_put", CometPut.args(replica.id, key, n.tokenFor(replica, key), CODE,
                "state".getBytes(StandardCharsets.UTF_8), true, -1, 3, null, signature, 5));
        List<FakeEnvironment.Sent> again = n.queriesTo(replica, "comet_get");
        assertThat(again).hasSize(2);
        n.answer(replica, again.get(1), version5());
        assertThat(heldVersion5()).isEqualTo(VALUE);
    }
}
