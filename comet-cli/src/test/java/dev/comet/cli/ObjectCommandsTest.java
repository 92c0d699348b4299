package dev.comet.cli;

import dev.comet.client.LuaRuntimePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code comet put|get|delete} against an in-process 10-node cluster running Lua objects. */
class ObjectCommandsTest {
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.of(10, LuaRuntimePool.factory());
    private final String entry = CLUSTER.hostPort(0);
    private final String other = CLUSTER.hostPort(6);

    @TempDir
    Path tmp;

    @Test
    void aShippedApplicationIsPublishedByName() {
        CliRun put = CliRun.of("put", "adeona", "--app", "password", "--replicas", "3", "--node", entry);
        assertThat(put.exitCode()).as(put.err()).isZero();
        CliRun stranger = CliRun.of("get", "adeona", "--node", other);
        assertThat(stranger.out()).doesNotContain("the laptop was last seen");
        CliRun owner = CliRun.of("get", "adeona", "--arg", "password=change me", "--node", other);
        assertThat(owner.exitCode()).as(owner.err()).isZero();
        assertThat(owner.out()).contains("the laptop was last seen at 10.0.0.7");
    }

    @Test
    void aSignedObjectIsPutWithAKeyFileAndReadByPublicKeyAndSalt() {
        Path keyFile = tmp.resolve("owner.json");
        CliRun keygen = CliRun.of("keygen", "--out", keyFile.toString());
        assertThat(keygen.exitCode()).as(keygen.err()).isZero();
        String publicKey = keygen.out().trim();

        CliRun put = CliRun.of("put", "profile", "--key-file", keyFile.toString(), "--value", "v1", "--seq", "1",
                "--replicas", "3", "--node", entry);
        assertThat(put.exitCode()).as(put.err()).isZero();
        String expectedKey = dev.comet.items.Item.mutableTarget(java.util.HexFormat.of().parseHex(publicKey),
                "profile".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toHex();
        assertThat(put.out().trim()).isEqualTo(expectedKey);
        assertThat(put.err()).contains("stored on 3 node(s)").contains("seq 1");

        CliRun get = CliRun.of("get", "--pubkey", publicKey, "--salt", "profile", "--node", other);
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(get.out().trim()).isEqualTo("v1");

        // without --seq the version is the time in milliseconds, newer than 1
        CliRun update = CliRun.of("put", "profile", "--key-file", keyFile.toString(), "--value", "v2", "--replicas", "3",
                "--node", other);
        assertThat(update.exitCode()).as(update.err()).isZero();
        CliRun replay = CliRun.of("put", "profile", "--key-file", keyFile.toString(), "--value", "old", "--seq", "1",
                "--replicas", "3", "--node", entry);
        assertThat(replay.exitCode()).isEqualTo(ExitStatus.REFUSED.code());
        assertThat(replay.err()).startsWith("comet: ").contains("340");

        CliRun all = CliRun.of("get", "--pubkey", publicKey, "--salt", "profile", "--all", "--json", "--node", entry);
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("\"target\" : \"" + expectedKey + "\"").contains("\"v2\"").doesNotContain("\"old\"")
                .doesNotContain("\"v1\"");

        CliRun saltWithoutKey = CliRun.of("put", "profile", "--value", "x", "--salt", "s", "--node", entry);
        assertThat(saltWithoutKey.exitCode()).isEqualTo(ExitStatus.BAD_INPUT.code());
        assertThat(saltWithoutKey.err()).contains("--key-file");
        CliRun badKey = CliRun.of("get", "--pubkey", "abc", "--salt", "profile", "--node", entry);
        assertThat(badKey.exitCode()).isEqualTo(ExitStatus.BAD_INPUT.code());
        assertThat(badKey.err()).contains("64 hex digits");
        CliRun neither = CliRun.of("get", "--node", entry);
        assertThat(neither.exitCode()).isEqualTo(ExitStatus.BAD_INPUT.code());
    }

    @Test
    void putGetAllAndDeleteAnObjectWithHandlers() throws Exception {
        Path code = tmp.resolve("greeter.lua");
        Files.writeString(code, "aso.n = 0\nfunction onGet(caller, args) self.n = self.n + 1 "
                + "return 'hello ' .. (args.name or 'world') .. ' #' .. self.n end\n");
        CliRun put = CliRun.of("put", "greeter", "--code", code.toString(), "--replicas", "3", "--node", entry);
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(put.err()).contains("stored on 3 node(s)");

        CliRun get = CliRun.of("get", "greeter", "--arg", "name=Ada", "--node", other);
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(get.out().trim()).isEqualTo("hello Ada #1");

        CliRun all = CliRun.of("get", "greeter", "--all", "--json", "--node", other);
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("\"hello world #2\"").contains("\"hello world #1\"");

        CliRun delete = CliRun.of("delete", "greeter", "--node", entry);
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("deleted from 3 node(s)");
        CliRun gone = CliRun.of("get", "greeter", "--node", other);
        assertThat(gone.exitCode()).isEqualTo(ExitStatus.NOT_FOUND.code());
        assertThat(gone.err()).contains("no replica of 'greeter' answered");
        CliRun again = CliRun.of("delete", "greeter", "--node", entry);
        assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitStatus.NOT_FOUND.code());
        assertThat(again.err()).contains("no replica holds 'greeter'");
    }

