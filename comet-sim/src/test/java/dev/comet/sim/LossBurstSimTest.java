package dev.comet.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #14, loss bursts: on 200 nodes, 30 virtual minutes of Gilbert-Elliott loss (1 % between bursts, 90 % in a
 * burst, bursts of 20 s on average every 60 s) while 20 objects and 20 items are put (each sent up to three times)
 * and each acknowledged one is read at once. Every put and get calls back, with success or a failure it names; after
 * the bursts and 70 minutes more (one republish interval, 1 h ± 10 %) every acknowledged record is read from 10
 * random nodes, and no node is left with an empty routing table.
 */
class LossBurstSimTest {
    /** 1 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(1);
    private static final long SEED = SIM_SEED.seed();

    @Test
    void putsAndGetsThroughBurstsCallBackAndEveryAcknowledgedRecordIsReadableAfterThem() {
        LossBursts model = new LossBursts(0.01, 0.9, 60_000, 20_000);
        Map<String, Object> r = new LossBurstWorkload(new Simulation(SimConfig.of(200, 0, SEED)), 4 * 3600)
                .run(20, model, 30 * 60_000, 70 * 60_000);
        System.out.println("loss bursts: " + r);
        assertThat((Long) r.get("bursts")).as("seed %d: %s", SEED, r).isGreaterThanOrEqualTo(10L);
        assertThat((Long) r.get("datagrams_lost_to_bursts")).as("seed %d", SEED).isGreaterThan(1_000L);
        assertThat(r.get("every_callback_fired")).as("seed %d: %s", SEED, r).isEqualTo(true);
        assertThat((Integer) r.get("puts_acknowledged") + (Integer) r.get("puts_failed"))
                .as("every put acknowledged or failed, seed %d: %s", SEED, r).isEqualTo(40);
        assertThat((Integer) r.get("puts_acknowledged")).as("seed %d: %s", SEED, r).isGreaterThanOrEqualTo(30);
        assertThat(r.get("gets_during_bursts")).as("seed %d: %s", SEED, r).isEqualTo(r.get("puts_acknowledged"));
        assertThat(r.get("after_reads_found")).as("seed %d: %s", SEED, r).isEqualTo(r.get("after_reads"));
        assertThat(r.get("after_reads_unanswered")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat(r.get("nodes_with_empty_routing_table")).as("seed %d: %s", SEED, r).isEqualTo(0);
        assertThat(r.get("callbacks_owed")).as("seed %d", SEED).isEqualTo(0);
    }
}
