package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.routing.Contact;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bep5Handlers, through Node: the answers to ping, find_node, get_peers and announce_peer, and write tokens. */
class Bep5HandlersTest {
    private final NodeUnderTest n = NodeUnderTest.withDefaults();
    private final Peer a = new Peer(NodeId.ofKey("peer a"), 10);
    private final Peer b = new Peer(NodeId.ofKey("peer b"), 11);
    private final Peer asker = new Peer(NodeId.ofKey("asker"), 12);
    private final NodeId infoHash = NodeId.ofKey("a torrent");

    private Dict getPeers(Peer from) {
        return n.askOk(from, "get_peers", from.args().put("info_hash", infoHash).build());
    }

    private Dict.Builder announce(Peer from, byte[] token) {
        return from.args().put("info_hash", infoHash).put("token", token);
    }

    private List<InetSocketAddress> peersIn(Dict reply) {
        if (!reply.has("values")) {
            return List.of();
        }
        return reply.list("values").stream().map(v -> CompactInfo.peer((byte[]) v)).toList();
    }

    @Test
    void pingAnswersWithOurId() {
        assertThat(n.askOk(a, "ping", a.args().build()).id("id")).isEqualTo(n.id());
    }

    @Test
    void findNodeReturnsTheKnownContactsThatAnsweredUs() {
        n.learn(a);
        n.learn(b);
        Peer onlyQueried = new Peer(NodeId.ofKey("only queried"), 13);
        n.askOk(onlyQueried, "ping", onlyQueried.args().build());

        Dict reply = n.askOk(asker, "find_node", asker.args().put("target", NodeId.ofKey("anywhere")).build());

        assertThat(reply.id("id")).isEqualTo(n.id());
        assertThat(CompactInfo.nodes(reply.bytes("nodes"))).containsExactlyInAnyOrder(a.contact(), b.contact());
    }

    @Test
    void findNodeReturnsTheClosestKnownContactsFirst() {
        NodeId target = NodeId.ofKey("target");
        for (int i = 0; i < 6; i++) {
            n.learn(new Peer(NodeId.ofKey("peer " + i), 20 + i));
        }

        List<Contact> nodes = CompactInfo.nodes(n.askOk(asker, "find_node",
                asker.args().put("target", target).build()).bytes("nodes"));

        assertThat(nodes).hasSize(6).isSortedAccordingTo((x, y) -> target.compareDistance(x.id(), y.id()));
    }

    @Test
    void ipv6ContactsAreNamedUnderNodes6AndWantChoosesTheFamilies() {
        Peer v6 = new Peer(NodeId.ofKey("peer v6"), new InetSocketAddress("2001:db8::6", 6881));
        n.learn(a);
        n.learn(v6);
        Dict.Builder findNode = asker.args().put("target", NodeId.ofKey("anywhere"));

        Dict both = n.askOk(asker, "find_node", findNode.build());
        assertThat(CompactInfo.nodes(both.bytes("nodes"))).containsExactly(a.contact());
        assertThat(CompactInfo.nodes6(both.bytes("nodes6"))).containsExactly(v6.contact());

        Dict onlyV4 = n.askOk(asker, "find_node", findNode.put("want", List.of("n4".getBytes())).build());
        assertThat(onlyV4.has("nodes6")).isFalse();
        Dict onlyV6 = n.askOk(asker, "get_peers", asker.args().put("info_hash", infoHash)
                .put("want", List.of("n6".getBytes())).build());
        assertThat(onlyV6.has("nodes")).isFalse();
        assertThat(CompactInfo.nodes6(onlyV6.bytes("nodes6"))).containsExactly(v6.contact());
    }

    @Test
    void anIpv6PeerAnnouncesAndIsReturnedIn18Bytes() {
        Peer v6 = new Peer(NodeId.ofKey("peer v6"), new InetSocketAddress("2001:db8::6", 51413));
        n.askOk(v6, "announce_peer", announce(v6, n.tokenFor(v6, infoHash)).put("implied_port", 1L).build());

        Dict reply = getPeers(asker);
        assertThat(reply.list("values")).singleElement().satisfies(v -> assertThat((byte[]) v).hasSize(18));
        assertThat(peersIn(reply)).containsExactly(v6.address);
    }

    @Test
    void getPeersReturnsAWriteTokenAndNoValuesWhenNobodyAnnounced() {
        Dict reply = getPeers(a);

        assertThat(reply.bytes("token")).hasSize(8);
        assertThat(reply.has("nodes")).isTrue();
        assertThat(reply.has("values")).isFalse();
    }

    @Test
    void announcePeerWithAGoodTokenStoresThePeerForLaterGetPeers() {
        byte[] token = getPeers(a).bytes("token");

        assertThat(n.askOk(a, "announce_peer", announce(a, token).put("port", 51413L).build()).id("id")).isEqualTo(n.id());

        assertThat(peersIn(getPeers(asker))).containsExactly(new InetSocketAddress(a.address.getAddress(), 51413));
    }

    @Test
    void announcePeerWithImpliedPortStoresTheSourcePort() {
        byte[] token = getPeers(a).bytes("token");

        n.askOk(a, "announce_peer", announce(a, token).put("port", 1L).put("implied_port", 1L).build());

        assertThat(peersIn(getPeers(asker))).containsExactly(a.address);
    }

    @Test
    void announcePeerWithABadTokenGets203AndStoresNothing() {
        byte[] token = getPeers(a).bytes("token").clone();
        token[0] ^= 1;

        assertThat(n.askError(a, "announce_peer", announce(a, token).put("port", 51413L).build())).isEqualTo(203);
        assertThat(peersIn(getPeers(asker))).isEmpty();
    }

    @Test
    void aTokenGivenToOneAddressIsRefusedFromAnother() {
        byte[] tokenOfA = getPeers(a).bytes("token");

        assertThat(n.askError(b, "announce_peer", announce(b, tokenOfA).put("port", 51413L).build())).isEqualTo(203);
        assertThat(peersIn(getPeers(asker))).isEmpty();
    }

    @Test
    void aTokenOutlivesOneRotationButNotTwo() {
        n.started();
        long rotation = n.node.config().tokenRotationMillis();
        byte[] token = getPeers(a).bytes("token");

        n.env.advance(rotation);
        assertThat(n.askOk(a, "announce_peer", announce(a, token).put("port", 1000L).build()).id("id")).isEqualTo(n.id());

        n.env.advance(rotation);
        assertThat(n.askError(a, "announce_peer", announce(a, token).put("port", 1001L).build())).isEqualTo(203);
    }

    @Test
    void announcePeerRefusesAPortOutOfRange() {
        byte[] token = getPeers(a).bytes("token");

        assertThat(n.askError(a, "announce_peer", announce(a, token).put("port", 0L).build())).isEqualTo(203);
        assertThat(n.askError(a, "announce_peer", announce(a, token).put("port", 65536L).build())).isEqualTo(203);
        assertThat(peersIn(getPeers(asker))).isEmpty();
        n.askOk(a, "announce_peer", announce(a, token).put("port", 65535L).build());
        n.askOk(a, "announce_peer", announce(a, token).put("port", 1L).build());
        assertThat(peersIn(getPeers(asker))).extracting(InetSocketAddress::getPort).containsExactlyInAnyOrder(1, 65535);
    }
}
