package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.aso.ObjectMeta;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;
import dev.comet.owned.ObjectSignature;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Signed objects on one node (docs/owned-objects.md): the key and the signature are checked before any handler runs,
 * only the owner's higher seq replaces the code, and each refusal has its own code and leaves the stored object as
 * it was.
 */
class SignedObjectsTest {
    private static final byte[] SALT = "profile".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STATE_1 = "state-1".getBytes(StandardCharsets.UTF_8);

    private final ScriptedAsoRuntime runtime = new ScriptedAsoRuntime();
    private final NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(),
            new FakeEnvironment(42).useAsoRuntime(runtime));
    private final ObjectStorage stored = new ObjectStorage(n.env.store());
    private final Peer client = new Peer(NodeId.ofKey("client"), 10);
    private final Peer replica = new Peer(NodeId.ofKey("replica"), 11);
    private final Ed25519.RawKeyPair owner = keys(1);
    private final Ed25519.RawKeyPair stranger = keys(2);
    private final NodeId key = ObjectSignature.sign(owner, SALT, 0, new byte[0]).key();

    private static Ed25519.RawKeyPair keys(int seed) {
        byte[] bytes = new byte[Ed25519.SEED_BYTES];
        Arrays.fill(bytes, (byte) seed);
        return Ed25519.fromSeed(bytes);
    }

    private static byte[] code(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Dict put(Peer from, NodeId under, byte[] code, ObjectSignature signature, byte[] state, boolean asReplica) {
        return CometPut.args(from.id, under, n.tokenFor(from, under), code, state, asReplica, -1, 3, null, signature);
    }

    private Dict signedPut(long seq, String text) {
        return put(client, key, code(text), ObjectSignature.sign(owner, SALT, seq, code(text)), null, false);
    }

    /** Stores version {@code seq} of the owner's object, whose onPut leaves STATE_1; forgets the calls it made. */
    private void storeVersion(long seq, String text) {
        runtime.on("onPut", call -> ScriptedAsoRuntime.succeeded(call, null, STATE_1, ObjectMeta.NONE, List.of()));
        n.askOk(client, "comet_put", signedPut(seq, text));
        runtime.calls.clear();
    }

    private StoredObject held() {
        return stored.get(key, n.env.now()).orElseThrow();
    }

    @Test
    void aSignedPutIsStoredWithItsSignatureUnderItsOwnersKey() {
        storeVersion(5, "-- version 5");

        assertThat(key).isEqualTo(dev.comet.items.Item.mutableTarget(owner.publicKey(), SALT));
        StoredObject o = held();
        assertThat(o.code()).isEqualTo(code("-- version 5"));
        assertThat(o.state()).isEqualTo(STATE_1);
        assertThat(o.signature().seq()).isEqualTo(5);
        assertThat(o.signature().publicKey()).isEqualTo(owner.publicKey());
        assertThat(o.signature().salt()).isEqualTo(SALT);
    }

    @Test
    void aForgedSignatureGets206AndRunsNoHandler() {
        ObjectSignature good = ObjectSignature.sign(owner, SALT, 1, code("-- mine"));
        byte[] forged = good.signature().clone();
        forged[10] ^= 1;
        ObjectSignature bad = new ObjectSignature(owner.publicKey(), SALT, 1, forged);

        assertThat(n.askError(client, "comet_put", put(client, key, code("-- mine"), bad, null, false))).isEqualTo(206);

        assertThat(runtime.calls).isEmpty();
        assertThat(stored.get(key, n.env.now())).isEmpty();
    }

    @Test
    void codeTheOwnerDidNotSignGets206() {
        ObjectSignature signedOther = ObjectSignature.sign(owner, SALT, 1, code("-- what the owner signed"));

        assertThat(n.askError(client, "comet_put", put(client, key, code("-- something else"), signedOther, null, false)))
                .isEqualTo(206);
        assertThat(runtime.calls).isEmpty();
    }

    @Test
    void aValidSignedObjectUnderAnotherKeyGets341AndRunsNoHandler() {
        NodeId elsewhere = NodeId.ofKey("someone else's key");
        ObjectSignature valid = ObjectSignature.sign(owner, SALT, 1, code("-- mine"));

        assertThat(n.askError(client, "comet_put", put(client, elsewhere, code("-- mine"), valid, null, false))).isEqualTo(341);

        assertThat(runtime.calls).isEmpty();
        assertThat(stored.get(elsewhere, n.env.now())).isEmpty();
    }

    @Test
    void aHigherSeqOfTheOwnerRunsOnUpdateAndReplacesTheCode() {
        storeVersion(1, "-- version 1");

        n.askOk(client, "comet_put", signedPut(2, "-- version 2"));

        assertThat(runtime.callsOf("onUpdate")).singleElement()
                .satisfies(call -> assertThat(call.incoming().code()).isEqualTo(code("-- version 2")));
        assertThat(held().code()).isEqualTo(code("-- version 2"));
        assertThat(held().signature().seq()).isEqualTo(2);
    }

    @Test
    void aLowerSeqGets340BeforeOnUpdateRunsAndTheStoredObjectStays() {
        storeVersion(7, "-- version 7");
        StoredObject before = held();

        assertThat(n.askError(client, "comet_put", signedPut(6, "-- an old version"))).isEqualTo(340);

        assertThat(runtime.calls).isEmpty();
        assertUnchanged(before);
    }

    @Test
    void aClientsReplayOfTheStoredVersionGets340() {
        storeVersion(3, "-- version 3");
        StoredObject before = held();

        assertThat(n.askError(client, "comet_put", signedPut(3, "-- version 3"))).isEqualTo(340);
        assertThat(n.askError(client, "comet_put", signedPut(3, "-- other code, same seq"))).isEqualTo(340);

        assertThat(runtime.calls).isEmpty();
        assertUnchanged(before);
    }

    @Test
    void aReplicaReStoringTheStoredVersionKeepsTheCopyHereWithItsOwnState() {
        storeVersion(3, "-- version 3");
        ObjectSignature v3 = held().signature();

        n.askOk(replica, "comet_put", put(replica, key, code("-- version 3"), v3, code("their state"), true));

        assertThat(runtime.callsOf("onUpdate")).hasSize(1);
        assertThat(held().state()).isEqualTo(STATE_1);
        assertThat(held().signature()).isEqualTo(v3);
    }

    @Test
    void aReplicaBringingTheSameCodeWithAHigherSeqUpdatesTheStoredSignature() {
        storeVersion(3, "-- same code");
        ObjectSignature v4 = ObjectSignature.sign(owner, SALT, 4, code("-- same code"));

        n.askOk(replica, "comet_put", put(replica, key, code("-- same code"), v4, code("their state"), true));

        assertThat(held().signature()).isEqualTo(v4);
    }

    @Test
    void anUnsignedPutOverASignedObjectGets342AndRunsNoHandler() {
        storeVersion(1, "-- version 1");
        StoredObject before = held();

        assertThat(n.askError(client, "comet_put", put(client, key, code("-- squatter"), null, null, false))).isEqualTo(342);
        assertThat(n.askError(replica, "comet_put", put(replica, key, code("-- squatter"), null, code("s"), true)))
                .isEqualTo(342);

        assertThat(runtime.calls).isEmpty();
        assertUnchanged(before);
    }

    @Test
    void aSignedPutOverAnObjectOfAnotherOwnerGets342() {
        // only a SHA-1 collision puts two owners under one key; a record planted in the store stands for one
        ObjectSignature strangers = ObjectSignature.sign(stranger, SALT, 9, code("-- theirs"));
        StoredObject planted = new StoredObject(key, code("-- theirs"), STATE_1, ObjectMeta.NONE, 3,
                n.env.now() + 3_600_000, strangers);
        stored.put(planted);

        assertThat(n.askError(client, "comet_put", signedPut(10, "-- mine"))).isEqualTo(342);

        assertThat(runtime.calls).isEmpty();
        assertUnchanged(planted);
    }

    @Test
    void aSignedObjectTakesItsKeyFromAnUnsignedOneWithoutAskingIt() {
        n.askOk(client, "comet_put", put(client, key, code("-- squatter"), null, null, false));
        runtime.on("onUpdate", ScriptedAsoRuntime::answeringFalse);
        runtime.calls.clear();

        n.askOk(client, "comet_put", signedPut(1, "-- the owner's"));

        assertThat(runtime.callsOf("onUpdate")).isEmpty();
        assertThat(held().code()).isEqualTo(code("-- the owner's"));
        assertThat(held().signed()).isTrue();
    }

    @Test
    void twoVersionsInFlightLeaveTheHigherOneStored() {
        runtime.holdOutcomes(true);
        n.deliver(client, client.query("comet_put", signedPut(3, "-- version 3")));
        n.deliver(client, client.query("comet_put", signedPut(2, "-- version 2")));

        runtime.release();

        assertThat(held().signature().seq()).isEqualTo(3);
        assertThat(n.repliesTo(client).stream().map(FakeEnvironment.Sent::decode)
                .filter(m -> m instanceof dev.comet.krpc.KrpcError e && e.code() == 340)).hasSize(1);
    }

    @Test
    void replicationCarriesTheOwnersSignature() {
        storeVersion(4, "-- version 4");
        ObjectRecords records = new ObjectRecords(n.id(), stored, null);

        Dict args = records.storeArgs(held(), new byte[8], 60);

        ObjectSignature carried = ObjectSignature.from(args);
        assertThat(carried).isEqualTo(held().signature());
        carried.verify(args.id("k"), args.bytes("code"));
    }

    @Test
    void malformedSignedFieldsGet203() {
        Dict good = signedPut(1, "-- mine");
        TreeMap<String, Object> shortKey = new TreeMap<>(good.map());
        shortKey.put("pk", new byte[5]);
        TreeMap<String, Object> noSeq = new TreeMap<>(good.map());
        noSeq.remove("seq");

        assertThat(n.askError(client, "comet_put", Dict.of(shortKey))).isEqualTo(203);
        assertThat(n.askError(client, "comet_put", Dict.of(noSeq))).isEqualTo(203);
        assertThat(runtime.calls).isEmpty();
    }

    private void assertUnchanged(StoredObject before) {
        StoredObject after = held();
        assertThat(after.code()).isEqualTo(before.code());
        assertThat(after.state()).isEqualTo(before.state());
        assertThat(after.signature()).isEqualTo(before.signature());
        assertThat(after.expiresAtMillis()).isEqualTo(before.expiresAtMillis());
    }
}
