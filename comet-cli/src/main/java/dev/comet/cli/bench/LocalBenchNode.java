package dev.comet.cli.bench;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.LuaRuntimePool;
import dev.comet.core.NodeConfig;
import dev.comet.runtime.UdpNode;
import io.netty.channel.nio.NioEventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Comet node on a free loopback port, in memory, running objects, for {@code bench objects} and for
 * {@code bench rpc} without {@code --node}. Owns the node and its event loop.
 */
public final class LocalBenchNode implements AutoCloseable {
    private final NioEventLoopGroup group;
    private final UdpNode node;

    private LocalBenchNode(NioEventLoopGroup group, UdpNode node) {
        this.group = group;
        this.node = node;
    }

    public static LocalBenchNode start() {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            // a load generator drives this node from a few sockets far past a source's allowance: relaxed guard
            // settings, so the benchmark measures the node and not its rate limits (docs/abuse.md)
            UdpNode node = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    NodeConfig.relaxed(), List.of(), null, false, LuaRuntimePool.factory());
            node.ready().get(30, TimeUnit.SECONDS);
            return new LocalBenchNode(group, node);
        } catch (TimeoutException | ExecutionException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new CometException(ErrorCode.INTERNAL, "the local node did not start: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new CometException(ErrorCode.TIMEOUT, "interrupted while starting the local node");
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The node itself, for a benchmark that stores what it then asks for. */
    public UdpNode node() {
        return node;
    }

    public InetSocketAddress address() {
        return node.address();
    }

    @Override
    public void close() {
        node.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
