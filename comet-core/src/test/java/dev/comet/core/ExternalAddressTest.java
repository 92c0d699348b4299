package dev.comet.core;

import dev.comet.id.Bep42;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's public address from its peers' BEP 42 ip fields: three voters must agree, one voter never decides. */
class ExternalAddressTest {
    private static InetSocketAddress at(String ip) {
        return new InetSocketAddress(ip, 6881);
    }

    @Test
    void threeVotersAgreeingNameTheAddress() {
        ExternalAddress external = new ExternalAddress();
        external.vote(at("198.51.100.1"), at("203.0.113.7"));
        external.vote(at("198.51.100.2"), at("203.0.113.7"));
        assertThat(external.address()).isEmpty();
        external.vote(at("198.51.100.3"), at("203.0.113.7"));
        assertThat(external.address()).contains(at("203.0.113.7").getAddress());
    }

    /** Only the last 16 voters count: the one silent longest gives way, and voting again makes a voter recent. */
    @Test
    void theVoterSilentLongestGivesWayToANewOne() {
        ExternalAddress external = new ExternalAddress();
        InetSocketAddress agreed = at("203.0.113.7");
        for (int i = 1; i <= 3; i++) {
            external.vote(at("198.51.100." + i), agreed);
        }
        for (int i = 4; i <= ExternalAddress.VOTERS; i++) {
            external.vote(at("198.51.100." + i), at("192.0.2." + i)); // each a vote of its own
        }
        assertThat(external.address()).contains(agreed.getAddress());
        for (int i = 1; i <= 3; i++) {
            external.vote(at("198.51.100." + i), agreed); // again: now the most recent three
        }
        for (int i = ExternalAddress.VOTERS + 1; i <= ExternalAddress.VOTERS + 13; i++) {
            external.vote(at("198.51.100." + i), at("192.0.2." + i)); // newcomers take the other voters' places
        }
        assertThat(external.address()).as("the three who voted again are still in").contains(agreed.getAddress());
        external.vote(at("198.51.100.100"), at("192.0.2.100"));
        assertThat(external.address()).as("one of the three gave way: two do not decide").isEmpty();
    }

    @Test
    void oneVoterRepeatingItselfDoesNotDecide() {
        ExternalAddress external = new ExternalAddress();
        for (int i = 0; i < 10; i++) {
            external.vote(new InetSocketAddress("198.51.100.1", 6000 + i), at("203.0.113.66"));
        }
        assertThat(external.address()).isEmpty();
    }

    @Test
    void aTieDecidesNothingAndTheMajorityWins() {
        ExternalAddress external = new ExternalAddress();
        for (int i = 1; i <= 3; i++) {
            external.vote(at("198.51.100." + i), at("203.0.113.7"));
            external.vote(at("192.0.2." + i), at("203.0.113.8"));
        }
        assertThat(external.address()).isEmpty();
        external.vote(at("198.51.100.4"), at("203.0.113.7"));
        assertThat(external.address()).contains(at("203.0.113.7").getAddress());
    }

    @Test
    void anUnboundIdIsReportedForAPublicAddressOnly() throws Exception {
        ExternalAddress external = new ExternalAddress();
        for (int i = 1; i <= 3; i++) {
            external.vote(at("198.51.100." + i), at("203.0.113.7"));
        }
        InetAddress address = InetAddress.getByName("203.0.113.7");
        NodeId bound = Bep42.idFor(address, new SplittableRandom(1));
        assertThat(external.unboundPublicAddress(bound)).isEmpty();
        assertThat(external.unboundPublicAddress(NodeId.ofKey("random"))).contains(address);
        ExternalAddress local = new ExternalAddress();
        for (int i = 1; i <= 3; i++) {
            local.vote(at("198.51.100." + i), at("192.168.1.20"));
        }
        assertThat(local.unboundPublicAddress(NodeId.ofKey("random"))).isEmpty();
    }
}
