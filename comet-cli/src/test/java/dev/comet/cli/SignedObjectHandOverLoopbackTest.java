package dev.comet.cli;

import static dev.comet.cli.SignedObjectsLoopbackTest.putSigned;
import static dev.comet.cli.SignedObjectsLoopbackTest.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.comet.core.NodeConfig;
import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;
import dev.comet.runtime.BlockingKrpcClient;
import dev.comet.runtime.UdpNode;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A signed object handed to a node that joins later (store-on-join, over real UDP on a 10-node loopback cluster) keeps
 * its owner's signature there: the newcomer refuses an unsigned put over it. Apart from {@link SignedObjectsLoopbackTest}
 * because it needs store-on-join, which that class's exact replica counts cannot have.
 */
class SignedObjectHandOverLoopbackTest {
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.lua(10);

    @Test
    void aNodeThatJoinsLaterReceivesTheObjectWithItsSignatureAndEnforcesIt() throws Exception {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        // on every node, so that the newcomer is among the closest of every holder: store-on-join hands it over
        WriteOutcome put = putSigned(CLUSTER.node(0), owner, 5, "handed over", 20);
        assertThat(put.accepted()).hasSize(10);
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            UdpNode newcomer = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    NodeConfig.defaults(), List.of(CLUSTER.node(0).address()), null, false,
                    LoopbackRuntimes.lua(CLUSTER.pool()));
            newcomer.ready().get(30, TimeUnit.SECONDS);
            NodeId key = put.target();
            try (BlockingKrpcClient client = new BlockingKrpcClient()) {
                Dict get = Dict.builder().put("id", client.id()).put("k", key).build();
                await().atMost(Duration.ofSeconds(30)).until(() -> client.query(newcomer.address(), "comet_get", get)
                        .map(m -> m instanceof KrpcResponse r && r.values().has("found")).orElse(false));
                // the copy it received kept the owner's signature: an unsigned put cannot replace it there either
                byte[] token = ((KrpcResponse) client.query(newcomer.address(), "get", Dict.builder().put("id", client.id())
                        .put("target", key).build()).orElseThrow()).values().bytes("token");
                KrpcMessage squat = client.query(newcomer.address(), "comet_put", Dict.builder().put("id", client.id())
                        .put("k", key).put("token", token).put("code", version("squatter")).build()).orElseThrow();
                assertThat(squat).isInstanceOfSatisfying(KrpcError.class, e -> assertThat(e.code()).isEqualTo(342));
                KrpcResponse after = (KrpcResponse) client.query(newcomer.address(), "comet_get", get).orElseThrow();
                assertThat(new String(after.values().bytes("v"), StandardCharsets.UTF_8)).isEqualTo("handed over");
            }
            newcomer.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
