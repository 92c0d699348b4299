package dev.comet.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.aso.HandlerLimits;
import dev.comet.aso.ObjectConfig;
import dev.comet.client.LuaRuntimePool;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxPool;
import dev.comet.core.NodeConfig;
import dev.comet.runtime.UdpNode;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statuses only a crippled network or a node at capacity shows: 503 when no replica is reachable or the node's
 * handlers are busy, 507 when its store or timers are full; never a 4xx that blames the client.
 */
class GatewayFailuresTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : reversed(open)) {
            c.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aNodeThatReachesNoReplicaAnswersUnavailable() throws Exception {
        // a read-only node stores nothing itself, and this one knows no other node
        Gateway gateway = gatewayOn(NodeConfig.defaults(), true);
        JsonNode error = error(gateway, "PUT", "/v1/objects/lonely", "{\"value\":\"v\"}", 503, "unavailable");
        assertThat(error.get("message").asText()).contains("no node was reached");
        error(gateway, "PUT", "/v1/items", "{\"value\":\"v\"}", 503, "unavailable");
    }

    @Test
    void aFullStoreIsInsufficientStorage() throws Exception {
        Gateway gateway = gatewayOn(NodeConfig.defaults().withStoreQuota(1, 1 << 20), false);
        assertThat(HttpCheck.send(gateway.url(), "PUT", "/v1/objects/first", "{\"value\":\"v\"}").statusCode()).isEqualTo(200);
        JsonNode error = error(gateway, "PUT", "/v1/objects/second", "{\"value\":\"v\"}", 507, "full");
        assertThat(error.get("message").asText()).contains("310");
        assertThat(error.get("name").asText()).isEqualTo("STORE_FULL");
    }

    @Test
    void fullTimersAreInsufficientStorage() throws Exception {
        Gateway gateway = gatewayOn(NodeConfig.defaults().withObjects(ObjectConfig.defaults().withMaxTimers(0)), false);
        JsonNode error = error(gateway, "PUT", "/v1/objects/ticking",
                "{\"code\":\"function onTimer() end\",\"timerSeconds\":60}", 507, "full");
        assertThat(error.get("code").asInt()).isEqualTo(311);
        assertThat(error.get("name").asText()).isEqualTo("TIMERS_FULL");
    }

    @Test
    void aSpentHandlerBudgetIsBusyWithRetryAfter() throws Exception {
        // a budget of two handler runs' instructions in a second that never ends (the clock is frozen, so the test
        // does not depend on timing): loading the object spends a little of it, the first get spends a whole run's
        // limit, and the next get cannot reserve a run's worth any more
        HandlerLimits limits = HandlerLimits.defaults();
        SandboxPool pool = new SandboxPool(1, 16);
        open.add(pool::close);
        AsoRuntimeFactory frozenBudget = (nodeThread, id, address, clock) -> new LuaAsoRuntime(pool, nodeThread,
                limits, 2 * limits.instructions(), address.getAddress().getHostAddress(), id, () -> 0L);
        Gateway gateway = gatewayOn(NodeConfig.defaults(), false, frozenBudget);
        HttpResponse<String> put = HttpCheck.send(gateway.url(), "PUT", "/v1/objects/spender",
                "{\"code\":\"aso.n = 0 function onGet() while true do end end\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        HttpResponse<String> spent = HttpCheck.send(gateway.url(), "GET", "/v1/objects/spender", null);
        assertThat(spent.body()).contains("\"code\":320");
        HttpResponse<String> busy = HttpCheck.send(gateway.url(), "GET", "/v1/objects/spender", null);
        JsonNode error = HttpCheck.errorBody(busy, 503, "busy");
        assertThat(error.get("name").asText()).isEqualTo("HANDLERS_BUSY");
        assertThat(busy.headers().firstValue("Retry-After")).contains("1");
    }

    private static List<AutoCloseable> reversed(List<AutoCloseable> list) {
        List<AutoCloseable> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }

    private Gateway gatewayOn(NodeConfig config, boolean readOnly) throws Exception {
        return gatewayOn(config, readOnly, LuaRuntimePool.factory(config.objects()));
    }

    private Gateway gatewayOn(NodeConfig config, boolean readOnly, AsoRuntimeFactory runtimes) throws Exception {
        UdpNode node = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config, List.of(),
                null, readOnly, runtimes);
        open.add(node);
        node.ready().get(10, TimeUnit.SECONDS);
        Gateway gateway = Gateway.start(node, GatewayConfig.defaults().withAddress("127.0.0.1", 0));
        open.add(gateway);
        return gateway;
    }

    private static JsonNode error(Gateway gateway, String method, String path, String body, int status, String error) {
        return HttpCheck.errorBody(HttpCheck.send(gateway.url(), method, path, body), status, error);
    }
}
