package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectMeta;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;
import dev.comet.owned.AccessConfig;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Owner requests on one node (docs/owned-objects.md): a signed object is deleted, and its state shown, only for a
 * request its owner signed for that operation and object, inside the window of the node's clock, once. Each refusal
 * has its own code, runs no handler and leaves the stored object as it was. The clock is the fake environment's.
 */
class OwnerRequestsTest {
    private static final byte[] SALT = "profile".getBytes(StandardCharsets.UTF_8);
    private static final long WINDOW = 60_000;
    private static final String ADMIN = "operator-token-0123456789";

    private final ScriptedAsoRuntime runtime = new ScriptedAsoRuntime();
    private final NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.builder()
            .access(new AccessConfig(WINDOW, 3, ADMIN)).build(), new FakeEnvironment(42).useAsoRuntime(runtime));
    private final ObjectStorage stored = new ObjectStorage(n.env.store());
    private final Peer client = new Peer(NodeId.ofKey("client"), 10);
    private final Ed25519.RawKeyPair owner = keys(1);
    private final Ed25519.RawKeyPair stranger = keys(2);
    private final NodeId key = ObjectSignature.sign(owner, SALT, 0, new byte[0]).key();
    private int nonces;

    private static Ed25519.RawKeyPair keys(int seed) {
        byte[] bytes = new byte[Ed25519.SEED_BYTES];
        Arrays.fill(bytes, (byte) seed);
        return Ed25519.fromSeed(bytes);
    }

    private static byte[] code(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Stores version 1 of the owner's object; forgets the calls it made. */
    private StoredObject storeSigned() {
        byte[] c = code("-- version 1");
        n.askOk(client, "comet_put", CometPut.args(client.id, key, n.tokenFor(client, key), c, null, false, -1, 3, null,
                ObjectSignature.sign(owner, SALT, 1, c)));
        runtime.calls.clear();
        return held(key);
    }

    private StoredObject held(NodeId k) {
        return stored.get(k, n.env.now()).orElseThrow();
    }

    private byte[] nonce() {
        byte[] b = new byte[16];
        Arrays.fill(b, (byte) ++nonces);
        return b;
    }

    private OwnerRequest request(Ed25519.RawKeyPair by, String op, NodeId k, long time) {
        return OwnerRequest.sign(by, op, k, time, nonce());
    }

    private Dict delete(OwnerRequest request) {
        Dict.Builder args = client.args().put("k", key);
        return request == null ? args.build() : request.addTo(args).build();
    }

    private void assertRefusedAndUnchanged(OwnerRequest request, int code, StoredObject before) {
        assertThat(n.askError(client, "comet_delete", delete(request))).isEqualTo(code);
        assertThat(runtime.calls).as("handlers run").isEmpty();
        StoredObject after = held(key);
        assertThat(after.code()).isEqualTo(before.code());
        assertThat(after.state()).isEqualTo(before.state());
        assertThat(after.signature()).isEqualTo(before.signature());
        assertThat(after.expiresAtMillis()).isEqualTo(before.expiresAtMillis());
    }

    private int stateRefusal(String adminToken, OwnerRequest request) {
        return stateRefusalOf(key, adminToken, request);
    }

    @Test
    void theOwnersSignedDeleteRunsOnDeleteAndRemovesTheObject() {
        storeSigned();

        Dict reply = n.askOk(client, "comet_delete", delete(request(owner, OwnerRequest.DELETE, key, n.env.now())));

        assertThat(reply.has("deleted")).isTrue();
        assertThat(runtime.callsOf("onDelete")).hasSize(1);
        assertThat(stored.get(key, n.env.now())).isEmpty();
    }

    /** Stores a version of the owner's object that names {@code writer}; forgets the calls it made. */
    private StoredObject storeSignedNaming(Ed25519.RawKeyPair writer) {
        byte[] c = code("-- version with a writer");
        n.askOk(client, "comet_put", CometPut.args(client.id, key, n.tokenFor(client, key), c, null, false, -1, 3, null,
                ObjectSignature.sign(owner, SALT, 2, java.util.List.of(writer.publicKey()), c)));
        runtime.calls.clear();
        return held(key);
    }

    @Test
    void aWriterTheOwnerNamedMayDeleteAndReadTheState() {
        Ed25519.RawKeyPair writer = keys(3);
        storeSignedNaming(writer);

        assertThat(stateRefusal(null, request(writer, OwnerRequest.STATE, key, n.env.now()))).isZero();
        n.askOk(client, "comet_delete", delete(request(writer, OwnerRequest.DELETE, key, n.env.now())));
        assertThat(stored.get(key, n.env.now())).isEmpty();
    }

    @Test
    void aKeyTheOwnerDidNotNameGets345EvenWhenOthersAreNamed() {
        StoredObject before = storeSignedNaming(keys(3));

        assertRefusedAndUnchanged(request(stranger, OwnerRequest.DELETE, key, n.env.now()), 345, before);
        assertThat(stateRefusal(null, request(stranger, OwnerRequest.STATE, key, n.env.now()))).isEqualTo(345);
    }

    @Test
    void aWriterAddedToTheListByAReplicaIsRefusedWith206() {
        Ed25519.RawKeyPair intruder = keys(4);
        byte[] c = code("-- version 1");
        ObjectSignature genuine = ObjectSignature.sign(owner, SALT, 1, c);
        // the owner's signature of a version without writers, carried with a writer list the owner never signed
        ObjectSignature widened = new ObjectSignature(genuine.publicKey(), genuine.salt(), genuine.seq(),
                java.util.List.of(intruder.publicKey()), genuine.signature());

        assertThat(n.askError(client, "comet_put", CometPut.args(client.id, key, n.tokenFor(client, key), c, null,
                false, -1, 3, null, widened))).isEqualTo(206);
        assertThat(stored.get(key, n.env.now())).isEmpty();
    }

    @Test
    void anUnsignedDeleteOfASignedObjectGets346() {
        assertRefusedAndUnchanged(null, 346, storeSigned());
    }

    @Test
    void aDeleteSignedByAnotherKeyGets345() {
        assertRefusedAndUnchanged(request(stranger, OwnerRequest.DELETE, key, n.env.now()), 345, storeSigned());
    }

    @Test
    void aDeleteOutsideTheWindowGets344EitherWay() {
        StoredObject before = storeSigned();
        long now = n.env.now();

        assertRefusedAndUnchanged(request(owner, OwnerRequest.DELETE, key, now - WINDOW - 1), 344, before);
        assertRefusedAndUnchanged(request(owner, OwnerRequest.DELETE, key, now + WINDOW + 1), 344, before);
    }

    @Test
    void aRequestMadeInTheWindowGoesStaleWhenTheClockMovesOn() {
        StoredObject before = storeSigned();
        OwnerRequest made = request(owner, OwnerRequest.DELETE, key, n.env.now());

        n.env.advance(WINDOW + 1);

        assertRefusedAndUnchanged(made, 344, before);
    }

    @Test
    void aReplayedDeleteGets343() {
        storeSigned();
        OwnerRequest first = request(owner, OwnerRequest.DELETE, key, n.env.now());
        // onDelete refuses: the request was accepted (its nonce remembered), and the object stays for the replay
        runtime.on("onDelete", ScriptedAsoRuntime::answeringFalse);
        assertThat(n.askError(client, "comet_delete", delete(first))).isEqualTo(330);
        runtime.calls.clear();

        // a new datagram (another transaction id) with the same signed request
        assertRefusedAndUnchanged(first, 343, held(key));
    }

    @Test
    void aSignatureForAnotherOperationOrObjectOrTimeGets206() {
        StoredObject before = storeSigned();
        long now = n.env.now();
        OwnerRequest stateRequest = request(owner, OwnerRequest.STATE, key, now);
        OwnerRequest otherObject = request(owner, OwnerRequest.DELETE, NodeId.ofKey("another object"), now);
        OwnerRequest signed = request(owner, OwnerRequest.DELETE, key, now);

        // each carried as a delete of this object: the node rebuilds the signed bytes with "delete" and this key
        assertRefusedAndUnchanged(new OwnerRequest(OwnerRequest.DELETE, key, stateRequest.signer(), now,
                stateRequest.nonce(), stateRequest.signature()), 206, before);
        assertRefusedAndUnchanged(new OwnerRequest(OwnerRequest.DELETE, key, otherObject.signer(), now,
                otherObject.nonce(), otherObject.signature()), 206, before);
        assertRefusedAndUnchanged(new OwnerRequest(OwnerRequest.DELETE, key, signed.signer(), now + 1,
                signed.nonce(), signed.signature()), 206, before);
        // a forged request does not spend the nonce: the genuine one still works
        n.askOk(client, "comet_delete", delete(signed));
        assertThat(stored.get(key, n.env.now())).isEmpty();
    }

    @Test
    void aFullReplayCacheRefusesWith347AndForgetsNothingUntilTheWindowPasses() {
        StoredObject before = storeSigned();
        runtime.on("onDelete", ScriptedAsoRuntime::answeringFalse);
        for (int i = 0; i < 3; i++) {
            assertThat(n.askError(client, "comet_delete", delete(request(owner, OwnerRequest.DELETE, key, n.env.now()))))
                    .isEqualTo(330);
        }
        runtime.calls.clear();

        assertRefusedAndUnchanged(request(owner, OwnerRequest.DELETE, key, n.env.now()), 347, before);

        n.env.advance(WINDOW + 1);
        assertThat(n.askError(client, "comet_delete", delete(request(owner, OwnerRequest.DELETE, key, n.env.now()))))
                .as("accepted again once the remembered requests left the window").isEqualTo(330);
    }

    @Test
    void malformedRequestFieldsGet203() {
        StoredObject before = storeSigned();
        TreeMap<String, Object> shortNonce = new TreeMap<>(delete(request(owner, OwnerRequest.DELETE, key, n.env.now())).map());
        shortNonce.put("nonce", new byte[3]);

        assertThat(n.askError(client, "comet_delete", Dict.of(shortNonce))).isEqualTo(203);
        assertThat(runtime.calls).isEmpty();
        assertThat(held(key).code()).isEqualTo(before.code());
    }

    @Test
    void anUnsignedObjectIsStillDeletedWithoutARequest() {
        NodeId plain = NodeId.ofKey("plain");
        n.askOk(client, "comet_put", CometPut.args(client.id, plain, n.tokenFor(client, plain), code("-- plain"), null,
                false, -1, 3, null, null));

        assertThat(n.askOk(client, "comet_delete", client.args().put("k", plain).build()).has("deleted")).isTrue();
    }

    @Test
    void aSignedObjectsStateIsShownToItsOwnersFreshRequestAndToTheOperator() {
        storeSigned();
        OwnerRequest fresh = request(owner, OwnerRequest.STATE, key, n.env.now());

        assertThat(stateRefusal(null, fresh)).isZero();
        assertThat(stateRefusal(ADMIN, null)).isZero();

        assertThat(stateRefusal(null, fresh)).as("the same request again").isEqualTo(343);
        assertThat(stateRefusal(null, null)).isEqualTo(346);
        assertThat(stateRefusal(null, request(stranger, OwnerRequest.STATE, key, n.env.now()))).isEqualTo(345);
        assertThat(stateRefusal(null, request(owner, OwnerRequest.STATE, key, n.env.now() - WINDOW - 1))).isEqualTo(344);
        assertThat(stateRefusal("not-the-operator-token", null)).isEqualTo(912);
        OwnerRequest deleteRequest = request(owner, OwnerRequest.DELETE, key, n.env.now());
        assertThatThrownBy(() -> n.node.admitStateRead(key, null, deleteRequest)).isInstanceOf(CometException.class);
        assertThat(held(key).signed()).isTrue();
    }

    @Test
    void anUnsignedObjectsStateIsShownToTheOperatorOnly() {
        NodeId plain = NodeId.ofKey("plain");
        stored.put(new StoredObject(plain, code("-- plain"), new byte[0], ObjectMeta.NONE, 3, n.env.now() + 60_000, null));

        assertThat(stateRefusalOf(plain, ADMIN, null)).isZero();
        assertThat(stateRefusalOf(plain, null, null)).isEqualTo(912);
        assertThat(stateRefusalOf(plain, null, request(owner, OwnerRequest.STATE, plain, n.env.now()))).isEqualTo(345);
    }

    @Test
    void withoutAnAdminTokenSetNoTokenShowsState() {
        NodeUnderTest unset = new NodeUnderTest(NodeId.ofKey("no token"), NodeConfig.defaults(), new FakeEnvironment(7));
        NodeId plain = NodeId.ofKey("plain");
        new ObjectStorage(unset.env.store()).put(new StoredObject(plain, code("-- plain"), new byte[0], ObjectMeta.NONE, 3,
                unset.env.now() + 60_000, null));

        assertThatThrownBy(() -> unset.node.admitStateRead(plain, ADMIN, null)).isInstanceOfSatisfying(CometException.class,
                e -> assertThat(e.error().code()).isEqualTo(ErrorCode.OPERATOR_ONLY));
        assertThatThrownBy(() -> unset.node.admitStateRead(plain, "", null)).isInstanceOf(CometException.class);
    }

    private int stateRefusalOf(NodeId k, String adminToken, OwnerRequest request) {
        try {
            n.node.admitStateRead(k, adminToken, request);
        } catch (CometException e) {
            return e.error().code().code();
        }
        return 0;
    }

}
