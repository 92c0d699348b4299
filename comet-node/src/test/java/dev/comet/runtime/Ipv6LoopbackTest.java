package dev.comet.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.bencode.Bencode;
import dev.comet.core.ItemLookup;
import dev.comet.core.NodeConfig;
import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * BEP 32 on real UDP: a cluster of nodes bound to ::1 forms over IPv6, names its contacts under {@code nodes6}, and
 * carries an item's put and get from one node to another.
 */
class Ipv6LoopbackTest {
    private static final InetAddress V6_LOOPBACK = loopback6();
    private static LocalCluster cluster;

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(6, 0, NodeConfig.defaults(), null, V6_LOOPBACK);
        cluster.awaitFormed(30_000);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theNodesFormOverIpv6() throws Exception {
        for (UdpNode node : cluster.nodes()) {
            assertThat(node.address().getAddress()).isInstanceOf(Inet6Address.class);
            List<Contact> known = node.call(n -> n.routingTable().contacts(System.currentTimeMillis())).get(5, TimeUnit.SECONDS);
            assertThat(known).hasSizeGreaterThanOrEqualTo(5)
                    .allSatisfy(c -> assertThat(c.address().getAddress()).isInstanceOf(Inet6Address.class));
        }
    }

    @Test
    void findNodeOverIpv6NamesTheContactsUnderNodes6() throws Exception {
        try (BlockingKrpcClient client = new BlockingKrpcClient(V6_LOOPBACK)) {
            KrpcResponse r = (KrpcResponse) client.query(cluster.nodes().get(0).address(), "find_node",
                    Dict.builder().put("id", client.id()).put("target", NodeId.ofKey("anywhere")).build()).orElseThrow();
            assertThat(r.values().bytes("nodes")).isEmpty();
            List<Contact> named = CompactInfo.nodes6(r.values().bytes("nodes6"));
            assertThat(named).hasSizeGreaterThanOrEqualTo(5);
            assertThat(named).extracting(Contact::address)
                    .isSubsetOf(cluster.nodes().stream().map(UdpNode::address).toList());
            assertThat(r.observedAddress().getAddress()).isEqualTo(V6_LOOPBACK);
        }
    }

    @Test
    void anItemPutOnOneNodeIsReadFromAnother() throws Exception {
        Item item = Item.immutable(Bencode.encode("over IPv6"));
        WriteOutcome put = cluster.nodes().get(1).putItem(item, -1).get(30, TimeUnit.SECONDS);
        assertThat(put.accepted()).hasSizeGreaterThanOrEqualTo(5);
        ItemLookup got = cluster.nodes().get(4).getItem(put.target(), null).get(30, TimeUnit.SECONDS);
        assertThat(got.item()).isPresent();
        assertThat(got.item().get().value()).isEqualTo(item.value());
    }
}
