package dev.comet.cli;

import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.aso.HandlerEngine;
import dev.comet.core.NodeConfig;
import dev.comet.gateway.Gateway;
import dev.comet.gateway.GatewayConfig;
import dev.comet.lua.SandboxPool;
import dev.comet.runtime.LocalCluster;
import dev.comet.runtime.UdpNode;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.function.Function;

/**
 * The loopback cluster a test class's tests share, started once before them and closed after them: registered with
 * {@code @RegisterExtension}, or started and closed by hand where the class must do something before it starts or
 * after it is closed. It closes what it started in reverse: the gateway, the cluster, then the pool its nodes ran in.
 * Registered, its nodes may be read in a test's instance fields: JUnit makes each instance once the cluster is up.
 */
final class LoopbackCluster implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private final int size;
    /** The runtimes of the nodes, made from the pool this fixture owns (null: no pool of its own). */
    private final Function<SandboxPool, AsoRuntimeFactory> pooledRuntimes;
    /** The runtimes of the nodes when they do not run in a pool of this fixture's (null: none, items only). */
    private final AsoRuntimeFactory runtimes;
    private NodeConfig config = NodeConfig.defaults();
    private HandlerEngine engine = HandlerEngine.INTERPRETER;
    private long formedWithinMillis = 30_000;
    /** The node a gateway is started on (-1: none). */
    private int gatewayNode = -1;

    private SandboxPool pool;
    private LocalCluster cluster;
    private Gateway gateway;

    private LoopbackCluster(int size, Function<SandboxPool, AsoRuntimeFactory> pooledRuntimes,
                            AsoRuntimeFactory runtimes) {
        this.size = size;
        this.pooledRuntimes = pooledRuntimes;
        this.runtimes = runtimes;
    }

    /** {@code size} nodes running objects in {@code runtimes} (null: none), which live beyond the cluster. */
    static LoopbackCluster of(int size, AsoRuntimeFactory runtimes) {
        return new LoopbackCluster(size, null, runtimes);
    }

    /** {@code size} nodes running their objects in a pool of 2 workers of the fixture's own, as LoopbackRuntimes do. */
    static LoopbackCluster lua(int size) {
        return lua(size, LoopbackRuntimes::lua);
    }

    /** {@code size} nodes whose runtimes {@code runtimes} makes from the fixture's own pool of 2 workers. */
    static LoopbackCluster lua(int size, Function<SandboxPool, AsoRuntimeFactory> runtimes) {
        return new LoopbackCluster(size, runtimes, null);
    }

    /** Every node started with {@code nodeConfig} (default: NodeConfig.defaults()). */
    LoopbackCluster config(NodeConfig nodeConfig) {
        this.config = nodeConfig;
        return this;
    }

    /** The engine the fixture's pool runs handlers on (default: the interpreter). */
    LoopbackCluster engine(HandlerEngine handlerEngine) {
        this.engine = handlerEngine;
        return this;
    }

    /** How long the cluster may take to form (default: 30 s); a larger cluster on a busy machine needs more. */
    LoopbackCluster formedWithin(long millis) {
        this.formedWithinMillis = millis;
        return this;
    }

    /** An HTTP gateway on node {@code node} too, started once the cluster has formed. */
    LoopbackCluster gatewayOn(int node) {
        this.gatewayNode = node;
        return this;
    }

    /** Starts the pool, the nodes and the gateway, and waits until the cluster has formed. */
    LoopbackCluster start() {
        AsoRuntimeFactory nodeRuntimes = runtimes;
        if (pooledRuntimes != null) {
            pool = new SandboxPool(2, 10_000, engine);
            nodeRuntimes = pooledRuntimes.apply(pool);
        }
        cluster = LocalCluster.start(size, 0, config, nodeRuntimes);
        cluster.awaitFormed(formedWithinMillis);
        if (gatewayNode >= 0) {
            gateway = Gateway.start(node(gatewayNode), GatewayConfig.defaults().withAddress("127.0.0.1", 0));
        }
        return this;
    }

    @Override
    public void close() {
        if (gateway != null) {
            gateway.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    List<UdpNode> nodes() {
        return cluster.nodes();
    }

    UdpNode node(int index) {
        return cluster.nodes().get(index);
    }

    /** What {@code --node} takes to reach node {@code index}. */
    String hostPort(int index) {
        return "127.0.0.1:" + node(index).address().getPort();
    }

    /** The fixture's own pool (null when the nodes' runtimes did not come from one). */
    SandboxPool pool() {
        return pool;
    }

    Gateway gateway() {
        return gateway;
    }
}
