package dev.comet.cli;

import dev.comet.client.LuaRuntimePool;
import dev.comet.core.NodeConfig;
import dev.comet.owned.AccessConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code comet delete|state|log --key-file F --salt S} (the owner, signing here) and {@code comet state|log KEY
 * --admin-token T} (the node's operator) against a 5-node cluster, every node holding every object, and the gateway of
 * one of them; a stranger's key file and a missing token exit with the forbidden status and the code.
 */
class OwnerCommandsTest {
    private static final String ADMIN = "the-operators-admin-token";
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.of(5, LuaRuntimePool.factory())
            .config(NodeConfig.builder().access(AccessConfig.defaults().withAdminToken(ADMIN)).build()).gatewayOn(1);
    private final String entry = CLUSTER.hostPort(0);

    @TempDir
    Path tmp;

    private Path keyFile(String name) {
        Path file = tmp.resolve(name + ".json");
        CliRun keygen = CliRun.of("keygen", "--out", file.toString());
        assertThat(keygen.exitCode()).as(keygen.err()).isZero();
        return file;
    }

    @Test
    void theOwnerReadsStateAndLogAndDeletesWithAKeyFileAndOthersAreRefused() throws Exception {
        Path owner = keyFile("owner");
        Path stranger = keyFile("stranger");
        Path code = tmp.resolve("diary.lua");
        Files.writeString(code, "aso.secret = 'mine'\nfunction onPut() comet.log('written down') end\n");
        CliRun put = CliRun.of("put", "diary", "--key-file", owner.toString(), "--code", code.toString(),
                "--replicas", "5", "--node", entry);
        assertThat(put.exitCode()).as(put.err()).isZero();
        String url = CLUSTER.gateway().url();

        CliRun state = CliRun.of("state", "--key-file", owner.toString(), "--salt", "diary", "--gateway", url);
        assertThat(state.exitCode()).as(state.err()).isZero();
        assertThat(state.out()).contains("\"secret\" : \"mine\"");
        CliRun log = CliRun.of("log", "--key-file", owner.toString(), "--salt", "diary", "--gateway", url);
        assertThat(log.exitCode()).as(log.err()).isZero();
        assertThat(log.out()).contains("written down");

        // a key file names its own objects: the stranger's "diary" is another key, which no node holds (another key's
        // request for the owner's object is refused with 345: OwnerRequestsTest, the loopback and gateway tests)
        CliRun theirs = CliRun.of("state", "--key-file", stranger.toString(), "--salt", "diary", "--gateway", url);
        assertThat(theirs.exitCode()).as(theirs.err()).isEqualTo(ExitStatus.NOT_FOUND.code());
        CliRun theirDelete = CliRun.of("delete", "--key-file", stranger.toString(), "--salt", "diary", "--node", entry);
        assertThat(theirDelete.exitCode()).as(theirDelete.err()).isEqualTo(ExitStatus.NOT_FOUND.code());
        CliRun unsignedDelete = CliRun.of("delete", "--key-file", owner.toString(), "--node", entry);
        assertThat(unsignedDelete.exitCode()).as("no salt").isEqualTo(ExitStatus.BAD_INPUT.code());

        CliRun delete = CliRun.of("delete", "--key-file", owner.toString(), "--salt", "diary", "--node", entry);
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("deleted from 5 node(s)");
        String publicKey = Files.readString(owner).replaceAll("(?s).*\"public_key\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
        CliRun gone = CliRun.of("get", "--pubkey", publicKey, "--salt", "diary", "--node", entry);
        assertThat(gone.exitCode()).isEqualTo(ExitStatus.NOT_FOUND.code());
    }

    private static String publicKeyOf(Path keyFile) throws Exception {
        return Files.readString(keyFile).replaceAll("(?s).*\"public_key\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
    }

    @Test
    void aWriterTheOwnerNamedReadsAndDeletesWithItsOwnKeyFileAndPubkey() throws Exception {
        Path owner = keyFile("owner");
        Path writer = keyFile("writer");
        Path stranger = keyFile("stranger");
        String ownerKey = publicKeyOf(owner);
        CliRun put = CliRun.of("put", "shared", "--key-file", owner.toString(), "--value", "ours",
                "--writer", publicKeyOf(writer), "--replicas", "5", "--node", entry, "--json");
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(put.out()).contains(publicKeyOf(writer));
        String url = CLUSTER.gateway().url();

        CliRun state = CliRun.of("state", "--key-file", writer.toString(), "--pubkey", ownerKey, "--salt", "shared",
                "--gateway", url);
        assertThat(state.exitCode()).as(state.err()).isZero();
        assertThat(state.out()).contains("ours");
        CliRun theirs = CliRun.of("state", "--key-file", stranger.toString(), "--pubkey", ownerKey, "--salt", "shared",
                "--gateway", url);
        assertThat(theirs.exitCode()).as(theirs.err()).isEqualTo(ExitStatus.FORBIDDEN.code());
        assertThat(theirs.err()).contains("neither the owner");
        CliRun theirDelete = CliRun.of("delete", "--key-file", stranger.toString(), "--pubkey", ownerKey, "--salt",
                "shared", "--node", entry);
        assertThat(theirDelete.exitCode()).as(theirDelete.err()).isEqualTo(ExitStatus.FORBIDDEN.code());

        CliRun delete = CliRun.of("delete", "--key-file", writer.toString(), "--pubkey", ownerKey, "--salt", "shared",
                "--node", entry);
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("deleted from 5 node(s)");
        CliRun unsignedWriter = CliRun.of("put", "plain", "--value", "v", "--writer", publicKeyOf(writer), "--node", entry);
        assertThat(unsignedWriter.exitCode()).as("--writer needs --key-file").isEqualTo(ExitStatus.BAD_INPUT.code());
    }

    @Test
    void aWriterUpdatesTheValueWithGuardsAndEveryoneReadsItsVersions() throws Exception {
        Path owner = keyFile("owner");
        Path writer = keyFile("writer");
        Path stranger = keyFile("stranger");
        String ownerKey = publicKeyOf(owner);
        CliRun put = CliRun.of("put", "notes", "--key-file", owner.toString(), "--value", "", "--writer",
                publicKeyOf(writer), "--replicas", "5", "--node", entry);
        assertThat(put.exitCode()).as(put.err()).isZero();

        CliRun first = CliRun.of("update", "--key-file", writer.toString(), "--pubkey", ownerKey, "--salt", "notes",
                "--if-version", "0", "--append", "hello", "--node", entry);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("version 1 ");
        CliRun stale = CliRun.of("update", "--key-file", owner.toString(), "--salt", "notes", "--if-version", "0",
                "--append", "!", "--node", entry);
        assertThat(stale.exitCode()).as(stale.err()).isEqualTo(ExitStatus.REFUSED.code());
        assertThat(stale.out()).contains("not applied").contains("version 1");
        CliRun second = CliRun.of("update", "--key-file", owner.toString(), "--salt", "notes", "--if-size", "5",
                "--replace", "0:J", "--node", entry, "--json");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("\"version\" : 2");
        CliRun theirs = CliRun.of("update", "--key-file", stranger.toString(), "--pubkey", ownerKey, "--salt", "notes",
                "--append", "x", "--node", entry);
        assertThat(theirs.exitCode()).as(theirs.err()).isEqualTo(ExitStatus.FORBIDDEN.code());
        CliRun noEdit = CliRun.of("update", "--key-file", owner.toString(), "--salt", "notes", "--node", entry);
        assertThat(noEdit.exitCode()).isEqualTo(ExitStatus.BAD_INPUT.code());

        CliRun current = CliRun.of("get", "--pubkey", ownerKey, "--salt", "notes", "--node", entry);
        assertThat(current.out().strip()).isEqualTo("Jello");
        CliRun listed = CliRun.of("versions", "--pubkey", ownerKey, "--salt", "notes", "--node", entry);
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out().lines().toList()).hasSize(2);
        assertThat(listed.out().lines().toList().get(0)).startsWith("1 ").endsWith(" 5 bytes");
        String firstHash = listed.out().lines().toList().get(0).split(" ")[1];
        CliRun byNumber = CliRun.of("get", "--pubkey", ownerKey, "--salt", "notes", "--version", "1", "--node", entry);
        assertThat(byNumber.out().strip()).isEqualTo("hello");
        CliRun byHash = CliRun.of("versions", "--pubkey", ownerKey, "--salt", "notes", "--version-hash", firstHash,
                "--node", entry, "--json");
        assertThat(byHash.out()).contains("\"value\" : \"hello\"").contains("\"version\" : 1");
        CliRun gone = CliRun.of("get", "--pubkey", ownerKey, "--salt", "notes", "--version", "9", "--node", entry);
        assertThat(gone.exitCode()).as(gone.err()).isEqualTo(ExitStatus.NOT_FOUND.code());
        CliRun fresh = CliRun.of("get", "--pubkey", ownerKey, "--salt", "notes", "--min-version", "2", "--max-age", "60",
                "--node", entry);
        assertThat(fresh.exitCode()).as(fresh.err()).isZero();
        assertThat(fresh.out().strip()).isEqualTo("Jello");
        CliRun tooNew = CliRun.of("get", "--pubkey", ownerKey, "--salt", "notes", "--min-version", "3", "--node", entry);
        assertThat(tooNew.exitCode()).as(tooNew.err()).isEqualTo(ExitStatus.UNAVAILABLE.code());
        assertThat(tooNew.err()).contains("at least version 3");
    }

    @Test
    void theOperatorReadsAnUnsignedObjectsStateWithTheAdminTokenOnly() {
        CliRun put = CliRun.of("put", "ledger", "--value", "figures", "--replicas", "5", "--node", entry);
        assertThat(put.exitCode()).as(put.err()).isZero();
        String url = CLUSTER.gateway().url();

        CliRun state = CliRun.of("state", "ledger", "--admin-token", ADMIN, "--gateway", url);
        assertThat(state.exitCode()).as(state.err()).isZero();
        assertThat(state.out()).contains("figures");
        CliRun log = CliRun.of("log", "ledger", "--admin-token", ADMIN, "--gateway", url, "--json");
        assertThat(log.exitCode()).as(log.err()).isZero();
        assertThat(log.out()).contains("\"log\"");

        CliRun noToken = CliRun.of("state", "ledger", "--gateway", url);
        assertThat(noToken.exitCode()).isEqualTo(ExitStatus.FORBIDDEN.code());
        assertThat(noToken.err()).contains("operator");
        CliRun wrong = CliRun.of("state", "ledger", "--admin-token", "not-the-admin-token", "--gateway", url);
        assertThat(wrong.exitCode()).isEqualTo(ExitStatus.FORBIDDEN.code());
    }
}
