package dev.comet.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Lookups on 1,000 simulated nodes, with and without faults (issue #2's simulation checks). Each failure names its seed. */
class SimulationTest {
    /** 1 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();

    @Test
    void thousandNodesWithoutFaultsAlwaysFindTheClosestNodeInFewHops() {
        Map<String, Object> r = new Simulation(SimConfig.of(1000, 300, SEED)).run();
        assertThat((double) r.get("success_rate")).as("success_rate, seed %d: %s", SEED, r).isEqualTo(1.0);
        assertThat((long) r.get("hops_median")).as("hops_median, seed %d: %s", SEED, r).isLessThanOrEqualTo(4);
        assertThat((int) r.get("lookups_unfinished")).as("seed %d", SEED).isZero();
    }

    @Test
    void tenPercentLossStillFindsTheClosestNode() {
        Map<String, Object> r = new Simulation(SimConfig.of(1000, 300, SEED).withLoss(0.10)).run();
        assertThat((double) r.get("success_rate")).as("success_rate, seed %d: %s", SEED, r).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void killingTwentyPercentAtOnceLeavesLookupsWorkingOnTheLiveSet() {
        Map<String, Object> r = new Simulation(SimConfig.of(1000, 300, SEED).withKill(0.20)).run();
        assertThat((int) r.get("killed")).isEqualTo(200);
        assertThat((double) r.get("success_rate")).as("success_rate, seed %d: %s", SEED, r).isGreaterThanOrEqualTo(0.97);
    }

    @Test
    void churnKeepsTheNetworkUsable() {
        SimConfig config = SimConfig.of(500, 200, SEED).withChurn(600);
        Map<String, Object> r = new Simulation(config).run();
        assertThat((int) r.get("churn_departures")).as("seed %d", SEED).isPositive();
        assertThat((double) r.get("success_rate")).as("success_rate, seed %d: %s", SEED, r).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void theSameSeedGivesTheSameRunAndAnotherSeedAnotherOne() {
        SimConfig config = SimConfig.of(300, 100, SEED).withLoss(0.05).withChurn(900);
        Map<String, Object> first = Reports.withoutMeasurements(new Simulation(config).run());
        Map<String, Object> second = Reports.withoutMeasurements(new Simulation(config).run());
        assertThat(second).as("seed %d", SEED).isEqualTo(first);
        SimConfig other = SimConfig.of(300, 100, SEED + 1).withLoss(0.05).withChurn(900);
        assertThat(Reports.withoutMeasurements(new Simulation(other).run()).get("datagrams")).isNotEqualTo(first.get("datagrams"));
    }

}
