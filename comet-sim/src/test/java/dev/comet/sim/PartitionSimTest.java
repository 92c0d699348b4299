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
 * half again, and every record, put before the split or in either half during it, is read from both former halves:
 * nodes ask their bad entries whether they are back, and look their own id up through one that is, so the halves'
 * neighbourhoods merge and their holders hand each other the records (docs/architecture.md, "Faults").
 */
class PartitionSimTest {
    /** 1 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();

    /**
     * The run on {@code config}: 20 objects and 20 items put, a 30-minute split with 5 of each put in each
     * half, reads 70 minutes after the heal; 4 virtual hours at most.
     */
    static Map<String, Object> run(SimConfig config) {
        return new PartitionWorkload(new Simulation(config), 4 * 3600).run(20, 5, 30 * 60_000, 70 * 60_000);
    }

    @Test
    void bothHalvesServeThroughTheSplitAndTheirRecordsStayReadableAfterItHeals() {
        Map<String, Object> r = run(SimConfig.of(200, 0, SEED));
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
                "put_in_a_from_half_a_", "put_in_b_from_half_b_", "put_in_a_from_half_b_", "put_in_b_from_half_a_"}) {
            assertThat((Integer) r.get(p + "reads")).as("seed %d: %s", SEED, r).isGreaterThan(0);
            assertThat(r.get(p + "reads_found")).as("%s, seed %d: %s", p, SEED, r).isEqualTo(r.get(p + "reads"));
            assertThat(r.get(p + "reads_unanswered")).as("%s, seed %d: %s", p, SEED, r).isEqualTo(0);
        }
        assertThat(r.get("callbacks_owed")).as("seed %d", SEED).isEqualTo(0);
    }
}
