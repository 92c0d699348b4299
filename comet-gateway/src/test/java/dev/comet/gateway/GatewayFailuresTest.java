package dev.comet.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.client.LuaRuntimePool;
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

/** The statuses only a crippled network shows: 503 when no replica is reachable, 507 when the stores are full. */
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
        JsonNode error = error(gateway, "PUT", "/v1/objects/second", "{\"value\":\"v\"}", 507, "store_full");
        assertThat(error.get("message").asText()).contains("310");
    }

    private static List<AutoCloseable> reversed(List<AutoCloseable> list) {
        List<AutoCloseable> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }

    private Gateway gatewayOn(NodeConfig config, boolean readOnly) throws Exception {
        UdpNode node = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config, List.of(),
                null, readOnly, LuaRuntimePool.factory());
        open.add(node);
        node.ready().get(10, TimeUnit.SECONDS);
        Gateway gateway = Gateway.start(node, GatewayConfig.defaults().withAddress("127.0.0.1", 0));
        open.add(gateway);
        return gateway;
    }

    private static JsonNode error(Gateway gateway, String method, String path, String body, int status, String error) throws Exception {
        HttpResponse<String> r = HttpCheck.send(gateway.url(), method, path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.get("error").asText()).isEqualTo(error);
        return json;
    }
}
