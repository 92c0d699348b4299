package dev.comet.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BEP 44 items on 1,000 simulated nodes under exponential churn (mean session 30 virtual minutes), issue #3.
 * Each failure names its seed.
 */
class ItemChurnTest {
    /** 1 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();

    @Test
    void itemsWithATwelveHourLifetimeAreStillReadableAfterSixHoursOfChurn() {
        SimConfig config = SimConfig.of(1000, 0, SEED).withChurn(1800);
        Map<String, Object> r = new Simulation(config).runItems(10, 12 * 3600, 6 * 3_600_000L);
        assertThat((int) r.get("items_acknowledged")).as("seed %d: %s", SEED, r).isEqualTo(10);
        assertThat((int) r.get("churn_departures")).as("seed %d", SEED).isGreaterThan(10_000);
        // every live node that has joined reads every item (readers that leave mid-read are not counted)
        assertThat((double) r.get("read_success_rate")).as("seed %d: %s", SEED, r).isEqualTo(1.0);
        assertThat((int) r.get("reads_unanswered")).as("seed %d: %s", SEED, r).isZero();
        assertThat((int) r.get("items_readable_everywhere")).as("seed %d: %s", SEED, r).isEqualTo(10);
    }

    @Test
    void withoutReplicationTheItemsDieOut() {
        SimConfig config = SimConfig.of(300, 0, SEED).withChurn(1800)
                .withNodeConfig(dev.comet.core.NodeConfig.defaults().withReplication(false));
        Map<String, Object> r = new Simulation(config).runItems(10, 12 * 3600, 6 * 3_600_000L);
        // measured at 1,000 nodes, seed 1: 0 of 9,940 reads found their item after 6 h
        assertThat((double) r.get("read_success_rate")).as("seed %d: %s", SEED, r).isLessThan(0.05);
    }

    @Test
    void itemsWithATwoHourLifetimeAreGoneEverywhereAfterIt() {
        SimConfig config = SimConfig.of(300, 0, SEED).withChurn(1800);
        Map<String, Object> r = new Simulation(config).runItems(10, 2 * 3600, 2 * 3_600_000L + 600_000);
        assertThat((int) r.get("items_acknowledged")).as("seed %d: %s", SEED, r).isEqualTo(10);
        // every live node tried every item (a reader that left during the reads is not counted), and none found one
        assertThat((int) r.get("reads_failed")).as("seed %d: %s", SEED, r).isGreaterThan((int) r.get("readers") * 9);
        assertThat((double) r.get("read_success_rate")).as("seed %d: %s", SEED, r).isZero();
    }
}
