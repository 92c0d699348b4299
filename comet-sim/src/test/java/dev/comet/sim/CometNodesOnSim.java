package dev.comet.sim;

import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.lua.SandboxExecutor;
import dev.comet.storage.InMemoryStore;

import java.net.InetSocketAddress;
import java.util.List;

/** Starts Comet nodes that run objects on a simulated network: the fixture of the tests that put and read objects. */
final class CometNodesOnSim {
    private CometNodesOnSim() {
    }

    /**
     * Adds {@code count} nodes with random ids to {@code nodes}, each with an in-memory store and its sandbox run by
     * {@code sandboxes}, bootstrapping from the first node of the list; then runs one virtual minute so they meet.
     */
    static void start(SimNetwork network, SandboxExecutor sandboxes, List<Node> nodes, int count, NodeConfig config) {
        for (int i = 0; i < count; i++) {
            SimNetwork.Host host = network.newHost(new InMemoryStore(10_000, 16 << 20));
            NodeId id = NodeId.random(network.random());
            host.runObjects(new SimAsoRuntime(sandboxes, host, id, config.objects().limits()));
            Node node = new Node(id, host.address(), config, host);
            host.bind(node::onDatagram);
            List<InetSocketAddress> bootstrap = nodes.isEmpty() ? List.of() : List.of(nodes.get(0).self().address());
            nodes.add(node);
            node.start(bootstrap);
        }
        network.runUntil(network.now() + 60_000);
    }

    /** Puts {@code code} under {@code key} from {@code from} and runs until it is stored on {@code replicas} nodes. */
    static void putObject(SimNetwork network, Node from, String key, String code, int replicas, long seed) {
        dev.comet.core.WriteOutcome[] result = {null};
        from.putObject(NodeId.ofKey(key), code.getBytes(java.nio.charset.StandardCharsets.UTF_8), replicas, -1,
                r -> result[0] = r);
        org.assertj.core.api.Assertions.assertThat(network.runUntil(() -> result[0] != null, network.now() + 60_000))
                .as("seed %d: put answered", seed).isTrue();
        org.assertj.core.api.Assertions.assertThat(result[0].accepted()).as("seed %d: %s stored", seed, key)
                .hasSize(replicas);
    }
}
