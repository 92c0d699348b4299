package dev.comet.sim;

import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.storage.InMemoryStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A young network whose nodes all join at once through the first still forms: every node soon knows K others. */
class NetworkFormationTest {
    @Property(tries = 30)
    void nodesJoiningAtOnceAllKnowAtLeastKOthersWithinAMinute(@ForAll long seed, @ForAll @IntRange(min = 10, max = 40) int count) {
        NodeConfig config = NodeConfig.defaults();
        SimNetwork network = new SimNetwork(seed, 0, 1, 5);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimNetwork.Host host = network.newHost(new InMemoryStore(1000, 1 << 20));
            Node node = new Node(NodeId.random(network.random()), host.address(), config, host);
            host.bind(node::onDatagram);
            List<InetSocketAddress> bootstrap = nodes.isEmpty() ? List.of() : List.of(nodes.get(0).self().address());
            nodes.add(node);
            node.start(bootstrap);
        }
        network.runUntil(60_000);
        int wanted = Math.min(config.k(), count - 1);
        for (Node n : nodes) {
            assertThat(n.isReady()).as("seed %d, %d nodes", seed, count).isTrue();
            assertThat(n.routingTable().size()).as("table of %s, seed %d, %d nodes", n.id(), seed, count)
                    .isGreaterThanOrEqualTo(wanted);
        }
    }
}
