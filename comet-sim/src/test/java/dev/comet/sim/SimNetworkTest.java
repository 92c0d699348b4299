package dev.comet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import dev.comet.storage.InMemoryStore;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event queues: a departed host's events are dropped from them and never run; everyone else's run in order. */
class SimNetworkTest {

    @Test
    void aDepartedHostsEventsAreDroppedAndTheOthersRunInOrder() {
        SimNetwork network = new SimNetwork(1, 0, 1, 1);
        SimNetwork.Host staying = network.newHost(new InMemoryStore(100, 1 << 20));
        List<SimNetwork.Host> leaving = new ArrayList<>();
        List<Long> ran = new ArrayList<>();
        int[] ranForDeparted = {0};
        for (int h = 0; h < 4; h++) {
            SimNetwork.Host host = network.newHost(new InMemoryStore(100, 1 << 20));
            leaving.add(host);
            for (int i = 0; i < 1000; i++) {
                host.schedule(1 + i % 50, () -> ranForDeparted[0]++);
            }
        }
        for (long t = 1; t <= 100; t++) {
            long at = t;
            staying.schedule(t, () -> ran.add(at));
            network.schedule(t, () -> ran.add(-at));
        }
        leaving.forEach(SimNetwork.Host::kill);
        network.runUntil(1_000);

        // a driver's event runs before the hosts' events of its millisecond, whatever the order they were queued in
        List<Long> expected = new ArrayList<>();
        for (long t = 1; t <= 100; t++) {
            expected.add(-t);
            expected.add(t);
        }
        assertThat(ran).isEqualTo(expected);
        assertThat(ranForDeparted[0]).isZero();
        // the 4,000 events of the departed hosts left the queue when they left, so only the 200 others were run
        assertThat(network.events()).isEqualTo(200);
    }

    @Test
    void departedHostsWithOneLongTimerEachLeaveTheQueueOnceTheyAreAThirtySecondOfTheLiveOnes() {
        // each departed host holds its whole node while an event of it waits: 65 of them (past the floor of 64, and
        // past a thirty-second of 1,000) with one timer each are few events (under an eighth of the queue) but many
        // nodes, so the 65th departure sweeps them
        SimNetwork network = new SimNetwork(1, 0, 1, 1);
        int[] ran = {0, 0};
        for (int h = 0; h < 1_000; h++) {
            network.newHost(new InMemoryStore(100, 1 << 20)).schedule(10_000, () -> ran[1]++);
        }
        List<SimNetwork.Host> leaving = new ArrayList<>();
        for (int h = 0; h < 65; h++) {
            SimNetwork.Host host = network.newHost(new InMemoryStore(100, 1 << 20));
            host.schedule(5_000, () -> ran[0]++);
            leaving.add(host);
        }
        leaving.forEach(SimNetwork.Host::kill);
        network.runUntil(20_000);

        assertThat(ran).containsExactly(0, 1_000);
        assertThat(network.events()).as("the departed hosts' timers left the queue unrun").isEqualTo(1_000);
    }

    @Test
    void aFewDepartedEventsWaitInTheQueueAndStillNeverRun() {
        SimNetwork network = new SimNetwork(1, 0, 1, 1);
        SimNetwork.Host leaving = network.newHost(new InMemoryStore(100, 1 << 20));
        SimNetwork.Host staying = network.newHost(new InMemoryStore(100, 1 << 20));
        int[] ran = {0, 0};
        for (int i = 0; i < 10; i++) {
            leaving.schedule(i, () -> ran[0]++);
            staying.schedule(i, () -> ran[1]++);
        }
        leaving.kill();
        network.runUntil(1_000);
        assertThat(ran).containsExactly(0, 10);
        assertThat(network.events()).isEqualTo(20);
    }

    @Test
    void everyHostHandsOutTheOneContactOfALiveNodeAndANewOneOtherwise() {
        SimNetwork network = new SimNetwork(1, 0, 1, 1);
        SimNetwork.Host asker = network.newHost(new InMemoryStore(100, 1 << 20));
        SimNetwork.Host named = network.newHost(new InMemoryStore(100, 1 << 20));
        NodeId id = NodeId.random(new java.util.Random(7));
        named.identify(id);
        // as a message decodes it: an equal id and an equal address, new objects
        InetSocketAddress decoded = new InetSocketAddress(named.address().getAddress(), named.address().getPort());
        Contact first = asker.contact(NodeId.fromBytes(id.toBytes(), 0), decoded);
        assertThat(first).isSameAs(asker.contact(id, named.address()));
        assertThat(first.address()).isSameAs(named.address());
        NodeId other = NodeId.random(new java.util.Random(8));
        assertThat(asker.contact(other, decoded)).as("another id there").isNotSameAs(first).isEqualTo(new Contact(other, decoded));
        named.kill();
        assertThat(asker.contact(id, decoded)).as("the node left").isNotSameAs(first).isEqualTo(first);
    }
}
