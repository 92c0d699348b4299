package dev.comet.runtime;

import dev.comet.bencode.Bencode;
import dev.comet.core.NodeConfig;
import dev.comet.core.NodeStats;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad datagrams sent to a live node over UDP: each is answered with an error or dropped, and the node keeps serving. */
class HostileInputTest {
    private static NioEventLoopGroup group;
    private static UdpNode node;
    private static BlockingKrpcClient probe;

    @BeforeAll
    static void start() throws Exception {
        group = new NioEventLoopGroup(1);
        node = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), NodeConfig.defaults(), List.of(), null);
        node.ready().get(5, TimeUnit.SECONDS);
        probe = new BlockingKrpcClient();
    }

    @AfterAll
    static void stop() {
        probe.close();
        node.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void randomDatagramsAreDroppedAndTheNodeKeepsAnswering() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[random.nextInt(1500)];
            random.nextBytes(junk);
            probe.send(node.address(), junk);
        }
        assertStillServing();
    }

    @Test
    void truncatedBencodeOfAValidQueryIsDropped() throws Exception {
        byte[] ping = ping("aa");
        for (int cut = 1; cut < ping.length; cut++) {
            byte[] truncated = new byte[cut];
            System.arraycopy(ping, 0, truncated, 0, cut);
            probe.send(node.address(), truncated);
        }
        assertStillServing();
    }

    @Test
    void oversizedDatagramIsDroppedWithoutAnswer() throws Exception {
        byte[] big = new byte[NodeConfig.defaults().maxDatagramBytes() + 2000];
        byte[] prefix = "d1:ad2:id20:".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, big, 0, prefix.length);
        probe.send(node.address(), big);
        assertThat(probe.receive(300)).isEmpty();
        assertStillServing();
    }

    @Test
    void deeplyNestedBencodeIsDropped() throws Exception {
        String nested = "l".repeat(5000) + "e".repeat(5000);
        probe.send(node.address(), nested.getBytes(StandardCharsets.US_ASCII));
        assertThat(probe.receive(300)).isEmpty();
        assertStillServing();
    }

    @Test
    void unknownMethodGetsError204() throws Exception {
        Optional<KrpcMessage> answer = probe.query(node.address(), "frobnicate", Dict.builder().put("id", probe.id()).build());
        assertThat(answer).containsInstanceOf(KrpcError.class);
        assertThat(((KrpcError) answer.get()).code()).isEqualTo(204);
    }

    @Test
    void wrongTypesGetError203() throws Exception {
        // id is an integer instead of a 20-byte string
        Optional<KrpcMessage> answer = probe.query(node.address(), "ping", Dict.builder().put("id", 5L).build());
        assertThat(((KrpcError) answer.orElseThrow()).code()).isEqualTo(203);
        // id of the wrong length
        answer = probe.query(node.address(), "ping", Dict.builder().put("id", new byte[19]).build());
        assertThat(((KrpcError) answer.orElseThrow()).code()).isEqualTo(203);
        // find_node without target
        answer = probe.query(node.address(), "find_node", Dict.builder().put("id", probe.id()).build());
        assertThat(((KrpcError) answer.orElseThrow()).code()).isEqualTo(203);
        // a query whose 'a' is a list
        Map<String, Object> bad = new TreeMap<>(Map.of("t", bytes("xy"), "y", bytes("q"), "q", bytes("ping"), "a", List.of()));
        probe.send(node.address(), Bencode.encode(bad));
        KrpcMessage reply = probe.receive(2000).orElseThrow();
        assertThat(((KrpcError) reply).code()).isEqualTo(203);
        assertThat(reply.transactionId()).isEqualTo(bytes("xy"));
        assertStillServing();
    }

    @Test
    void announceWithABadTokenIsRefusedAndAGoodOneAccepted() throws Exception {
        NodeId infoHash = NodeId.ofKey("some torrent");
        Optional<KrpcMessage> bad = probe.query(node.address(), "announce_peer", Dict.builder().put("id", probe.id())
                .put("info_hash", infoHash).put("port", 6000L).put("token", bytes("forged!!")).build());
        assertThat(((KrpcError) bad.orElseThrow()).code()).isEqualTo(203);

        KrpcResponse peers = (KrpcResponse) probe.query(node.address(), "get_peers",
                Dict.builder().put("id", probe.id()).put("info_hash", infoHash).build()).orElseThrow();
        byte[] token = peers.values().bytes("token");
        assertThat(peers.values().has("values")).isFalse();
        KrpcMessage ok = probe.query(node.address(), "announce_peer", Dict.builder().put("id", probe.id())
                .put("info_hash", infoHash).put("port", 6000L).put("token", token).build()).orElseThrow();
        assertThat(ok).isInstanceOf(KrpcResponse.class);

        KrpcResponse after = (KrpcResponse) probe.query(node.address(), "get_peers",
                Dict.builder().put("id", probe.id()).put("info_hash", infoHash).build()).orElseThrow();
        assertThat(after.values().list("values")).hasSize(1);
    }

    @Test
    void unsolicitedResponsesAndErrorsAreIgnored() throws Exception {
        Map<String, Object> response = new TreeMap<>(Map.of("t", bytes("zz"), "y", bytes("r"),
                "r", new TreeMap<>(Map.of("id", new byte[20]))));
        probe.send(node.address(), Bencode.encode(response));
        Map<String, Object> error = new TreeMap<>(Map.of("t", bytes("zz"), "y", bytes("e"),
                "e", List.of(201L, bytes("boom"))));
        probe.send(node.address(), Bencode.encode(error));
        assertThat(probe.receive(300)).isEmpty();
        NodeStats stats = node.call(n -> n.stats()).get(5, TimeUnit.SECONDS);
        assertThat(stats.unsolicitedDropped()).isGreaterThanOrEqualTo(2);
        assertStillServing();
    }

    private static void assertStillServing() throws Exception {
        // drain whatever error replies are still queued, then ping
        while (probe.receive(100).isPresent()) {
            // discard
        }
        // a burst of junk may overflow the socket's receive buffer, and a ping sent into it is lost there, before the
        // node sees it: the node keeps answering when one of a few pings gets its answer
        Optional<KrpcMessage> answer = Optional.empty();
        for (int attempt = 0; attempt < 5 && answer.isEmpty(); attempt++) {
            answer = probe.ping(node.address());
        }
        KrpcMessage pong = answer.orElseThrow(() -> new AssertionError("node stopped answering: 5 pings unanswered"));
        assertThat(pong).isInstanceOf(KrpcResponse.class);
        assertThat(((KrpcResponse) pong).values().id("id")).isEqualTo(node.id());
        assertThat(node.call(n -> n.stats().internalErrors()).get(5, TimeUnit.SECONDS)).isZero();
    }

    private static byte[] ping(String tid) {
        return BlockingKrpcClient.CODEC.encode(new dev.comet.krpc.KrpcQuery(bytes(tid), "ping",
                Dict.builder().put("id", NodeId.ofKey("x")).build(), null));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
