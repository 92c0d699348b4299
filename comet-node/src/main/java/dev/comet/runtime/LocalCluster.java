package dev.comet.runtime;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.lookup.LookupReport;
import dev.comet.lookup.LookupResult;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * N real nodes on 127.0.0.1 in one JVM, all bootstrapped from the first: the embedded default network. The nodes
 * share one event loop group; each node stays on its own loop thread.
 */
public final class LocalCluster implements AutoCloseable {
    private final EventLoopGroup group;
    private final NodeConfig config;
    private final List<UdpNode> nodes = new ArrayList<>();

    private LocalCluster(EventLoopGroup group, NodeConfig config) {
        this.group = group;
        this.config = config;
    }

    /**
     * Starts {@code count} nodes on 127.0.0.1, on ports {@code basePort, basePort+1, …} (0: free ports chosen by
     * the system). Nodes are started one after another, each joining through the first.
     */
    public static LocalCluster start(int count, int basePort, NodeConfig config) {
        return start(count, basePort, config, null);
    }

    /** As above, each node running active objects in a runtime {@code runtimes} makes (null: none). */
    public static LocalCluster start(int count, int basePort, NodeConfig config, dev.comet.aso.AsoRuntimeFactory runtimes) {
        return start(count, basePort, config, runtimes, InetAddress.getLoopbackAddress());
    }

    /** As above, the nodes bound to {@code host} (::1 for a cluster on IPv6 loopback) instead of 127.0.0.1. */
    public static LocalCluster start(int count, int basePort, NodeConfig config, dev.comet.aso.AsoRuntimeFactory runtimes,
                                     InetAddress host) {
        if (count < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "a cluster needs at least one node, got " + count);
        }
        if (basePort < 0 || basePort + count - 1 > 65535) {
            throw new CometException(ErrorCode.BAD_INPUT, "ports " + basePort + ".." + (basePort + count - 1) + " are out of range");
        }
        LocalCluster cluster = new LocalCluster(new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors())), config);
        try {
            for (int i = 0; i < count; i++) {
                int port = basePort == 0 ? 0 : basePort + i;
                List<InetSocketAddress> bootstrap = i == 0 ? List.of() : List.of(cluster.nodes.get(0).address());
                cluster.nodes.add(UdpNode.start(cluster.group, new InetSocketAddress(host, port), config, bootstrap,
                        null, false, runtimes));
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public List<UdpNode> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * Waits until every node has bootstrapped, filled its buckets that are not full and knows at least min(K, N-1)
     * others; throws when that takes longer than {@code timeoutMillis}. The fills run once all have joined, rather
     * than joinFillDelayMillis after each joined: nodes started together stay, and without them an early node's table
     * knows only the later nodes that happened to query it, so a holder's store-on-join took a node beyond a key's
     * closest for one of them and an object had a replica more than it asked for.
     */
    public void awaitFormed(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int wanted = Math.min(config.k(), nodes.size() - 1);
        try {
            for (UdpNode n : nodes) {
                n.ready().get(remaining(deadline), TimeUnit.NANOSECONDS);
            }
            List<CompletableFuture<Void>> fills = new ArrayList<>();
            for (UdpNode n : nodes) {
                fills.add(n.fillBuckets());
            }
            CompletableFuture.allOf(fills.toArray(CompletableFuture[]::new)).get(remaining(deadline), TimeUnit.NANOSECONDS);
            while (true) {
                boolean formed = true;
                for (UdpNode n : nodes) {
                    int size = n.call(node -> node.routingTable().size()).get(remaining(deadline), TimeUnit.NANOSECONDS);
                    if (size < wanted) {
                        formed = false;
                        break;
                    }
                }
                if (formed) {
                    return;
                }
                if (remaining(deadline) <= 0) {
                    throw new TimeoutException();
                }
                Thread.sleep(20);
            }
        } catch (TimeoutException e) {
            throw new CometException(ErrorCode.TIMEOUT, "the cluster did not form within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CometException(ErrorCode.TIMEOUT, "interrupted while waiting for the cluster to form");
        } catch (ExecutionException e) {
            throw new CometException(ErrorCode.SERVER, "a node failed while forming: " + e.getCause());
        }
    }

    /**
     * Runs {@code lookups} lookups from random nodes for random targets, {@code parallelism} at a time, and judges
     * them against the cluster's full membership.
     */
    public Map<String, Object> selfTest(int lookups, int parallelism, long seed) {
        Random random = new Random(seed);
        List<NodeId> ids = new ArrayList<>();
        for (UdpNode n : nodes) {
            ids.add(n.id());
        }
        LookupReport report = new LookupReport(config.k());
        List<CompletableFuture<LookupResult>> window = new ArrayList<>();
        try {
            for (int i = 0; i < lookups; i++) {
                UdpNode from = nodes.get(random.nextInt(nodes.size()));
                window.add(from.lookup(NodeId.random(random)));
                if (window.size() == parallelism || i == lookups - 1) {
                    for (CompletableFuture<LookupResult> f : window) {
                        report.add(f.get(60, TimeUnit.SECONDS), ids);
                    }
                    window.clear();
                }
            }
        } catch (TimeoutException | ExecutionException e) {
            throw new CometException(ErrorCode.TIMEOUT, "a lookup did not finish: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CometException(ErrorCode.TIMEOUT, "interrupted during the self test");
        }
        return report.fields();
    }

    @Override
    public void close() {
        for (UdpNode n : nodes) {
            n.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
