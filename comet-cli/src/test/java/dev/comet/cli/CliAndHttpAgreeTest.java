package dev.comet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.ErrorCode;
import dev.comet.client.ApiError;
import dev.comet.client.LuaRuntimePool;
import dev.comet.client.NodeOperations;
import dev.comet.client.ObjectSpec;
import dev.comet.client.SignedObjectSpec;
import dev.comet.client.SignedRequest;
import dev.comet.core.NodeConfig;
import dev.comet.gateway.Gateway;
import dev.comet.gateway.GatewayConfig;
import dev.comet.items.Ed25519;
import dev.comet.owned.Edit;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;
import dev.comet.runtime.UdpNode;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI and the HTTP gateway give each outcome the same meaning: every scenario runs through both, and each side
 * must show the expected kind (exit status and HTTP status), for the same catalogue entry where the run is
 * deterministic. Signed objects too: a stranger's update and a version no longer kept.
 */
class CliAndHttpAgreeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.of(8, LuaRuntimePool.factory()).gatewayOn(1);
    private final String entry = CLUSTER.hostPort(0);

    @TempDir
    Path tmp;

    @Test
    void aMissingKeyIsNotFoundToReadAndToDelete() throws Exception {
        Outcome get = agree(cli("get", "never stored", "--node", entry), http("GET", "/v1/objects/never%20stored", null),
                ExitStatus.NOT_FOUND, ApiError.NOT_FOUND);
        assertThat(get.code()).isEqualTo(ErrorCode.NOT_FOUND);
        Outcome delete = agree(cli("delete", "never stored", "--node", entry), http("DELETE", "/v1/objects/never%20stored", null),
                ExitStatus.NOT_FOUND, ApiError.NOT_FOUND);
        assertThat(delete.code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void anOversizedValueIsTooLargeAndBadInputToTheCli() throws Exception {
        String value = "v".repeat(20_000);
        Outcome big = agree(cli("put", "big", "--value", value, "--node", entry),
                http("PUT", "/v1/objects/big", JSON.writeValueAsString(Map.of("value", value))),
                ExitStatus.BAD_INPUT, ApiError.TOO_LARGE);
        assertThat(big.code()).isEqualTo(ErrorCode.CODE_SIZE_LIMIT);
    }

    @Test
    void aRefusingOnPutIsRefused() throws Exception {
        String code = "function onPut() return false end";
        Outcome refused = agree(cli("put", "stubborn", "--code", file("stubborn.lua", code).toString(), "--node", entry),
                http("PUT", "/v1/objects/stubborn", JSON.writeValueAsString(Map.of("code", code))),
                ExitStatus.REFUSED, ApiError.REFUSED);
        assertThat(refused.code()).isEqualTo(ErrorCode.HANDLER_REFUSED);
    }

    @Test
    void aWrongPasswordIsRefusedByOnGet() throws Exception {
        Path code = file("password.lua", Examples.read("password.lua"));
        assertThat(CliRun.of("put", "treasure", "--code", code.toString(), "--node", entry).exitCode()).isZero();
        Outcome wrong = agree(cli("get", "treasure", "--arg", "password=guess", "--node", entry),
                http("GET", "/v1/objects/treasure?arg.password=guess", null), ExitStatus.REFUSED, ApiError.REFUSED);
        assertThat(wrong.code()).isEqualTo(ErrorCode.HANDLER_REFUSED);
        assertThat(wrong.cliError()).contains("wrong password");
    }

    @Test
    void aLoopingOnGetHitsALimit() throws Exception {
        Path code = file("looper.lua", "function onGet() while true do end end");
        assertThat(CliRun.of("put", "looper", "--code", code.toString(), "--replicas", "2", "--node", entry).exitCode()).isZero();
        // stopped by the instruction limit (320), or by the wall-time backstop (322) on a busy machine: each run
        // may hit either, so only the kind is compared, not the entry
        Outcome limit = agree(cli("get", "looper", "--node", entry), http("GET", "/v1/objects/looper", null),
                ExitStatus.LIMIT, ApiError.LIMIT);
        assertThat(limit.code()).isIn(ErrorCode.INSTRUCTION_LIMIT, ErrorCode.TIME_LIMIT);
    }

    @Test
    void codeThatDoesNotCompileIsBadInput() throws Exception {
        String code = "function onGet( return end";
        Outcome syntax = agree(cli("put", "broken", "--code", file("broken.lua", code).toString(), "--node", entry),
                http("PUT", "/v1/objects/broken", JSON.writeValueAsString(Map.of("code", code))),
                ExitStatus.BAD_INPUT, ApiError.BAD_INPUT);
        assertThat(syntax.code()).isEqualTo(ErrorCode.CODE_INVALID);
    }

    @Test
    void anUnreachableNetworkIsUnavailable() throws Exception {
        InetSocketAddress nobody;
        try (DatagramSocket closedAgain = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedAgain.getLocalPort());
        }
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        // the gateway's node, like the CLI's, is a read-only client joining through an address where nobody answers
        UdpNode lonely = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                NodeConfig.defaults(), List.of(nobody), null, true);
        Gateway unreachable = Gateway.start(lonely, GatewayConfig.defaults().withAddress("127.0.0.1", 0));
        try {
            HttpResponse<String> response = send(unreachable.url(), "PUT", "/v1/objects/lonely", "{\"value\":\"v\"}");
            CliRun run = CliRun.of("put", "lonely", "--value", "v", "--node", "127.0.0.1:" + nobody.getPort());
            Outcome outcome = compare(run, response, ExitStatus.UNAVAILABLE, ApiError.UNAVAILABLE, false);
            assertThat(outcome.code().kind()).isEqualTo(ErrorCode.Kind.UNAVAILABLE);
        } finally {
            unreachable.close();
            lonely.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aStrangersUpdateIsForbiddenAndAVersionNotKeptIsNotFound() throws Exception {
        Path ownerFile = tmp.resolve("owner.json");
        Path strangerFile = tmp.resolve("stranger.json");
        assertThat(CliRun.of("keygen", "--out", ownerFile.toString()).exitCode()).isZero();
        assertThat(CliRun.of("keygen", "--out", strangerFile.toString()).exitCode()).isZero();
        Ed25519.RawKeyPair owner = KeyFile.read(ownerFile);
        Ed25519.RawKeyPair stranger = KeyFile.read(strangerFile);
        SignedObjectSpec spec = SignedObjectSpec.signed(owner, "agreed", 1, ObjectSpec.ofValue("a").withReplicas(3));
        assertThat(send(CLUSTER.gateway().url(), "PUT", "/v1/signed-objects", JSON.copy()
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                .writeValueAsString(spec)).statusCode()).isEqualTo(200);
        String pk = spec.publicKey();
        UpdateProgram append = UpdateProgram.of(List.of(), List.of(new Edit.Append(new byte[] {'x'})));
        OwnerRequest strangers = SignedRequest.update(stranger, NodeOperations.signedKey(pk, "agreed"), append);

        // each side signs its own request with the stranger's key: the CLI here, the HTTP client before sending
        CliRun update = CliRun.of("update", "--key-file", strangerFile.toString(), "--pubkey", pk, "--salt", "agreed",
                "--append", "x", "--node", entry);
        HttpResponse<String> posted = send(CLUSTER.gateway().url(), "POST", "/v1/signed-objects/" + pk + "/updates?salt=agreed",
                JSON.writeValueAsString(Map.of("program", java.util.HexFormat.of().formatHex(strangers.body()))),
                SignedRequest.of(strangers).headers());
        Outcome forbidden = compare(update, posted, ExitStatus.FORBIDDEN, ApiError.FORBIDDEN, true);
        assertThat(forbidden.code()).isEqualTo(ErrorCode.NOT_WRITER);

        Outcome gone = agree(cli("versions", "--pubkey", pk, "--salt", "agreed", "--version", "3", "--node", entry),
                http("GET", "/v1/signed-objects/" + pk + "/versions/3?salt=agreed", null),
                ExitStatus.NOT_FOUND, ApiError.NOT_FOUND);
        assertThat(gone.code()).isEqualTo(ErrorCode.VERSION_GONE);
    }

    /** What both sides showed: the HTTP body's catalogue entry, and the CLI's error line. */
    private record Outcome(ErrorCode code, String cliError) {
    }

    private static String[] cli(String... args) {
        return args;
    }

    private static String[] http(String method, String path, String body) {
        return new String[] {method, path, body};
    }

    /**
     * Runs the scenario through the CLI and the gateway and checks both show the expected kind, and that the
     * gateway's catalogue entry maps to the CLI's exit status; where the run is deterministic the CLI prints the
     * very message the gateway answers (both come from one NodeOperations path).
     */
    private Outcome agree(String[] cliArgs, String[] request, ExitStatus exit, ApiError kind) {
        // the CLI first, then HTTP: a scenario stores nothing, so each side meets the same state
        CliRun run = CliRun.of(cliArgs);
        HttpResponse<String> response = send(CLUSTER.gateway().url(), request[0], request[1], request[2]);
        return compare(run, response, exit, kind, kind != ApiError.LIMIT);
    }

    private static Outcome compare(CliRun run, HttpResponse<String> response, ExitStatus exit, ApiError kind,
                                   boolean sameMessage) {
        assertThat(run.exitCode()).as("CLI: %s", run.err()).isEqualTo(exit.code());
        assertThat(run.err()).startsWith("comet: ").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(response.statusCode()).as("HTTP: %s", response.body()).isEqualTo(kind.status());
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
        assertThat(body.get("error").asText()).isEqualTo(kind.code());
        ErrorCode code = ErrorCode.byCode(body.get("code").asInt()).orElseThrow();
        assertThat(body.get("name").asText()).isEqualTo(code.name());
        // the two edges agree: the entry the gateway answered exits with the status the CLI exited with
        assertThat(ExitStatus.of(code)).isEqualTo(exit);
        assertThat(ApiError.of(code)).isEqualTo(kind);
        String cliError = run.err().strip();
        if (sameMessage) {
            assertThat(cliError).isEqualTo("comet: " + body.get("message").asText());
        }
        return new Outcome(code, cliError);
    }

    private static HttpResponse<String> send(String base, String method, String path, String body) {
        return send(base, method, path, body, Map.of());
    }

    private static HttpResponse<String> send(String base, String method, String path, String body,
                                             Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("request failed: " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Path file(String name, String code) throws java.io.IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, code);
        return f;
    }
}
