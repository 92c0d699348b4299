package dev.comet.sim;

import dev.comet.core.Environment;
import dev.comet.storage.InMemoryStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator lets go of what cancelled timers and the timers of departed hosts would have run: their closures
 * hold their nodes' whole state, and under churn they otherwise kept hundreds of departed nodes alive.
 */
class SimNetworkTest {
    @Test
    void cancelledTimersAndTheTimersOfDepartedHostsHoldNothing() {
        SimNetwork network = new SimNetwork(1, 0, 5, 20);
        List<SimNetwork.Host> hosts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            SimNetwork.Host h = network.newHost(new InMemoryStore(100, 1 << 20));
            h.schedule(3_600_000, () -> { });
            hosts.add(h);
        }
        assertThat(network.eventsHoldingTasks()).isEqualTo(100);

        Environment.Timer cancelled = hosts.get(99).schedule(3_600_000, () -> { });
        cancelled.cancel();
        assertThat(network.eventsHoldingTasks()).as("a cancelled timer").isEqualTo(100);

        // a sweep comes once 64 hosts (or a tenth of the network, if more) have gone since the last one
        for (int i = 0; i < 63; i++) {
            hosts.get(i).kill();
        }
        assertThat(network.eventsHoldingTasks()).as("63 gone, not swept yet").isEqualTo(100);
        hosts.get(63).kill();
        assertThat(network.eventsHoldingTasks()).as("64 gone: swept").isEqualTo(36);

        // nothing else changed: the live hosts' timers still run when their time comes
        int[] ran = {0};
        hosts.get(80).schedule(10, () -> ran[0]++);
        hosts.get(10).schedule(10, () -> ran[0]++); // a departed host's new timer never runs
        network.runUntil(network.now() + 20);
        assertThat(ran[0]).isEqualTo(1);
    }
}
