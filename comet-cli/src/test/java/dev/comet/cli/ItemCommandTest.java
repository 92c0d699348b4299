package dev.comet.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code comet item} and {@code comet keygen} against an in-process 10-node cluster and an embedded node. */
class ItemCommandTest {
    /** Nodes without runtimes: items need none. */
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.of(10, null);
    private final String entry = CLUSTER.hostPort(0);
    private final String other = CLUSTER.hostPort(7);

    @TempDir
    Path tmp;

    @Test
    void immutableItemPutThroughOneNodeIsReadThroughAnother() {
        CliRun put = CliRun.of("item", "put", "--immutable", "hello from the cli", "--node", entry);
        assertThat(put.exitCode()).as(put.err()).isZero();
        String target = put.out().trim();
        assertThat(target).matches("[0-9a-f]{40}");
        assertThat(put.err()).contains("stored on 8 node(s)");

        CliRun get = CliRun.of("item", "get", target, "--node", other);
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(get.out().trim()).isEqualTo("hello from the cli");
    }

    @Test
    void mutableItemsGetTheNextSeqAndTheNewestIsRead() throws Exception {
        Path keyFile = tmp.resolve("key.json");
        CliRun keygen = CliRun.of("keygen", "--out", keyFile.toString());
        assertThat(keygen.exitCode()).isZero();
        String publicKey = keygen.out().trim();
        assertThat(publicKey).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(CliRun.of("keygen", "--out", keyFile.toString()).err()).contains("already exists");

        assertThat(CliRun.of("item", "put", "--mutable", "first", "--key-file", keyFile.toString(), "--salt", "s",
                "--node", entry).exitCode()).isZero();
        CliRun second = CliRun.of("item", "put", "--mutable", "second", "--key-file", keyFile.toString(), "--salt", "s",
                "--node", other, "--json");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("\"seq\" : 2");

        CliRun get = CliRun.of("item", "get", "--pubkey", publicKey, "--salt", "s", "--node", entry, "--json");
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(get.out()).contains("\"value\" : \"second\"").contains("\"seq\" : 2");
    }

    @Test
    void clearErrorsForBadItemsUnknownTargetsAndUnreachableNodes() {
        CliRun big = CliRun.of("item", "put", "--immutable", "x".repeat(1200), "--node", entry);
        assertThat(big.exitCode()).isEqualTo(ExitStatus.BAD_INPUT.code());
        assertThat(big.err()).contains("too big").doesNotContain("\tat ");

        CliRun missing = CliRun.of("item", "get", "00".repeat(20), "--node", entry);
        assertThat(missing.exitCode()).isEqualTo(ExitStatus.NOT_FOUND.code());
        assertThat(missing.err()).contains("no item found for target");

        CliRun badTarget = CliRun.of("item", "get", "xyz", "--node", entry);
        assertThat(badTarget.exitCode()).isEqualTo(2);
        assertThat(badTarget.err()).contains("40 hex digits");

        CliRun noKey = CliRun.of("item", "put", "--mutable", "v", "--node", entry);
        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(noKey.err()).contains("--key-file");

        CliRun nowhere = CliRun.of("item", "get", "00".repeat(20));
        assertThat(nowhere.exitCode()).isEqualTo(2);
        assertThat(nowhere.err()).contains("--node HOST:PORT").contains("--data-dir");
    }

    @Test
    void anEmbeddedNodeKeepsItemsInItsDataDirectory() {
        String dir = tmp.resolve("embedded").toString();
        CliRun put = CliRun.of("item", "put", "--immutable", "kept locally", "--data-dir", dir);
        assertThat(put.exitCode()).as(put.err()).isZero();
        CliRun get = CliRun.of("item", "get", put.out().trim(), "--data-dir", dir);
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(get.out().trim()).isEqualTo("kept locally");
    }
}
