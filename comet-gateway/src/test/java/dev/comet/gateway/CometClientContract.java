package dev.comet.gateway;

import dev.comet.ErrorCode;
import dev.comet.client.ApiError;
import dev.comet.client.CometClient;
import dev.comet.client.CometClientException;
import dev.comet.client.GetResult;
import dev.comet.client.ItemResult;
import dev.comet.client.ItemSpec;
import dev.comet.client.ObjectSpec;
import dev.comet.client.SignedObjectSpec;
import dev.comet.client.UpdateResult;
import dev.comet.client.VersionResult;
import dev.comet.client.LuaRuntimePool;
import dev.comet.client.WriteResult;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.owned.Edit;
import dev.comet.owned.Guard;
import dev.comet.owned.UpdateProgram;
import dev.comet.runtime.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link CometClient} must do, run against each implementation on an 8-node loopback cluster:
 * the same results and the same {@link ApiError} for the same requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CometClientContract {
    private LocalCluster cluster;
    private CometClient client;
    /** Keys are unique per implementation, so the two suites never see each other's objects. */
    private final String prefix = getClass().getSimpleName() + "/";

    /** A client of this implementation working through {@code cluster}. */
    abstract CometClient open(LocalCluster cluster);

    /** Releases what {@link #open} started besides the client. */
    void release() {
    }

    @BeforeAll
    void start() {
        cluster = LocalCluster.start(8, 0, NodeConfig.defaults(), LuaRuntimePool.factory());
        cluster.awaitFormed(30_000);
        client = open(cluster);
    }

    @AfterAll
    void stop() {
        client.close();
        release();
        cluster.close();
    }

    @Test
    void aValueComesBackAsItWasStored() {
        WriteResult put = client.put(prefix + "note", ObjectSpec.ofValue("just a value").withReplicas(3));
        assertThat(put.key()).isEqualTo(prefix + "note");
        assertThat(put.target()).isEqualTo(NodeId.ofKey(prefix + "note").toHex());
        assertThat(put.stored()).hasSize(3);
        assertThat(put.refused()).isEmpty();
        assertThat(client.get(prefix + "note").value()).isEqualTo("just a value");
    }

    @Test
    void theSeedCountsItsGets() {
        client.put(prefix + "seed", ObjectSpec.ofCode(HttpCheck.read("examples/seed.lua")).withReplicas(1));
        assertThat(client.get(prefix + "seed").value()).isEqualTo(List.of("Hello world!", 1L));
        assertThat(client.get(prefix + "seed").value()).isEqualTo(List.of("Hello world!", 2L));
    }

    @Test
    void allAsksEveryReplica() {
        client.put(prefix + "everywhere", ObjectSpec.ofValue("here").withReplicas(4));
        GetResult all = client.get(prefix + "everywhere", Map.of(), true);
        assertThat(all.answers()).hasSize(4);
        Set<String> nodes = all.answers().stream().map(a -> a.node()).collect(Collectors.toSet());
        assertThat(nodes).hasSize(4);
        assertThat(all.answers()).allSatisfy(a -> assertThat(a.value()).isEqualTo("here"));
    }

    @Test
    void argumentsReachOnGetAndARefusalIsRefused() {
        client.put(prefix + "treasure", ObjectSpec.ofCode(HttpCheck.read("examples/password.lua")));
        assertThat(client.get(prefix + "treasure", Map.of("password", "open sesame"), false).value())
                .isEqualTo("the treasure is under the old oak");
        assertThatThrownBy(() -> client.get(prefix + "treasure", Map.of("password", "guess"), false))
                .isInstanceOfSatisfying(CometClientException.class, e -> {
                    assertThat(e.error()).isEqualTo(ApiError.REFUSED);
                    assertThat(e.getMessage()).contains("wrong password");
                });
    }

    @Test
    void aDeletedKeyIsNotFound() {
        client.put(prefix + "doomed", ObjectSpec.ofValue("bye").withReplicas(2));
        assertThat(client.delete(prefix + "doomed").stored()).hasSize(2);
        assertError(() -> client.get(prefix + "doomed"), ErrorCode.NOT_FOUND);
        assertError(() -> client.delete(prefix + "doomed"), ErrorCode.NOT_FOUND);
        assertError(() -> client.get(prefix + "never stored"), ErrorCode.NOT_FOUND);
    }

    @Test
    void aRefusingOnPutIsRefused() {
        assertError(() -> client.put(prefix + "stubborn", ObjectSpec.ofCode("function onPut() return false end")),
                ErrorCode.HANDLER_REFUSED);
    }

    @Test
    void badInputIsBadInput() {
        assertError(() -> client.put(prefix + "x", ObjectSpec.ofValue("v").withReplicas(0)), ErrorCode.BAD_INPUT);
        assertError(() -> client.put(prefix + "x", new ObjectSpec(null, null, null, null, null)), ErrorCode.BAD_INPUT);
        assertError(() -> client.put("", ObjectSpec.ofValue("v")), ErrorCode.BAD_INPUT);
        assertError(() -> client.getItem("not hex", null), ErrorCode.BAD_INPUT);
        assertError(() -> client.put(prefix + "big", ObjectSpec.ofValue("b".repeat(40_000))), ErrorCode.CODE_SIZE_LIMIT);
        assertError(() -> client.put(prefix + "broken", ObjectSpec.ofCode("function onGet( return end")), ErrorCode.CODE_INVALID);
    }

    @Test
    void itemsRoundTripImmutableAndSigned() {
        WriteResult put = client.putItem(ItemSpec.immutable("hello items"));
        assertThat(put.key()).isNull();
        assertThat(put.stored()).isNotEmpty();
        ItemResult got = client.getItem(put.target(), null);
        assertThat(got).isEqualTo(new ItemResult(put.target(), "hello items", null, null));

        Ed25519.RawKeyPair keys = Ed25519.generate(new SecureRandom());
        ItemSpec signed = ItemSpec.signed(keys, prefix, 7, "v7");
        WriteResult mutable = client.putItem(signed);
        assertThat(client.getItem(mutable.target(), prefix))
                .isEqualTo(new ItemResult(mutable.target(), "v7", 7L, signed.publicKey()));
        assertError(() -> client.putItem(ItemSpec.immutable("z".repeat(1200))), ErrorCode.ITEM_TOO_BIG);
        assertError(() -> client.getItem("ab".repeat(20), null), ErrorCode.NOT_FOUND);
    }

    @Test
    void signedObjectsAreSignedHereCheckedThereAndReplacedOnlyByAHigherSeq() {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        String pk = java.util.HexFormat.of().formatHex(owner.publicKey());
        String salt = prefix + "profile";
        WriteResult put = client.putSigned(SignedObjectSpec.signed(owner, salt, 1, ObjectSpec.ofValue("v1").withReplicas(3)));
        assertThat(put.target()).isEqualTo(dev.comet.items.Item.mutableTarget(owner.publicKey(),
                salt.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toHex());
        assertThat(put.stored()).hasSize(3);
        assertThat(client.getSigned(pk, salt, Map.of(), false).value()).isEqualTo("v1");

        client.putSigned(SignedObjectSpec.signed(owner, salt, 2, ObjectSpec.ofValue("v2").withReplicas(3)));
        assertError(() -> client.putSigned(SignedObjectSpec.signed(owner, salt, 1, ObjectSpec.ofValue("old").withReplicas(3))),
                ErrorCode.SEQ_NOT_NEWER);
        SignedObjectSpec v3 = SignedObjectSpec.signed(owner, salt, 3, ObjectSpec.ofValue("v3").withReplicas(3));
        SignedObjectSpec forged = new SignedObjectSpec(v3.code().replace("v3", "v4"), v3.publicKey(), v3.salt(), v3.seq(),
                v3.signature(), v3.replicas(), null);
        assertError(() -> client.putSigned(forged), ErrorCode.INVALID_SIGNATURE);
        assertThat(client.getSigned(pk, salt, Map.of(), true).answers()).hasSize(3)
                .allSatisfy(a -> assertThat(a.value()).isEqualTo("v2"));
        assertError(() -> client.getSigned(pk, prefix + "never signed", Map.of(), false), ErrorCode.NOT_FOUND);
        assertError(() -> client.getSigned("not hex", salt, Map.of(), false), ErrorCode.BAD_INPUT);
    }

    @Test
    void theOwnerReadsStateAndDeletesWithRequestsSignedHereAndOthersAreForbidden() {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        String pk = java.util.HexFormat.of().formatHex(owner.publicKey());
        String salt = prefix + "diary";
        // on every node, so the node this client reads state from holds a replica
        client.putSigned(SignedObjectSpec.signed(owner, salt, 1, new ObjectSpec(null,
                "aso.secret = 'mine'\nfunction onPut() comet.log('noted') end", 20, null, null)));

        dev.comet.aso.ObjectReport report = client.state(owner, salt);
        assertThat(report.state()).isEqualTo(Map.of("secret", "mine"));
        assertThat(report.log()).anySatisfy(line -> assertThat(line).contains("noted"));
        // these nodes have no admin token: no token shows state, and an unsigned object's state is nobody's
        assertError(() -> client.state(prefix + "hello", "a-token-the-node-does-not-have"), ErrorCode.OPERATOR_ONLY);

        assertThat(client.deleteSigned(owner, salt).stored()).isNotEmpty();
        assertError(() -> client.getSigned(pk, salt, Map.of(), false), ErrorCode.NOT_FOUND);
    }

    @Test
    void aWriterUpdatesWithRequestsSignedHereAndTheVersionsAreReadBack() {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        Ed25519.RawKeyPair writer = Ed25519.generate(new SecureRandom());
        Ed25519.RawKeyPair stranger = Ed25519.generate(new SecureRandom());
        java.util.HexFormat hex = java.util.HexFormat.of();
        String pk = hex.formatHex(owner.publicKey());
        String salt = prefix + "ledger";
        client.putSigned(SignedObjectSpec.signed(owner, salt, 1, List.of(hex.formatHex(writer.publicKey())),
                ObjectSpec.ofValue("a").withReplicas(3)));

        UpdateResult first = client.update(writer, pk, salt, append(null, "b"));
        assertThat(first.applied()).isTrue();
        assertThat(first.clause()).isEqualTo(1);
        assertThat(first.key()).isEqualTo(pk + "/" + salt);
        assertThat(first.target()).isEqualTo(dev.comet.client.NodeOperations.signedKey(pk, salt).toHex());
        UpdateResult second = client.update(owner, pk, salt, append(first.version(), "c"));
        assertThat(second.applied()).isTrue();
        assertThat(second.version()).isEqualTo(first.version() + 1);
        assertThat(client.getSigned(pk, salt, Map.of(), false).value()).isEqualTo("abc");

        UpdateResult aborted = client.update(writer, pk, salt, append(first.version(), "x"));
        assertThat(aborted).isEqualTo(new UpdateResult(second.key(), second.target(), second.version(), second.hash(), 0,
                false, aborted.primary()));
        assertError(() -> client.update(stranger, pk, salt, append(null, "s")), ErrorCode.NOT_WRITER);

        assertThat(client.version(pk, salt, first.version()))
                .isEqualTo(new VersionResult(first.version(), first.hash(), 2, "ab"));
        assertThat(client.versionByHash(pk, salt, second.hash()))
                .isEqualTo(new VersionResult(second.version(), second.hash(), 3, "abc"));
        assertThat(client.versions(pk, salt)).containsSubsequence(new VersionResult(first.version(), first.hash(), 2, null),
                new VersionResult(second.version(), second.hash(), 3, null));
        assertThat(client.getSignedFresh(pk, salt, Map.of(), second.version(), 60L).value()).isEqualTo("abc");
        assertThat(client.getSignedFresh(pk, salt, Map.of(), 0, 60L).value()).isEqualTo("abc");
        assertError(() -> client.getSignedFresh(pk, salt, Map.of(), second.version() + 1, null), ErrorCode.NOT_FRESH);
        assertError(() -> client.getSignedFresh(pk, salt, Map.of(), -1, null), ErrorCode.BAD_INPUT);
        assertError(() -> client.version(pk, salt, second.version() + 7), ErrorCode.VERSION_GONE);
        assertError(() -> client.versionByHash(pk, salt, "0".repeat(64)), ErrorCode.VERSION_GONE);
        assertError(() -> client.versionByHash(pk, salt, "not a hash"), ErrorCode.BAD_INPUT);
        assertError(() -> client.versions("not hex", salt), ErrorCode.BAD_INPUT);
        assertError(() -> client.update(owner, "not hex", salt, append(null, "x")), ErrorCode.BAD_INPUT);
    }

    /** Appends {@code data} to the value, guarded by the version when {@code ifVersion} is given. */
    private static UpdateProgram append(Long ifVersion, String data) {
        return UpdateProgram.of(ifVersion == null ? List.of() : List.of(new Guard.VersionIs(ifVersion)),
                List.of(new Edit.Append(data.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    /** Both clients fail with the same catalogue entry, and so the same kind. */
    private static void assertError(Runnable call, ErrorCode expected) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(CometClientException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(expected);
            assertThat(e.error()).isEqualTo(ApiError.of(expected.kind()));
        });
    }
}
