package dev.comet.runtime;

import dev.comet.CometException;
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
import io.netty.channel.nio.NioEventLoopGroup;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A dual-stack host (BEP 32): a node in the IPv4 DHT on 127.0.0.1 and its partner in the IPv6 DHT on ::1, each with
 * its own routing table, naming the other family's contacts only when a query's {@code want} asks for them.
 */
class DualStackLoopbackTest {
    private static final int HOSTS = 5;
    private static final InetAddress V4 = InetAddress.getLoopbackAddress();
    private static final InetAddress V6 = address("::1");
    private static final List<UdpNode> IPV4 = new ArrayList<>();
    private static final List<UdpNode> IPV6 = new ArrayList<>();
    private static NioEventLoopGroup group;

    private static InetAddress address(String name) {
        try {
            return InetAddress.getByName(name);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeAll
    static void startHosts() throws Exception {
        group = new NioEventLoopGroup(2);
        NodeConfig config = NodeConfig.relaxed();
        for (int i = 0; i < HOSTS; i++) {
            List<InetSocketAddress> via4 = i == 0 ? List.of() : List.of(IPV4.get(0).address());
            List<InetSocketAddress> via6 = i == 0 ? List.of() : List.of(IPV6.get(0).address());
            UdpNode v4 = UdpNode.start(group, new InetSocketAddress(V4, 0), config, via4, null);
            IPV4.add(v4);
            IPV6.add(v4.startOtherFamily(new InetSocketAddress(V6, 0), via6, null, null));
        }
        for (List<UdpNode> family : List.of(IPV4, IPV6)) {
            for (UdpNode n : family) {
                n.ready().get(30, TimeUnit.SECONDS);
                Awaitility.await().atMost(30, TimeUnit.SECONDS).until(
                        () -> n.call(node -> node.routingTable().size()).get(5, TimeUnit.SECONDS) >= HOSTS - 1);
            }
        }
    }

    @AfterAll
    static void stopHosts() {
        IPV6.forEach(UdpNode::close);
        IPV4.forEach(UdpNode::close);
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static List<Contact> contactsOf(UdpNode n) throws Exception {
        return n.call(node -> node.routingTable().contacts(System.currentTimeMillis())).get(5, TimeUnit.SECONDS);
    }

    private static KrpcResponse findNode(BlockingKrpcClient client, UdpNode to, String... want) throws Exception {
        Dict.Builder args = Dict.builder().put("id", client.id()).put("target", NodeId.ofKey("anywhere"));
        if (want.length > 0) {
            List<Object> families = new ArrayList<>();
            for (String w : want) {
                families.add(w.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            args.put("want", families);
        }
        return (KrpcResponse) client.query(to.address(), "find_node", args.build()).orElseThrow();
    }

    @Test
    void eachFamilyKeepsATableOfItsOwn() throws Exception {
        for (int i = 0; i < HOSTS; i++) {
            assertThat(contactsOf(IPV4.get(i))).hasSize(HOSTS - 1)
                    .allSatisfy(c -> assertThat(c.address().getAddress()).isInstanceOf(Inet4Address.class));
            assertThat(contactsOf(IPV6.get(i))).hasSize(HOSTS - 1)
                    .allSatisfy(c -> assertThat(c.address().getAddress()).isInstanceOf(Inet6Address.class));
        }
    }

    @Test
    void aQueryThatWantsBothFamiliesGetsTheOtherTablesContactsUnderNodes6() throws Exception {
        List<InetSocketAddress> v6 = IPV6.stream().map(UdpNode::address).toList();
        List<InetSocketAddress> v4 = IPV4.stream().map(UdpNode::address).toList();
        try (BlockingKrpcClient client = new BlockingKrpcClient(V4)) {
            KrpcResponse both = findNode(client, IPV4.get(0), "n4", "n6");
            assertThat(CompactInfo.nodes(both.values().bytes("nodes"))).extracting(Contact::address)
                    .hasSize(HOSTS - 1).isSubsetOf(v4);
            assertThat(CompactInfo.nodes6(both.values().bytes("nodes6"))).extracting(Contact::address)
                    .hasSize(HOSTS - 1).isSubsetOf(v6);

            KrpcResponse plain = findNode(client, IPV4.get(0));
            assertThat(plain.values().has("nodes6")).as("no want: the query's own family only").isFalse();
            KrpcResponse onlySix = findNode(client, IPV4.get(0), "n6");
            assertThat(onlySix.values().has("nodes")).isFalse();
            assertThat(CompactInfo.nodes6(onlySix.values().bytes("nodes6"))).hasSize(HOSTS - 1);
        }
        try (BlockingKrpcClient client = new BlockingKrpcClient(V6)) {
            KrpcResponse fours = findNode(client, IPV6.get(2), "n4");
            assertThat(CompactInfo.nodes(fours.values().bytes("nodes"))).extracting(Contact::address)
                    .hasSize(HOSTS - 1).isSubsetOf(v4);
            assertThat(fours.values().has("nodes6")).isFalse();
        }
    }

    @Test
    void anItemPutInTheIpv6DhtIsReadThereAndNotInTheIpv4One() throws Exception {
        Item item = Item.immutable(Bencode.encode("dual stack"));
        WriteOutcome put = IPV6.get(1).putItem(item, -1).get(30, TimeUnit.SECONDS);
        assertThat(put.accepted()).hasSizeGreaterThanOrEqualTo(HOSTS - 1);
        ItemLookup got = IPV6.get(3).getItem(put.target(), null).get(30, TimeUnit.SECONDS);
        assertThat(got.item()).isPresent();
        ItemLookup other = IPV4.get(3).getItem(put.target(), null).get(30, TimeUnit.SECONDS);
        assertThat(other.item()).as("each family is a DHT of its own").isEmpty();
    }

    @Test
    void aPartnerOfTheSameFamilyIsRefused() {
        assertThatThrownBy(() -> IPV4.get(0).startOtherFamily(new InetSocketAddress(V4, 0), List.of(), null, null))
                .isInstanceOf(CometException.class).hasMessageContaining("both IPv4");
    }
}
