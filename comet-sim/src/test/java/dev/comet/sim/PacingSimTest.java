package dev.comet.sim;

import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.guard.GuardConfig;
import dev.comet.guard.GuardStats;
import dev.comet.id.NodeId;
import dev.comet.storage.InMemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A busy node keeps its own queries inside its peers' guards (docs/abuse.md, "Pacing"), on virtual time with the
 * default settings everywhere: a node that asks one peer far more than a stranger's allowance, as a gateway's node
 * does, is paced to the peer allowance and is never dropped or banned by the peer; what it cannot send within a
 * request timeout fails at once, on its side. Before pacing the peer dropped such a node's queries, then banned it
 * for five minutes. The same seed gives the same numbers.
 */
class PacingSimTest {
    @RegisterExtension
    static final SimSeed SEEDS = new SimSeed(1);
    private static final long SEED = SEEDS.seed();

    /** What the busy node saw, and what its peer's guard did. */
    record Outcome(int asked, int answered, int failed, GuardStats busy, GuardStats peer) {
    }

    /** Two nodes that know each other; the first asks the second {@code perSecond} pings a second for {@code seconds}. */
    private static Outcome run(long seed, int perSecond, int seconds) {
        SimNetwork network = new SimNetwork(seed, 0, 10, 30);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SimNetwork.Host host = network.newHost(new InMemoryStore(10_000, 1 << 24));
            Node node = new Node(NodeId.random(network.random()), host.address(), NodeConfig.defaults(), host);
            host.bind(node::onDatagram);
            node.start(nodes.isEmpty() ? List.of() : List.of(nodes.get(0).self().address()));
            nodes.add(node);
        }
        network.runUntil(60_000);
        Node busy = nodes.get(0);
        Node peer = nodes.get(1);
        int[] answered = {0};
        int[] failed = {0};
        long start = network.now();
        int asked = perSecond * seconds;
        for (int i = 0; i < asked; i++) {
            network.schedule(i * 1000L / perSecond, () -> busy.ping(peer.self().address(), contact -> {
                if (contact != null) {
                    answered[0]++;
                } else {
                    failed[0]++;
                }
            }));
        }
        network.runUntil(start + seconds * 1000L + 30_000);
        return new Outcome(asked, answered[0], failed[0], busy.stats().guard(), peer.stats().guard());
    }

    @Test
    void aNodeAskingItsPeerAtTwiceThePeerAllowanceIsPacedNeverDroppedNorBanned() {
        GuardConfig guard = GuardConfig.defaults();
        Outcome o = run(SEED, 2 * guard.peerQueriesPerSecond(), 20);
        System.out.printf("PacingSimTest seed %d: %d pings in 20 s, %d answered, %d failed on the busy side;"
                + " busy %s; peer %s%n", SEED, o.asked(), o.answered(), o.failed(), o.busy(), o.peer());
        assertThat(o.peer().throttledBySource()).as("seed %d: the peer dropped none", SEED).isZero();
        assertThat(o.peer().floodBans()).as("seed %d: nor banned the busy node", SEED).isZero();
        assertThat(o.answered() + o.failed()).as("seed %d: every ping heard its fate", SEED).isEqualTo(o.asked());
        assertThat(o.busy().queriesDelayed()).as("seed %d", SEED).isPositive();
        assertThat(o.failed()).as("seed %d: what did not fit failed on the busy side", SEED)
                .isEqualTo(o.busy().queriesRefused());
        // the peer allowance, less the share the pacer leaves free: 0.8 × (1,000 at once + 500 a second × 20 s)
        assertThat(o.answered()).as("seed %d: about the peer allowance went through", SEED)
                .isBetween((int) (0.75 * (guard.peerQueryBurst() + 20 * guard.peerQueriesPerSecond())),
                        guard.peerQueryBurst() + 20 * guard.peerQueriesPerSecond());
    }

    @Test
    void aNodeAskingAPeerAtTenTimesAStrangersAllowanceIsAnsweredEveryTime() {
        GuardConfig guard = GuardConfig.defaults();
        // ten times a stranger's rate: the two know each other as Comet peers after their first exchange
        Outcome o = run(SEED, 10 * guard.queriesPerSecond(), 10);
        System.out.printf("PacingSimTest seed %d: %d pings in 10 s, %d answered; busy %s; peer %s%n", SEED,
                o.asked(), o.answered(), o.busy(), o.peer());
        assertThat(o.peer().throttledBySource()).as("seed %d", SEED).isZero();
        assertThat(o.answered()).as("seed %d: all answered", SEED).isEqualTo(o.asked());
    }

    @Test
    void theSameSeedGivesTheSamePacing() {
        assertThat(run(SEED, 1_000, 5)).isEqualTo(run(SEED, 1_000, 5));
    }
}
