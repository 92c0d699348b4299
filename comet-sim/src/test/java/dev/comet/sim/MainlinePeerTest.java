package dev.comet.sim;

import dev.comet.bencode.Bencode;
import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.storage.InMemoryStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's foreign Mainline node answers as libtorrent does (docs/protocol.md §8 and the interop notes): it
 * signs {@code LT}, refuses Comet methods with 203, takes an unknown method with a {@code target} for find_node,
 * ignores {@code cm}, and stops answering an address that floods it.
 */
class MainlinePeerTest {
    private SimNetwork network;
    private SimNetwork.Host foreign;
    private SimNetwork.Host probe;
    private final List<Map<?, ?>> answers = new ArrayList<>();
    private final NodeId probeId = NodeId.ofKey("probe");

    @BeforeEach
    void start() {
        network = new SimNetwork(5, 0, 1, 1);
        foreign = network.newHost(new InMemoryStore(10_000, 1 << 20));
        MainlinePeer peer = new MainlinePeer(foreign);
        Node node = new Node(NodeId.ofKey("foreign"), foreign.address(), NodeConfig.defaults(), peer);
        peer.bind(node::onDatagram);
        node.start(List.of());
        probe = network.newHost(new InMemoryStore(10, 1 << 10));
        probe.bind((from, datagram) -> {
            Map<?, ?> message = (Map<?, ?>) Bencode.decode(datagram);
            if (!"q".equals(new String((byte[]) message.get("y"), StandardCharsets.US_ASCII))) {
                answers.add(message); // the node's own queries (it pings a newcomer) are not answers
            }
        });
    }

    private Map<?, ?> ask(String method, Map<String, Object> args) {
        Map<String, Object> a = new TreeMap<>(args);
        a.put("id", probeId.toBytes());
        Map<String, Object> query = new TreeMap<>();
        query.put("t", bytes("aa"));
        query.put("y", bytes("q"));
        query.put("q", bytes(method));
        query.put("a", a);
        query.put("v", new byte[] {'C', 'M', 0, 1});
        int before = answers.size();
        probe.send(foreign.address(), Bencode.encode(query));
        network.runUntil(network.now() + 1_000);
        return answers.size() > before ? answers.get(answers.size() - 1) : null;
    }

    @Test
    void cometMethodsGet203AndEveryAnswerIsSignedLT() {
        Map<?, ?> error = ask("comet_get", Map.of("k", NodeId.ofKey("object").toBytes()));
        assertThat(new String((byte[]) error.get("y"), StandardCharsets.US_ASCII)).isEqualTo("e");
        assertThat(((List<?>) error.get("e")).get(0)).isEqualTo(203L);
        assertThat((byte[]) error.get("v")).isEqualTo(MainlinePeer.VERSION);
        Map<?, ?> pong = ask("ping", Map.of());
        assertThat((byte[]) pong.get("v")).isEqualTo(MainlinePeer.VERSION);
    }

    @Test
    void anUnknownMethodWithATargetIsAnsweredAsFindNodeAndCmIsIgnored() {
        Map<?, ?> asFindNode = ask("sample_something", Map.of("target", NodeId.ofKey("t").toBytes()));
        assertThat(new String((byte[]) asFindNode.get("y"), StandardCharsets.US_ASCII)).isEqualTo("r");
        assertThat(((Map<?, ?>) asFindNode.get("r")).containsKey("nodes")).isTrue();
        Map<?, ?> get = ask("get", Map.of("target", NodeId.ofKey("t").toBytes(), "cm", 1L));
        assertThat(new String((byte[]) get.get("y"), StandardCharsets.US_ASCII)).isEqualTo("r");
        assertThat(((Map<?, ?>) get.get("r")).containsKey("token")).isTrue();
    }

    @Test
    void anAddressSendingMoreThanFiftyDatagramsInTenSecondsIsIgnoredForFiveMinutes() {
        for (int i = 0; i < MainlinePeer.PACKETS_PER_WINDOW - 1; i++) {
            probe.send(foreign.address(), Bencode.encode(Map.of("t", bytes("p" + i), "y", bytes("q"), "q", bytes("ping"),
                    "a", Map.of("id", probeId.toBytes()))));
        }
        network.runUntil(network.now() + 100);
        assertThat(answers).hasSize(MainlinePeer.PACKETS_PER_WINDOW - 1);
        assertThat(ask("ping", Map.of())).as("the 50th within 10 s").isNotNull();
        assertThat(ask("ping", Map.of())).as("the 51st within 10 s").isNull();
        network.runUntil(network.now() + MainlinePeer.BAN_MILLIS - 60_000);
        assertThat(ask("ping", Map.of())).as("still banned").isNull();
        network.runUntil(network.now() + 61_000);
        assertThat(ask("ping", Map.of())).as("after the ban").isNotNull();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
