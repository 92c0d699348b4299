package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.TombstoneStorage;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Deletes that stick, on one node: a delete leaves a tombstone that refuses replicas' copies of the deleted object for
 * as long as the object could have lived, is passed on as a replica's {@code comet_delete}, and gives way to a
 * client's new put (unsigned) or the owner's higher seq (signed), whatever the order things arrive in.
 */
class TombstonesTest {
    private static final long HOUR = 3_600_000L;
    private static final byte[] SALT = "profile".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOKEN = "token-42".getBytes(StandardCharsets.UTF_8);

    private final ScriptedAsoRuntime runtime = new ScriptedAsoRuntime();
    private final NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(),
            new FakeEnvironment(42).useAsoRuntime(runtime));
    private final ObjectStorage objects = new ObjectStorage(n.env.store());
    private final TombstoneStorage tombstones = new TombstoneStorage(n.env.store());
    private final Peer client = new Peer(NodeId.ofKey("client"), 10);
    private final Peer replica = new Peer(NodeId.ofKey("replica"), 11);
    private final NodeId key = NodeId.ofKey("a deleted object");
    private final byte[] code = "-- the object".getBytes(StandardCharsets.UTF_8);
    private final Ed25519.RawKeyPair owner = keys(1);
    private final NodeId ownedKey = ObjectSignature.sign(owner, SALT, 0, new byte[0]).key();
    private int nonces;

    private static Ed25519.RawKeyPair keys(int seed) {
        byte[] bytes = new byte[Ed25519.SEED_BYTES];
        Arrays.fill(bytes, (byte) seed);
        return Ed25519.fromSeed(bytes);
    }

    private Dict put(Peer from, NodeId under, ObjectSignature signature, boolean asReplica, long ttlSeconds) {
        byte[] c = signature == null ? code : version(signature.seq());
        return CometPut.args(from.id, under, n.tokenFor(from, under), c, asReplica ? "state".getBytes() : null,
                asReplica, ttlSeconds, 3, null, signature);
    }

    private static byte[] version(long seq) {
        return ("-- version " + seq).getBytes(StandardCharsets.UTF_8);
    }

    private ObjectSignature signed(long seq) {
        return ObjectSignature.sign(owner, SALT, seq, version(seq));
    }

    private OwnerRequest deleteRequest() {
        byte[] nonce = new byte[16];
        Arrays.fill(nonce, (byte) ++nonces);
        return OwnerRequest.sign(owner, OwnerRequest.DELETE, ownedKey, n.env.now(), nonce);
    }

    private Dict delete(NodeId under, OwnerRequest request) {
        Dict.Builder args = client.args().put("k", under);
        return request == null ? args.build() : request.addTo(args).build();
    }

    /** An unsigned object put by a client for two hours, then deleted by a client. */
    private void putAndDelete() {
        n.askOk(client, "comet_put", put(client, key, null, false, 2 * 3600));
        n.askOk(client, "comet_delete", delete(key, null));
        assertThat(objects.get(key, n.env.now())).isEmpty();
    }

    @Test
    void aReplicasCopyOfADeletedObjectIsRefusedFor354AndTheReplicaIsSentTheTombstone() {
        putAndDelete();
        runtime.calls.clear();

        assertThat(n.askError(replica, "comet_put", put(replica, key, null, true, 3600))).isEqualTo(354);

        assertThat(objects.get(key, n.env.now())).as("the copy is not stored").isEmpty();
        assertThat(runtime.calls).as("no handler runs for a refused copy").isEmpty();
        // the tombstone goes back to the replica that still re-stores the copy: a token, then a replica's comet_delete
        FakeEnvironment.Sent get = n.onlyQueryTo(replica, "get");
        n.answer(replica, get, Dict.builder().put("token", TOKEN));
        Dict tombstone = NodeUnderTest.query(n.onlyQueryTo(replica, "comet_delete")).arguments();
        assertThat(tombstone.id("k")).isEqualTo(key);
        assertThat(tombstone.integer("replica")).isEqualTo(1);
        assertThat(tombstone.bytes("token")).isEqualTo(TOKEN);
        assertThat(tombstone.integer("n")).isEqualTo(3);
    }

    @Test
    void theTombstoneOutlivesTheObjectByTheMarginAndThenGoes() {
        long margin = ObjectConfig.defaults().tombstoneMarginMillis();
        putAndDelete();

        n.env.advance(2 * HOUR + margin - 1_000);
        assertThat(n.askError(replica, "comet_put", put(replica, key, null, true, 600))).as("past the object's end")
                .isEqualTo(354);

        n.env.advance(2_000);
        assertThat(tombstones.get(key, n.env.now())).isEmpty();
        n.askOk(replica, "comet_put", put(replica, key, null, true, 600));
        assertThat(objects.get(key, n.env.now())).isPresent();
    }

    @Test
    void aClientsPutAfterTheDeleteReplacesAnUnsignedObjectsTombstone() {
        putAndDelete();

        n.askOk(client, "comet_put", put(client, key, null, false, 3600));

        assertThat(objects.get(key, n.env.now())).isPresent();
        assertThat(tombstones.get(key, n.env.now())).isEmpty();
        // and the replicas' copies of the new object are welcome again
        n.askOk(replica, "comet_put", put(replica, key, null, true, 3600));
    }

    @Test
    void aDeleteOfAnObjectNotHeldHereLeavesATombstoneForTheCopyOnItsWay() {
        n.askOk(client, "comet_delete", delete(key, null));

        assertThat(n.askError(replica, "comet_put", put(replica, key, null, true, 3600))).isEqualTo(354);
    }

    @Test
    void aReplicasTombstoneRunsOnDeleteRemovesTheCopyAndIsKeptWithItsLifetime() {
        n.askOk(client, "comet_put", put(client, key, null, false, 3600));
        runtime.calls.clear();

        Dict args = Tombstones.args(replica.id, new TombstoneStorage.Tombstone(key, 5, 0, null),
                n.tokenFor(replica, key), 5 * 3600);
        n.askOk(replica, "comet_delete", args);

        assertThat(objects.get(key, n.env.now())).isEmpty();
        assertThat(runtime.callsOf("onDelete")).singleElement()
                .satisfies(call -> assertThat(call.caller().replica()).isTrue());
        TombstoneStorage.Tombstone kept = tombstones.get(key, n.env.now()).orElseThrow();
        assertThat(kept.replicas()).isEqualTo(5);
        assertThat(kept.expiresAtMillis()).isEqualTo(n.env.now() + 5 * HOUR);
    }

    @Test
    void aReplicasTombstoneWithoutAValidTokenIsRefusedAndDeletesNothing() {
        n.askOk(client, "comet_put", put(client, key, null, false, 3600));

        Dict args = Tombstones.args(replica.id, new TombstoneStorage.Tombstone(key, 5, 0, null), TOKEN, 3600);
        assertThat(n.askError(replica, "comet_delete", args)).isEqualTo(203);

        assertThat(objects.get(key, n.env.now())).isPresent();
    }

    @Test
    void anOnDeleteThatRefusesAReplicasTombstoneKeepsTheObject() {
        n.askOk(client, "comet_put", put(client, key, null, false, 3600));
        runtime.on("onDelete", ScriptedAsoRuntime::answeringFalse);

        Dict args = Tombstones.args(replica.id, new TombstoneStorage.Tombstone(key, 5, 0, null),
                n.tokenFor(replica, key), 3600);
        assertThat(n.askError(replica, "comet_delete", args)).isEqualTo(330);

        assertThat(objects.get(key, n.env.now())).isPresent();
        assertThat(tombstones.get(key, n.env.now())).isEmpty();
    }

    @Test
    void aSignedObjectsTombstoneRefusesItsDeletedSeqAndLowerAndGivesWayToAHigherOne() {
        n.askOk(client, "comet_put", put(client, ownedKey, signed(5), false, 3600));
        n.askOk(client, "comet_delete", delete(ownedKey, deleteRequest()));
        assertThat(tombstones.get(ownedKey, n.env.now()).orElseThrow().signed().seq()).isEqualTo(5);

        assertThat(n.askError(replica, "comet_put", put(replica, ownedKey, signed(5), true, 3600))).isEqualTo(354);
        assertThat(n.askError(client, "comet_put", put(client, ownedKey, signed(4), false, 3600))).isEqualTo(354);
        assertThat(n.askError(client, "comet_put", put(client, ownedKey, null, false, 3600)))
                .as("an unsigned put under the owner's key").isEqualTo(354);
        assertThat(objects.get(ownedKey, n.env.now())).isEmpty();

        // a replica's copy of a newer version supersedes it too: the version decides, not who sends it
        n.askOk(replica, "comet_put", put(replica, ownedKey, signed(6), true, 3600));
        assertThat(objects.get(ownedKey, n.env.now()).orElseThrow().signature().seq()).isEqualTo(6);
        assertThat(tombstones.get(ownedKey, n.env.now())).isEmpty();
    }

    @Test
    void anOlderTombstoneArrivingAfterANewerVersionLeavesTheNewerVersion() {
        // replica A deleted version 5; the owner then put version 6 here; A's tombstone of 5 reaches this node last
        n.askOk(client, "comet_put", put(client, ownedKey, signed(6), false, 3600));
        Dict args = tombstoneOf(5, deleteRequest());
        runtime.calls.clear();

        n.askOk(replica, "comet_delete", args);

        assertThat(objects.get(ownedKey, n.env.now()).orElseThrow().signature().seq()).isEqualTo(6);
        assertThat(runtime.callsOf("onDelete")).isEmpty();
        assertThat(tombstones.get(ownedKey, n.env.now())).isEmpty();
    }

    @Test
    void aReplicasTombstoneOfTheHeldSeqRemovesASignedObject() {
        n.askOk(client, "comet_put", put(client, ownedKey, signed(6), false, 3600));

        n.askOk(replica, "comet_delete", tombstoneOf(6, deleteRequest()));

        assertThat(objects.get(ownedKey, n.env.now())).isEmpty();
        assertThat(tombstones.get(ownedKey, n.env.now()).orElseThrow().signed().seq()).isEqualTo(6);
    }

    @Test
    void aSignedTombstoneNeedsTheOwnersValidDeleteRequest() {
        n.askOk(client, "comet_put", put(client, ownedKey, signed(6), false, 3600));
        OwnerRequest good = deleteRequest();
        byte[] forged = good.signature().clone();
        forged[3] ^= 1;
        OwnerRequest bad = new OwnerRequest(good.operation(), good.key(), good.signer(), good.timeMillis(), good.nonce(),
                forged);
        OwnerRequest byStranger = OwnerRequest.sign(keys(2), OwnerRequest.DELETE, ownedKey, n.env.now(), new byte[16]);

        assertThat(n.askError(replica, "comet_delete", tombstoneOf(6, bad))).isEqualTo(206);
        assertThat(n.askError(replica, "comet_delete", tombstoneOf(6, byStranger))).isEqualTo(341);
        // a tombstone without the owner's request is an unsigned one: it cannot remove a signed object
        n.askOk(replica, "comet_delete", Tombstones.args(replica.id, new TombstoneStorage.Tombstone(ownedKey, 3, 0, null),
                n.tokenFor(replica, ownedKey), 3600));
        assertThat(objects.get(ownedKey, n.env.now())).isPresent();
    }

    @Test
    void aHeldTombstoneIsHandedToANewlyVerifiedCometContactAsAReplicasDelete() {
        putAndDelete();
        n.env.advance(60_000);

        n.learn(replica);
        FakeEnvironment.Sent get = n.distinctQueriesTo(replica, "get").stream()
                .filter(s -> NodeUnderTest.query(s).arguments().id("target").equals(key)).findFirst().orElseThrow();
        n.answer(replica, get, Dict.builder().put("token", TOKEN));

        Dict args = NodeUnderTest.query(n.onlyQueryTo(replica, "comet_delete")).arguments();
        assertThat(args.integer("replica")).isEqualTo(1);
        assertThat(args.integer("ttl")).isEqualTo((2 * HOUR + ObjectConfig.defaults().tombstoneMarginMillis() - 60_000) / 1000);
    }

    private Dict tombstoneOf(long seq, OwnerRequest request) {
        Dict.Builder args = replica.args().put("k", ownedKey).put("token", n.tokenFor(replica, ownedKey))
                .put("replica", 1L).put("ttl", 3600L).put("n", 3L).put("seq", seq).put("salt", SALT);
        return request.addTo(args).build();
    }
}
