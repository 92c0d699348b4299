package dev.comet.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #15, deletes that stick: 200 objects deleted on 1,000 nodes under churn (mean session 30 virtual minutes), a
 * quarter of them while the replica closest to the key is cut off, stay deleted through 6 virtual hours: no replica
 * answers for any of them at any hourly check.
 */
class DeleteChurnTest {
    /** 1 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();

    @Test
    void deletedObjectsDoNotComeBackThroughSixHoursOfChurn() {
        SimConfig config = SimConfig.of(1000, 0, SEED).withChurn(1800);
        Map<String, Object> r = new DeleteWorkload(new Simulation(config)).run(200, 4, 24 * 3600, 6);
        System.out.println("deletes under churn: " + r);
        assertThat(r.get("puts_acknowledged")).as("seed %d: %s", SEED, r).isEqualTo(200);
        assertThat((Integer) r.get("deletes_acknowledged")).as("seed %d: %s", SEED, r).isGreaterThan(190);
        assertThat(r.get("deleted_with_a_replica_silent")).as("seed %d: %s", SEED, r).isEqualTo(50);
        assertThat((Integer) r.get("silent_replicas_back_with_a_copy")).as("seed %d: %s", SEED, r).isGreaterThan(40);
        assertThat((Integer) r.get("churn_departures")).as("seed %d", SEED).isGreaterThan(10_000);
        assertThat(r.get("resurrected_objects")).as("seed %d: %s", SEED, r).isEqualTo(0);
    }
}
