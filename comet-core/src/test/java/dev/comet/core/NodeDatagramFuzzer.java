package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.comet.id.NodeId;
import dev.comet.krpc.KrpcDecodeException;
import org.junit.jupiter.api.Tag;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Jazzer target for the node's whole receive path: arbitrary bytes handed to {@link Node#onDatagram} by a peer the
 * node is joining through (so that an answer carrying the tid of the node's first query reaches the response path),
 * then ten seconds of its timers (retries, timeouts, the join's lookup). Nothing may escape, the node may not count
 * an internal error (its last-resort catch of a bug of ours), and every datagram it sends meanwhile is well formed.
 */
@Tag("jazzer-decoder")
public class NodeDatagramFuzzer {
    static final InetSocketAddress PEER = Peer.address(2, 6881);

    @FuzzTest(maxDuration = "5s")
    void onDatagram(byte[] datagram) {
        check(datagram);
    }

    /** The target's check of one input, also {@link dev.comet.CoreFuzzer}'s for its selector byte. */
    public static void check(byte[] datagram) {
        FakeEnvironment env = new FakeEnvironment(42);
        Node node = joining(env);
        node.onDatagram(PEER, datagram);
        env.advance(10_000);
        assertThat(node.stats().internalErrors()).as("the node's catch of a bug of ours").isZero();
        for (FakeEnvironment.Sent sent : env.sent()) {
            try {
                sent.decode();
            } catch (KrpcDecodeException e) {
                throw new AssertionError("the node sent a malformed datagram to " + sent.to(), e);
            }
        }
    }

    /** A node with the default settings that has just asked {@link #PEER} to let it join; always the same query. */
    static Node joining(FakeEnvironment env) {
        Node node = new Node(NodeId.ofKey("node under fuzz"), Peer.address(1, 6881), NodeConfig.defaults(), env);
        node.start(List.of(PEER));
        return node;
    }
}
