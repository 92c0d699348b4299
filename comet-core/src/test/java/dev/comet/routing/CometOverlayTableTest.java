package dev.comet.routing;

import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routing table's overlay (docs/architecture.md, "Comet inside Mainline"): Comet contacts keep a place of their
 * own when foreign Mainline contacts fill the main buckets, what asks for Comet nodes reads it, failures reach it,
 * and a table that holds a foreign contact says so.
 */
class CometOverlayTableTest {
    private final SplittableRandom random = new SplittableRandom(7);
    private final NodeConfig config = NodeConfig.defaults();
    private final NodeId self = NodeId.random(random);
    private int hosts;

    private Contact contact(int prefix) {
        NodeId id = self.randomWithSharedPrefix(prefix, random);
        int n = ++hosts;
        try {
            return new Contact(id, new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, (byte) (n >>> 8),
                    (byte) n}), 6881));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void cometContactsKeepAPlaceWhenForeignOnesFillTheMainBuckets() {
        RoutingTable table = new RoutingTable(self, config, 0);
        for (int i = 0; i < config.k() + 4; i++) {
            table.heardFrom(contact(0), true, false, 1); // the far bucket fills with foreign nodes first
        }
        Contact comet = contact(0);
        table.heardFrom(comet, true, true, 2);
        assertThat(table.bucket(0)).extracting(ContactEntry::contact).doesNotContain(comet);
        assertThat(table.closestAnsweringComet(comet.id(), 8, 3)).containsExactly(comet);
        assertThat(table.cometCount()).isEqualTo(1);
        assertThat(table.amongForeignNodes()).isTrue();
    }

    @Test
    void onlyCometContactsEnterTheOverlayAndAFailureReachesIt() {
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> comets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Contact c = contact(1 + i);
            comets.add(c);
            table.heardFrom(c, true, true, 1);
        }
        table.heardFrom(contact(5), true, false, 1);
        assertThat(table.cometCount()).isEqualTo(3);
        assertThat(table.closestAnsweringComet(self, 8, 2)).containsExactlyInAnyOrderElementsOf(comets);
        assertThat(table.closestResponsiveComet(self, 8, 2)).hasSize(3);
        table.failed(comets.get(0).id(), 3);
        assertThat(table.closestResponsiveComet(self, 8, 4)).doesNotContain(comets.get(0)).hasSize(2);
        for (int i = 1; i < config.maxFailures(); i++) {
            table.failed(comets.get(0).id(), 4 + i);
        }
        assertThat(table.closestAnsweringComet(self, 8, 10)).doesNotContain(comets.get(0));
    }

    @Test
    void anAllCometTableIsNotAmongForeignNodesAndItsOverlayHoldsWhatItHolds() {
        RoutingTable table = new RoutingTable(self, config, 0);
        for (int i = 0; i < 40; i++) {
            table.heardFrom(contact(random.nextInt(6)), true, true, i);
        }
        assertThat(table.amongForeignNodes()).isFalse();
        assertThat(table.cometCount()).isEqualTo(table.size());
        NodeId target = NodeId.random(random);
        assertThat(table.closestAnsweringComet(target, 8, 50)).isEqualTo(table.closestAnswering(target, 8, 50));
    }

    @Test
    void whileEveryContactSpeaksCometTheOverlayIsTheMainTableAndAnswersAsAnOwnOneWould() {
        // shared: a table that has heard only Comet contacts; own: one that heard a foreign contact first (so its
        // overlay has buckets of its own, empty then) and forgot it; then both get the same random Comet traffic
        long seed = random.nextLong();
        RoutingTable shared = new RoutingTable(self, config, 0);
        RoutingTable own = new RoutingTable(self, config, 0);
        Contact foreign = contact(3);
        own.heardFrom(foreign, true, false, 0);
        own.remove(foreign.id());
        assertThat(own.overlayHasOwnBuckets()).isTrue();
        SplittableRandom ops = new SplittableRandom(seed);
        List<Contact> known = new ArrayList<>();
        for (int step = 1; step <= 3_000; step++) {
            long now = step * 20_000L; // 20 s a step: contacts go questionable and bad along the way
            int op = ops.nextInt(10);
            Contact pingShared;
            Contact pingOwn;
            if (op < 6 || known.isEmpty()) {
                Contact c = known.isEmpty() || ops.nextInt(3) == 0 ? contact(ops.nextInt(8)) : known.get(ops.nextInt(known.size()));
                known.add(c);
                boolean responded = ops.nextBoolean();
                pingShared = shared.heardFrom(c, responded, true, now);
                pingOwn = own.heardFrom(c, responded, true, now);
            } else if (op < 9) {
                NodeId id = known.get(ops.nextInt(known.size())).id();
                pingShared = shared.failed(id, now);
                pingOwn = own.failed(id, now);
            } else {
                NodeId id = known.get(ops.nextInt(known.size())).id();
                shared.remove(id);
                own.remove(id);
                pingShared = null;
                pingOwn = null;
            }
            NodeId target = NodeId.random(ops);
            String at = "seed " + seed + ", step " + step;
            assertThat(pingShared).as(at).isEqualTo(pingOwn);
            assertThat(shared.closestAnsweringComet(target, 8, now)).as(at).isEqualTo(own.closestAnsweringComet(target, 8, now));
            assertThat(shared.closestResponsiveComet(target, 8, now)).as(at).isEqualTo(own.closestResponsiveComet(target, 8, now));
            assertThat(shared.cometCount()).as(at).isEqualTo(own.cometCount());
            assertThat(shared.wantsComet(target)).as(at).isEqualTo(own.wantsComet(target));
        }
        assertThat(shared.overlayHasOwnBuckets()).as("an all-Comet table copies nothing").isFalse();
        assertThat(shared.cometCount()).isPositive();
    }

    @Test
    void aForeignContactGivesTheOverlayItsOwnBucketsWithTheCometContactsHeardBefore() {
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> comets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            comets.add(contact(1 + i));
            table.heardFrom(comets.get(i), true, true, 1);
        }
        assertThat(table.overlayHasOwnBuckets()).isFalse();
        table.heardFrom(contact(2), true, false, 2);
        assertThat(table.overlayHasOwnBuckets()).isTrue();
        assertThat(table.size()).isEqualTo(6);
        assertThat(table.closestAnsweringComet(self, 8, 3)).containsExactlyInAnyOrderElementsOf(comets);
        table.remove(comets.get(0).id());
        assertThat(table.closestAnsweringComet(self, 8, 3)).hasSize(4).doesNotContain(comets.get(0));
    }

    @Test
    void aSecondHandCometContactIsWantedWhileItsOverlayBucketHasRoom() {
        RoutingTable table = new RoutingTable(self, config, 0);
        for (int i = 0; i < config.k() + 4; i++) {
            table.heardFrom(contact(0), true, false, 1);
        }
        Contact named = contact(0);
        assertThat(table.wants(named.id())).isFalse();
        assertThat(table.wantsComet(named.id())).isTrue();
    }
}
