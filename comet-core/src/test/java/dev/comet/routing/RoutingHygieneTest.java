package dev.comet.routing;

import dev.comet.core.NodeConfig;
import dev.comet.guard.GuardConfig;
import dev.comet.id.Bep42;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One contact per IP, loopback ports apart when configured, an IP's second node waiting for the first to go bad, and a
 * bad contact that comes back (a node restarted on its id and port) pinged and taken back; which contacts count as
 * alive.
 */
class RoutingHygieneTest {
    private static final NodeId SELF = NodeId.ofKey("self");

    private static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Contact contact(String name, InetSocketAddress address) {
        return new Contact(NodeId.ofKey(name), address);
    }

    @Test
    void aSecondNodeOfTheSameIpDoesNotEnterTheTableWhileTheFirstIsHealthy() {
        NodeConfig config = NodeConfig.defaults();
        RoutingTable table = new RoutingTable(SELF, config, 0);
        Contact first = contact("first", at("10.0.0.1", 6881));
        Contact second = contact("second", at("10.0.0.1", 6882));
        table.heardFrom(first, true, true, 0);
        table.heardFrom(second, true, true, 1);

        assertThat(table.entry(first.id())).isNotNull();
        assertThat(table.entry(second.id())).isNull();
        assertThat(table.size()).isEqualTo(1);

        // once the first has gone bad, the second may take the IP's place
        for (int i = 0; i < config.maxFailures(); i++) {
            table.failed(first.id(), 2);
        }
        table.heardFrom(second, true, true, 3);
        assertThat(table.entry(second.id())).isNotNull();
        assertThat(table.entry(first.id())).isNull();
    }

    @Test
    void aContactIsResponsiveWhileItsLastQueryDidNotFail() {
        RoutingTable table = new RoutingTable(SELF, NodeConfig.defaults(), 0);
        Contact answered = contact("answered", at("10.0.0.1", 6881));
        Contact onlyQueried = contact("only queried", at("10.0.0.2", 6881));
        table.heardFrom(answered, true, true, 0);
        table.heardFrom(onlyQueried, false, true, 0);
        assertThat(table.closestResponsive(SELF, 8, 1)).containsExactly(answered);

        // one failure is not yet bad, but no longer responsive; its next answer makes it responsive again
        table.failed(answered.id(), 2);
        assertThat(table.closestAnswering(SELF, 8, 2)).contains(answered);
        assertThat(table.closestResponsive(SELF, 8, 2)).isEmpty();
        table.heardFrom(answered, true, true, 3);
        assertThat(table.closestResponsive(SELF, 8, 3)).containsExactly(answered);
    }

    @Test
    void withTheRuleOffOneIpMayHoldManyContacts() {
        NodeConfig config = NodeConfig.defaults().withGuard(GuardConfig.defaults().withOneContactPerIp(false));
        RoutingTable table = new RoutingTable(SELF, config, 0);
        for (int port = 1; port <= 5; port++) {
            table.heardFrom(contact("n" + port, at("10.0.0.1", port)), true, true, 0);
        }
        assertThat(table.size()).isEqualTo(5);
    }

    @Test
    void onLoopbackEachPortIsItsOwnSourceUnlessConfiguredOtherwise() {
        RoutingTable cluster = new RoutingTable(SELF, NodeConfig.defaults(), 0);
        RoutingTable strict = new RoutingTable(SELF,
                NodeConfig.defaults().withGuard(GuardConfig.defaults().withLoopbackPerPort(false)), 0);
        for (int port = 1; port <= 5; port++) {
            cluster.heardFrom(contact("n" + port, at("127.0.0.1", port)), true, true, 0);
            strict.heardFrom(contact("n" + port, at("127.0.0.1", port)), true, true, 0);
        }
        assertThat(cluster.size()).isEqualTo(5);
        assertThat(strict.size()).isEqualTo(1);
    }

    @Test
    void withBep42ForTheTableOnlyIdsBoundToTheirAddressEnterItAndLocalAddressesAreExempt() {
        RoutingTable table = new RoutingTable(SELF,
                NodeConfig.defaults().withGuard(GuardConfig.defaults().withBep42RoutingTable(true)), 0);
        RoutingTable lax = new RoutingTable(SELF, NodeConfig.defaults(), 0);
        InetSocketAddress publicAddress = at("124.31.75.21", 6881);
        Contact chosen = contact("an id chosen next to a key", publicAddress);
        Contact bound = new Contact(Bep42.idFor(publicAddress.getAddress(), new java.util.Random(1)),
                at("124.31.75.21", 6882));
        Contact local = contact("a node on a private network", at("10.0.0.1", 6881));
        for (RoutingTable t : new RoutingTable[] {table, lax}) {
            // answered, so verified: only the id's binding differs
            t.heardFrom(chosen, true, true, 0);
            t.heardFrom(local, true, true, 0);
        }
        table.heardFrom(bound, true, true, 1);

        assertThat(Bep42.valid(chosen.id(), publicAddress.getAddress())).isFalse();
        assertThat(table.entry(chosen.id())).as("an unbound id on a public address").isNull();
        assertThat(table.cometEntry(chosen.id())).as("nor in the Comet overlay").isNull();
        assertThat(table.entry(bound.id())).as("a bound id").isNotNull();
        assertThat(table.entry(local.id())).as("a private address is exempt").isNotNull();
        assertThat(lax.entry(chosen.id())).as("by default, as libtorrent, the table takes it").isNotNull();
    }

    @Test
    void idAtNamesTheContactAtExactlyThatAddress() {
        RoutingTable table = new RoutingTable(SELF, NodeConfig.defaults(), 0);
        Contact first = contact("first", at("10.0.0.1", 6881));
        table.heardFrom(first, true, true, 0);
        assertThat(table.idAt(first.address())).isEqualTo(first.id());
        assertThat(table.idAt(at("10.0.0.1", 6882))).isNull();
    }

    @Test
    void aBadContactThatQueriesAgainIsPingedOnceAndItsAnswerMakesItGoodAgain() {
        NodeConfig config = NodeConfig.defaults();
        RoutingTable table = new RoutingTable(SELF, config, 0);
        Contact node = contact("restarted", at("10.0.0.7", 6881));
        table.heardFrom(node, true, true, 0);
        for (int i = 0; i < config.maxFailures(); i++) {
            table.failed(node.id(), 1); // killed: its requests time out; no replacement waits, so it stays, bad
        }
        assertThat(table.liveness(table.entry(node.id()), 2)).isEqualTo(RoutingTable.Liveness.BAD);
        assertThat(table.closest(node.id(), 8, 2)).isEmpty();

        // restarted, it queries us: a query proves nothing (it may be spoofed), so the table asks for a ping, once
        assertThat(table.heardFrom(node, false, true, 3)).isEqualTo(node);
        assertThat(table.heardFrom(node, false, true, 4)).as("the ping is in flight").isNull();
        assertThat(table.liveness(table.entry(node.id()), 4)).isEqualTo(RoutingTable.Liveness.BAD);

        // its answer makes it good again, and lookups use it
        table.heardFrom(node, true, true, 5);
        assertThat(table.liveness(table.entry(node.id()), 5)).isEqualTo(RoutingTable.Liveness.GOOD);
        assertThat(table.closest(node.id(), 8, 5)).containsExactly(node);

        // a healthy contact's queries ask for no ping
        assertThat(table.heardFrom(node, false, true, 6)).isNull();
    }
}
