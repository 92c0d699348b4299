package dev.comet.sim;

import dev.comet.id.NodeId;
import dev.comet.routing.RoutingTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A network started warm: every table filled from global knowledge, no join simulated. Each failure names its seed. */
class WarmStartTest {
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();
    private static final int K = 8;

    @Test
    void everyTableHoldsItsTrueClosestNodesAndAFullBucketWhereverTheNetworkHasTheNodes() {
        Simulation sim = new Simulation(SimConfig.of(600, 0, SEED).withWarmStart(true));
        sim.buildAndSettle();
        List<Simulation.SimNode> nodes = sim.liveNodes();
        List<NodeId> ids = new ArrayList<>();
        nodes.forEach(n -> ids.add(n.node().id()));
        for (Simulation.SimNode n : nodes) {
            NodeId self = n.node().id();
            RoutingTable table = n.node().routingTable();
            assertThat(n.node().isReady()).as("seed %d, node %s", SEED, self).isTrue();
            List<NodeId> others = new ArrayList<>(ids);
            others.remove(self);
            others.sort(self.byDistance());
            for (NodeId closest : others.subList(0, K)) {
                assertThat(table.entry(closest)).as("seed %d: %s's table lacks its close node %s", SEED, self, closest)
                        .isNotNull();
            }
            // the contacts sharing exactly i leading bits fill bucket i up to K: the table holds min(K, count) of each
            int[] sharing = new int[NodeId.BITS + 1];
            others.forEach(o -> sharing[self.commonPrefixLength(o)]++);
            int expected = 0;
            for (int count : sharing) {
                expected += Math.min(K, count);
            }
            assertThat(table.size()).as("seed %d, node %s", SEED, self).isEqualTo(expected);
        }
    }

    @Test
    void noJoinIsSimulatedAndLookupsFindTheClosestNodes() {
        Map<String, Object> warm = new Simulation(SimConfig.of(1000, 200, SEED).withWarmStart(true)).run();
        Map<String, Object> joined = new Simulation(SimConfig.of(1000, 200, SEED)).run();
        assertThat((double) warm.get("success_rate")).as("seed %d: %s", SEED, warm).isEqualTo(1.0);
        assertThat((double) warm.get("mean_overlap")).as("seed %d: %s", SEED, warm).isEqualTo(1.0);
        // the joins are most of a run's traffic: without them, a twentieth is left
        assertThat((long) warm.get("datagrams")).as("seed %d: warm %s, joined %s", SEED, warm, joined)
                .isLessThan((long) joined.get("datagrams") / 20);
    }

    @Test
    void theSameSeedGivesTheSameWarmRun() {
        SimConfig config = SimConfig.of(300, 100, SEED).withWarmStart(true).withChurn(900).withLoss(0.05);
        Map<String, Object> first = Reports.withoutMeasurements(new Simulation(config).run());
        Map<String, Object> second = Reports.withoutMeasurements(new Simulation(config).run());
        assertThat(second).as("seed %d", SEED).isEqualTo(first);
    }

}
