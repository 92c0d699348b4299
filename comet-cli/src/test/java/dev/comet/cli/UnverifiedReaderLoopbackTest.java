package dev.comet.cli;

import dev.comet.core.NodeConfig;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.guard.GuardStats;
import dev.comet.id.NodeId;
import dev.comet.runtime.UdpNode;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No amplification, end to end with the default settings: a read-only client (BEP 43, like {@code comet get}) that
 * no replica has verified asks for an object whose answer is far larger than its query. The replica answers 370 and
 * probes the client; the client answers the probe, keeps its query pending and its next attempt gets the value.
 */
class UnverifiedReaderLoopbackTest {
    private static final int VALUE_BYTES = 8_000;
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.lua(4);

    @Test
    void aReadOnlyClientGetsALargeAnswerAfterTheReplicaHasProbedItsAddress() throws Exception {
        NodeId key = NodeId.ofKey("large answer");
        byte[] code = ("aso.value = string.rep('x', " + VALUE_BYTES + ")").getBytes(StandardCharsets.UTF_8);
        WriteOutcome put = CLUSTER.node(0).putObject(key, code, 2, -1).get(30, TimeUnit.SECONDS);
        assertThat(put.accepted()).hasSize(2);
        long refusedBefore = refused();

        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try (UdpNode client = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                NodeConfig.defaults(), List.of(CLUSTER.node(1).address()), null, true)) {
            client.ready().get(30, TimeUnit.SECONDS);
            long start = System.nanoTime();
            List<ObjectAnswer> first = client.getObject(key, Map.of(), false).get(30, TimeUnit.SECONDS);
            long firstMillis = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            List<ObjectAnswer> second = client.getObject(key, Map.of(), false).get(30, TimeUnit.SECONDS);
            long secondMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("UnverifiedReaderLoopbackTest: first get (370, probe, retry) %d ms, second get %d ms, "
                    + "replies refused %d%n", firstMillis, secondMillis, refused() - refusedBefore);

            assertThat(first).hasSize(1);
            assertThat(first.get(0).error()).isNull();
            assertThat((byte[]) first.get(0).value()).hasSize(VALUE_BYTES);
            assertThat((byte[]) second.get(0).value()).hasSize(VALUE_BYTES);
            assertThat(refused() - refusedBefore).as("the replica refused the unverified client once").isPositive();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static long refused() throws Exception {
        long total = 0;
        for (UdpNode node : CLUSTER.nodes()) {
            GuardStats guard = node.call(n -> n.stats().guard()).get(5, TimeUnit.SECONDS);
            total += guard.repliesRefused();
        }
        return total;
    }
}
