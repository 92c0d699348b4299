package dev.comet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.core.FragmentStats;
import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.fragments.FragmentConfig;
import dev.comet.id.NodeId;
import dev.comet.lua.SandboxExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Large Comet messages on paths that carry at most 1,400 bytes (issue #14): a 15 KB object is put on three replicas
 * and its 12 KB answer read back, with 2 % loss and latencies from 5 to 80 ms (so fragments overtake each other).
 * Without fragmentation the same put is lost on the way. Deterministic from its seed.
 */
class FragmentsSimTest {
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(11);
    private static final long SEED = SIM_SEED.seed();
    private static final int PATH_MTU = 1_400;
    private static final int NODES = 12;

    private final SimNetwork network = new SimNetwork(SEED, 0.02, 5, 80);
    private final SandboxExecutor sandboxes = SandboxExecutor.inline();
    private final List<Node> nodes = new ArrayList<>();

    private void start(NodeConfig config) {
        network.faults().capDatagrams(PATH_MTU);
        CometNodesOnSim.start(network, sandboxes, nodes, NODES, config);
    }

    /** An object of about 15 KB of code whose onGet answers 12,000 bytes. */
    private static byte[] largeObject() {
        StringBuilder code = new StringBuilder("-- a large object: its code and its answer need many datagrams\n");
        while (code.length() < 15_000) {
            code.append("-- padding padding padding padding padding padding padding padding padding padding\n");
        }
        code.append("function onGet() return string.rep('x', 12000) end\n");
        return code.toString().getBytes(StandardCharsets.UTF_8);
    }

    private WriteOutcome put(Node from, NodeId key, byte[] code) {
        WriteOutcome[] result = {null};
        from.putObject(key, code, 3, -1, r -> result[0] = r);
        assertThat(network.runUntil(() -> result[0] != null, network.now() + 120_000))
                .as("seed %d: put answered", SEED).isTrue();
        return result[0];
    }

    private List<ObjectAnswer> get(Node from, NodeId key) {
        List<List<ObjectAnswer>> result = new ArrayList<>();
        from.getObject(key, Map.of(), true, result::add);
        assertThat(network.runUntil(() -> !result.isEmpty(), network.now() + 120_000))
                .as("seed %d: get answered", SEED).isTrue();
        return result.get(0);
    }

    @Test
    void aLargeObjectIsPutAndReadThroughPathsOf1400Bytes() {
        start(NodeConfig.defaults());
        NodeId key = NodeId.ofKey("large");
        byte[] code = largeObject();

        WriteOutcome put = put(nodes.get(2), key, code);
        assertThat(put.accepted()).as("seed %d: replicas that stored it (refused: %s)", SEED, put.refused()).hasSize(3);
        List<ObjectAnswer> answers = get(nodes.get(9), key);
        assertThat(answers).as("seed %d", SEED).hasSize(3);
        for (ObjectAnswer a : answers) {
            assertThat(a.error()).as("seed %d", SEED).isNull();
            assertThat((byte[]) a.value()).as("seed %d", SEED).hasSize(12_000);
        }

        assertThat(network.faults().lostToSize()).as("seed %d: datagrams over the path MTU", SEED).isZero();
        FragmentStats sent = total();
        assertThat(sent.messagesFragmented()).as("seed %d", SEED).isPositive();
        assertThat(sent.messagesReassembled()).as("seed %d", SEED).isPositive();
        assertThat(sent.fragmentsSent()).as("seed %d", SEED).isGreaterThan(10 * sent.messagesFragmented());
        assertThat(network.datagramsLost()).as("seed %d: the loss did hit", SEED).isPositive();
    }

    @Test
    void withoutFragmentsTheSamePutIsLostOnTheWay() {
        NodeConfig unfragmented = NodeConfig.builder().fragments(FragmentConfig.defaults().withFragmentBytes(
                NodeConfig.defaults().maxDatagramBytes())).build();
        start(unfragmented);

        WriteOutcome put = put(nodes.get(2), NodeId.ofKey("large"), largeObject());

        assertThat(put.accepted()).as("seed %d", SEED).isEmpty();
        assertThat(network.faults().lostToSize()).as("seed %d", SEED).isPositive();
    }

    private FragmentStats total() {
        long fragmented = 0;
        long sent = 0;
        long reassembled = 0;
        long dropped = 0;
        long buffered = 0;
        for (Node n : nodes) {
            FragmentStats s = n.stats().fragments();
            fragmented += s.messagesFragmented();
            sent += s.fragmentsSent();
            reassembled += s.messagesReassembled();
            dropped += s.fragmentsDropped();
            buffered += s.bufferedBytes();
        }
        return new FragmentStats(fragmented, sent, reassembled, dropped, buffered);
    }
}