    @Test
    void aValueWithoutCodeIsServedAsIs() {
        assertThat(CliRun.of("put", "plain", "--value", "quote \" and \\ kept", "--node", entry).exitCode()).isZero();
        CliRun get = CliRun.of("get", "plain", "--node", other);
        assertThat(get.out().trim()).isEqualTo("quote \" and \\ kept");
    }

    @Test
    void badInputIsAClearError() throws Exception {
        assertThat(CliRun.of("put", "x", "--node", entry).err()).contains("give --value, --code FILE.lua or --app NAME, or both");
        assertThat(CliRun.of("put", "x", "--value", "v", "--replicas", "21", "--node", entry).exitCode()).isEqualTo(2);
        Path refuser = tmp.resolve("refuser.lua");
        Files.writeString(refuser, "function onPut() return false end");
        CliRun refused = CliRun.of("put", "r", "--code", refuser.toString(), "--node", entry);
        assertThat(refused.exitCode()).isEqualTo(ExitStatus.REFUSED.code());
        assertThat(refused.err()).contains("onPut refused the object");
    }

    @Test
    void anEmbeddedNodeJoiningThroughBootstrapReadsAndWrites() {
        CliRun put = CliRun.of("put", "via-bootstrap", "--value", "joined", "--timer", "3600", "--bootstrap", entry);
        assertThat(put.exitCode()).as(put.err()).isZero();
        CliRun get = CliRun.of("get", "via-bootstrap", "--node", other);
        assertThat(get.out().trim()).isEqualTo("joined");
        CliRun both = CliRun.of("get", "via-bootstrap", "--node", other, "--bootstrap", entry);
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give either --node HOST:PORT");
    }

    @Test
    void aHandlerErrorIsTheReplicasAnswer() throws Exception {
        Path guarded = tmp.resolve("guarded.lua");
        Files.writeString(guarded, "aso.value = 'secret'\n"
                + "function onGet(caller, args) if args.password ~= 'open sesame' then error('wrong password', 0) end "
                + "return self.value end\n");
        assertThat(CliRun.of("put", "guarded", "--code", guarded.toString(), "--node", entry).exitCode()).isZero();
        CliRun wrong = CliRun.of("get", "guarded", "--arg", "password=guess", "--node", other);
        assertThat(wrong.exitCode()).isEqualTo(ExitStatus.REFUSED.code());
        assertThat(wrong.err()).endsWith("'guarded': 330 onGet: object:2 wrong password\n");
        CliRun right = CliRun.of("get", "guarded", "--arg", "password=open sesame", "--node", other);
        assertThat(right.out().trim()).isEqualTo("secret");
    }
}
