package dev.comet.runtime;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Closing a node completes what its callers wait for: an operation in flight, and any started after, fail with
 * NODE_STOPPED instead of never completing (the stopped node forgets its pending requests).
 */
class NodeStopLoopbackTest {

    @Test
    void closingANodeFailsItsOperationsInFlightAndLaterOnes() throws Exception {
        NioEventLoopGroup silentLoop = new NioEventLoopGroup(1);
        NioEventLoopGroup ownLoop = new NioEventLoopGroup(1);
        CountDownLatch release = new CountDownLatch(1);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (UdpNode peer = UdpNode.start(silentLoop, new InetSocketAddress(loopback, 0), NodeConfig.defaults(), List.of(), null)) {
            UdpNode node = UdpNode.start(ownLoop, new InetSocketAddress(loopback, 0), NodeConfig.defaults(),
                    List.of(peer.address()), null);
            try {
                node.ready().get(30, TimeUnit.SECONDS);
                assertThat(node.call(n -> n.knownContacts().size()).get(10, TimeUnit.SECONDS)).isPositive();
                // the only peer stops answering: its event loop is held, so every request to it stays pending
                peer.call(n -> {
                    awaitUninterruptibly(release);
                    return null;
                });
                NodeId key = NodeId.random(new SplittableRandom(1));
                CompletableFuture<?> get = node.getObject(key, Map.of(), false);
                CompletableFuture<?> lookup = node.lookup(key);
                assertThat(node.call(n -> n.stats().lookupsStarted() - n.stats().lookupsFinished()).get(10, TimeUnit.SECONDS))
                        .as("lookups waiting for the silent peer").isPositive();
                assertThat(get).isNotDone();

                node.close();

                assertStopped(get);
                assertStopped(lookup);
                assertStopped(node.getObject(key, Map.of(), false));
                assertStopped(node.ready());
            } finally {
                release.countDown();
                node.close();
            }
        } finally {
            release.countDown();
            silentLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            ownLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static void assertStopped(CompletableFuture<?> future) {
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CometException.class)
                .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.NODE_STOPPED));
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep holding the loop until the test releases it
            }
        }
    }
}
