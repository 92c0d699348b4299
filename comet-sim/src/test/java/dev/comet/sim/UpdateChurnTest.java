package dev.comet.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #11, guarded updates under churn: on 1,000 nodes (mean session 30 virtual minutes), 50 signed objects are
 * each appended to 100 times by their owner and two writers at once, every append guarded by the version its writer
 * last saw. Afterwards every live node holding an object holds the same version with the same bytes, and no
 * acknowledged append is missing from them.
 */
class UpdateChurnTest {
    /** 1 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();

    @Test
    void everyHolderEndsWithTheSameVersionHoldingEveryAcknowledgedAppend() {
        SimConfig config = SimConfig.of(1000, 0, SEED).withChurn(1800);
        Map<String, Object> r = new UpdateWorkload(new Simulation(config)).run(50, 100);
        System.out.println("guarded updates under churn: " + r);
        assertThat(r.get("puts_acknowledged")).as("seed %d: %s", SEED, r).isEqualTo(50);
        assertThat(r.get("writers_unfinished")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat(r.get("appends_acknowledged")).as("seed %d: %s", SEED, r).isEqualTo(5000);
        assertThat((Integer) r.get("churn_departures")).as("seed %d", SEED).isGreaterThan(100);
        assertThat(r.get("acknowledged_appends_lost")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat(r.get("objects_with_diverging_holders")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat(r.get("holders_behind_newest")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat(r.get("holders_without_their_version_record")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat(r.get("reads_unfinished")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat((Integer) r.get("read_answers")).as("seed %d: %s", SEED, r).isGreaterThanOrEqualTo(50 * 3);
        assertThat(r.get("read_objects_with_disagreeing_answers")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat(r.get("read_acknowledged_appends_missing")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat((Integer) r.get("appends_doubled")).as("seed %d: %s", SEED, r)
                .isLessThanOrEqualTo((Integer) r.get("appends_ambiguous"));
    }
}
