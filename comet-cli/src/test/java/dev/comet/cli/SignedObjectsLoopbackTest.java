package dev.comet.cli;

import dev.comet.core.NodeConfig;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.runtime.BlockingKrpcClient;
import dev.comet.runtime.UdpNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed objects over real UDP on a 10-node loopback cluster (issue #11, first step): put on a few nodes, read by
 * public key and salt, updated by a higher seq; a forged signature, an old or replayed seq, a valid object under
 * another key and a put over the owner's object by someone else are each refused with their own code, and every
 * replica still answers the stored version afterwards. A signed delete reaches every replica, each of which checks it; an unsigned one, another key's, a stale one and a
 * replayed one are refused by every replica. (A node that joins later: {@link SignedObjectHandOverLoopbackTest}.)
 */
class SignedObjectsLoopbackTest {
    private static final int REPLICAS = 4;
    static final byte[] SALT = "profile".getBytes(StandardCharsets.UTF_8);
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.lua(10).config(LoopbackRuntimes.countedReplicas());
    private static final Ed25519.RawKeyPair OWNER = Ed25519.generate(new SecureRandom());
    private static final Ed25519.RawKeyPair STRANGER = Ed25519.generate(new SecureRandom());

    static byte[] version(String value) {
        return ("aso.value = '" + value + "'").getBytes(StandardCharsets.UTF_8);
    }

    static WriteOutcome putSigned(UdpNode through, Ed25519.RawKeyPair keys, long seq, String value, int replicas)
            throws Exception {
        byte[] code = version(value);
        return through.putSignedObject(code, ObjectSignature.sign(keys, SALT, seq, code), replicas, -1)
                .get(30, TimeUnit.SECONDS);
    }

    /** What each replica's onGet answers for the object {@code owner} holds under SALT, read by public key and salt. */
    private static List<String> valuesOf(Ed25519.RawKeyPair owner) throws Exception {
        NodeId key = dev.comet.items.Item.mutableTarget(owner.publicKey(), SALT);
        List<ObjectAnswer> all = CLUSTER.node(9).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS);
        return all.stream().map(a -> a.error() != null ? a.error().toString() : new String((byte[]) a.value(),
                StandardCharsets.UTF_8)).toList();
    }

    private static List<Integer> refusalCodes(WriteOutcome put) {
        assertThat(put.accepted()).as("nodes that took it").isEmpty();
        return put.refused().values().stream().map(e -> e.code().code()).toList();
    }

    @Test
    void aSignedObjectIsReadByItsKeyUpdatedByAHigherSeqAndEachBadPutIsRefusedWithItsOwnCode() throws Exception {
        List<UdpNode> nodes = CLUSTER.nodes();
        WriteOutcome first = putSigned(nodes.get(2), OWNER, 1, "v1", REPLICAS);
        assertThat(first.refused()).isEmpty();
        assertThat(first.accepted()).hasSize(REPLICAS);
        assertThat(first.target()).isEqualTo(dev.comet.items.Item.mutableTarget(OWNER.publicKey(), SALT));
        assertThat(valuesOf(OWNER)).hasSize(REPLICAS).containsOnly("v1");

        WriteOutcome second = putSigned(nodes.get(5), OWNER, 2, "v2", REPLICAS);
        assertThat(second.accepted()).hasSize(REPLICAS);
        assertThat(valuesOf(OWNER)).hasSize(REPLICAS).containsOnly("v2");

        // a forged signature: v3's code with the signature of another code
        byte[] v3 = version("v3");
        ObjectSignature ofOther = ObjectSignature.sign(OWNER, SALT, 3, version("something else"));
        assertThat(refusalCodes(nodes.get(1).putSignedObject(v3, ofOther, REPLICAS, -1).get(30, TimeUnit.SECONDS)))
                .hasSize(REPLICAS).containsOnly(206);
        // an old seq, and the stored seq replayed
        assertThat(refusalCodes(putSigned(nodes.get(3), OWNER, 1, "v1 again", REPLICAS))).hasSize(REPLICAS).containsOnly(340);
        assertThat(refusalCodes(putSigned(nodes.get(4), OWNER, 2, "v2", REPLICAS))).hasSize(REPLICAS).containsOnly(340);
        // someone without the owner's key: an unsigned put under the owner's key
        WriteOutcome squat = nodes.get(6).putObject(first.target(), version("squatter"), REPLICAS, -1).get(30, TimeUnit.SECONDS);
        assertThat(refusalCodes(squat)).hasSize(REPLICAS).containsOnly(342);

        assertThat(valuesOf(OWNER)).as("the stored version after every refusal").hasSize(REPLICAS).containsOnly("v2");
    }

    private static OwnerRequest deleteRequest(Ed25519.RawKeyPair by, NodeId key, long time) {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        return OwnerRequest.sign(by, OwnerRequest.DELETE, key, time, nonce);
    }

    @Test
    void aSignedDeleteRemovesTheObjectFromEveryReplicaAndEveryOtherDeleteIsRefusedOnEveryReplica() throws Exception {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        List<UdpNode> nodes = CLUSTER.nodes();
        WriteOutcome put = putSigned(nodes.get(2), owner, 1, "v1", REPLICAS);
        assertThat(put.accepted()).hasSize(REPLICAS);
        NodeId key = put.target();
        long now = System.currentTimeMillis();
        long window = NodeConfig.defaults().access().requestWindowMillis();

        assertThat(refusalCodes(nodes.get(3).deleteObject(key).get(30, TimeUnit.SECONDS)))
                .as("unsigned").hasSize(REPLICAS).containsOnly(346);
        assertThat(refusalCodes(nodes.get(4).deleteObject(key, deleteRequest(STRANGER, key, now)).get(30, TimeUnit.SECONDS)))
                .as("another key").hasSize(REPLICAS).containsOnly(345);
        assertThat(refusalCodes(nodes.get(5).deleteObject(key, deleteRequest(owner, key, now - window - 60_000))
                .get(30, TimeUnit.SECONDS))).as("a stale time").hasSize(REPLICAS).containsOnly(344);
        assertThat(valuesOf(owner)).as("after the refusals").hasSize(REPLICAS).containsOnly("v1");

        OwnerRequest signed = deleteRequest(owner, key, System.currentTimeMillis());
        WriteOutcome deleted = nodes.get(6).deleteObject(key, signed).get(30, TimeUnit.SECONDS);
        assertThat(deleted.refused()).isEmpty();
        assertThat(deleted.accepted()).hasSize(REPLICAS);
        assertThat(valuesOf(owner)).as("no replica holds it").isEmpty();

        // the owner stores it again; the same signed delete, replayed, is refused by every replica that took it
        assertThat(putSigned(nodes.get(2), owner, 2, "v2", REPLICAS).accepted()).hasSize(REPLICAS);
        assertThat(refusalCodes(nodes.get(7).deleteObject(key, signed).get(30, TimeUnit.SECONDS)))
                .as("replayed").hasSize(REPLICAS).containsOnly(343);
        assertThat(valuesOf(owner)).as("after the replay").hasSize(REPLICAS).containsOnly("v2");
    }

    @Test
    void aValidSignedObjectPutUnderAnotherKeyIsRefusedWith341AndNothingIsStored() throws Exception {
        InetSocketAddress replica = CLUSTER.node(7).address();
        NodeId elsewhere = NodeId.ofKey("not the stranger's key");
        byte[] code = version("misplaced");
        ObjectSignature valid = ObjectSignature.sign(STRANGER, SALT, 1, code);
        try (BlockingKrpcClient client = new BlockingKrpcClient()) {
            KrpcMessage tokenReply = client.query(replica, "get", Dict.builder().put("id", client.id())
                    .put("target", elsewhere).build()).orElseThrow();
            byte[] token = ((KrpcResponse) tokenReply).values().bytes("token");
            Dict.Builder put = Dict.builder().put("id", client.id()).put("k", elsewhere).put("token", token)
                    .put("code", code).put("n", 1L);
            valid.addTo(put);

            KrpcMessage reply = client.query(replica, "comet_put", put.build()).orElseThrow();

            assertThat(reply).isInstanceOfSatisfying(KrpcError.class, e -> assertThat(e.code()).isEqualTo(341));
            KrpcMessage get = client.query(replica, "comet_get", Dict.builder().put("id", client.id()).put("k", elsewhere)
                    .build()).orElseThrow();
            assertThat(((KrpcResponse) get).values().has("found")).isFalse();
        }
    }
}
