package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.NodeOperations;
import dev.comet.client.LuaRuntimePool;
import dev.comet.core.NodeConfig;
import dev.comet.runtime.DataDirectory;
import dev.comet.runtime.UdpNode;
import io.netty.channel.nio.NioEventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The node a client command works through: a short-lived read-only node that joins the network of a running node
 * ({@code --node HOST:PORT}), or an embedded full node, in memory or on a data directory ({@code --data-dir}), alone
 * or joining a network ({@code --bootstrap}).
 */
final class NodeConnection implements AutoCloseable {
    private static final long JOIN_TIMEOUT_SECONDS = 15;
    /** Longest a put, get or delete may take once joined (a lookup, then the writes or handler runs). */
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(60);

    private final NioEventLoopGroup group;
    private final UdpNode node;
    private final NodeOperations operations;

    private NodeConnection(NioEventLoopGroup group, UdpNode node) {
        this.group = group;
        this.node = node;
        this.operations = new NodeOperations(node, OPERATION_TIMEOUT);
    }

    static NodeConnection open(ItemCommand.Target target) {
        String nodeAddress = target.node;
        Path dataDir = target.dataDir;
        boolean embedded = dataDir != null || target.bootstrap != null;
        if ((nodeAddress == null) == !embedded) {
            throw new CometException(ErrorCode.BAD_INPUT, "give either --node HOST:PORT (a running node to join through) "
                    + "or an embedded node: --data-dir DIR and/or --bootstrap HOST:PORT");
        }
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            if (nodeAddress != null) {
                InetSocketAddress through = Addresses.parse(nodeAddress);
                if (through.isUnresolved()) {
                    throw new CometException(ErrorCode.BAD_INPUT, "node host " + through.getHostString() + " does not resolve");
                }
                if (!through.getAddress().isLoopbackAddress()) {
                    bind = new InetSocketAddress(0);
                }
                UdpNode node = UdpNode.start(group, bind, NodeConfig.defaults(), List.of(through), null, true);
                NodeConnection connection = new NodeConnection(group, node);
                connection.awaitJoined(nodeAddress);
                return connection;
            }
            List<InetSocketAddress> bootstrap = List.of();
            if (target.bootstrap != null) {
                bootstrap = Addresses.parseList(target.bootstrap, new java.io.PrintWriter(System.err, true));
                if (bootstrap.isEmpty()) {
                    throw new CometException(ErrorCode.BAD_INPUT, "--bootstrap names no reachable address");
                }
                if (bootstrap.stream().noneMatch(a -> a.getAddress().isLoopbackAddress())) {
                    bind = new InetSocketAddress(0);
                }
            }
            UdpNode node = UdpNode.start(group, bind, NodeConfig.defaults(), bootstrap,
                    dataDir == null ? null : new DataDirectory(dataDir), false, LuaRuntimePool.factory());
            NodeConnection connection = new NodeConnection(group, node);
            connection.awaitJoined(target.bootstrap != null ? target.bootstrap : "the embedded node");
            return connection;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The client operations (objects, items) through this node: the same path as the gateway's. */
    NodeOperations operations() {
        return operations;
    }

    /** Waits for {@code future}, turning a timeout or failure into a clear CometException. */
    static <T> T await(CompletableFuture<T> future, long seconds, String what) {
        try {
            return future.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new CometException(ErrorCode.TIMEOUT, what + " did not finish within " + seconds + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CometException ce) {
                throw ce;
            }
            throw new CometException(ErrorCode.INTERNAL, what + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CometException(ErrorCode.TIMEOUT, "interrupted during " + what);
        }
    }

    private void awaitJoined(String through) {
        try {
            node.ready().get(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            close();
            throw new CometException(ErrorCode.TIMEOUT, "could not join the network: " + through + " did not answer within "
                    + JOIN_TIMEOUT_SECONDS + " s");
        } catch (ExecutionException | InterruptedException e) {
            close();
            throw new CometException(ErrorCode.INTERNAL, "could not join the network through " + through + ": " + e);
        }
    }

    @Override
    public void close() {
        node.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
