package dev.comet.sim;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #15, Comet as a minority inside Mainline: 200 Comet nodes among foreign Mainline nodes ({@link MainlinePeer});
 * 100 objects put from random Comet nodes sit on the true closest Comet nodes, and every other Comet node reads them.
 * The suite runs 3,000 nodes with 6.7 % Comet, about 200 Comet nodes, and 5,000 at 1 %; the 20,000 at 1 %
 * takes 4 minutes and 5 GB (every foreign node is a full node) and runs with {@code -Pload}; {@code
 * -Dcomet.sim.minority.nodes} and {@code .fraction} run others.
 */
class MinorityTest {
    /** 1 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();

    @Test
    void objectsSitOnTheClosestCometNodesAndEveryCometNodeReadsThem() {
        int nodes = Integer.getInteger("comet.sim.minority.nodes", 3000);
        double fraction = Double.parseDouble(System.getProperty("comet.sim.minority.fraction", "0.067"));
        assertAllPlacedAndRead(nodes, fraction);
    }

    /**
     * The fraction, 1 %, with about 50 Comet nodes among 5,000. Before foreign nodes stopped announcing
     * themselves on the rendezvous key, they filled the 50 peers a get_peers answer names: a few Comet nodes never
     * met another, and only 53 of 100 objects sat on all of their true closest.
     */
    @Test
    void aOnePercentMinorityFindsEachOtherThroughTheRendezvous() {
        assertAllPlacedAndRead(5000, 0.01);
    }

    /**
     * The issue's own case, 20,000 nodes of which 1 % run Comet: every object on its true closest, every read from every
     * other Comet node found. Tagged {@code load} for its 4 minutes and 5 GB ({@code mvn -Pload -pl comet-sim -am
     * verify}); the suite runs the same check at 5,000 nodes above.
     */
    @Test
    @Tag("load")
    void twentyThousandNodesAtOnePercent() {
        assertAllPlacedAndRead(20_000, 0.01);
    }

    /**
     * An hour later, every holder has republished (one lookup and the stores the lookup shows missing, issue #15's
     * "messages per republish"), the objects still sit on exactly their true closest Comet nodes, and no copy sprawled
     * elsewhere: storage per Comet node adds up to the ideal {@code n × objects}.
     */
    @Test
    void republishingKeepsEachObjectOnExactlyItsClosestCometNodes() {
        int objects = 20;
        SimConfig config = SimConfig.of(1000, 0, SEED).withCometFraction(0.1);
        // the republish interval is an hour, give or take 6 minutes: in 4,000 s every holder's timer fires
        Map<String, Object> r = new Simulation(config).runMinority(objects, 10, 4000);
        System.out.println("minority, held: " + r);
        int replicas = config.nodeConfig().objects().replicas();
        assertThat(r.get("reads_found")).as("seed %d: %s", SEED, r).isEqualTo(objects * 10);
        assertThat(r.get("objects_on_all_true_closest_after_hold")).as("seed %d: %s", SEED, r).isEqualTo(objects);
        assertThat(r.get("copies_on_comet_nodes_after_hold")).as("seed %d: %s", SEED, r).isEqualTo(objects * replicas);
        assertThat((Long) r.get("replication_rounds")).as("seed %d: %s", SEED, r)
                .isBetween((long) objects * replicas, 2L * objects * replicas);
        assertThat((Double) r.get("messages_per_replication_round")).as("seed %d: %s", SEED, r).isPositive();
        assertThat((Double) r.get("objects_held_per_comet_node_mean") * (Integer) r.get("comet_nodes"))
                .as("seed %d: %s", SEED, r).isCloseTo(objects * replicas, org.assertj.core.data.Offset.offset(0.5));
    }

    private static void assertAllPlacedAndRead(int nodes, double fraction) {
        SimConfig config = SimConfig.of(nodes, 0, SEED).withCometFraction(fraction);
        Map<String, Object> r = new Simulation(config).runMinority(100, 0, 0);
        System.out.println("minority: " + r);
        assertThat(r.get("puts_acknowledged")).as("seed %d: %s", SEED, r).isEqualTo(100);
        assertThat(r.get("objects_on_all_true_closest")).as("seed %d: %s", SEED, r).isEqualTo(100);
        assertThat(r.get("reads_found")).as("seed %d: %s", SEED, r).isEqualTo(r.get("reads"));
    }
}
