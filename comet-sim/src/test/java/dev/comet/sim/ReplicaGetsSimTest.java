package dev.comet.sim;

import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.core.ObjectAnswer;
import dev.comet.id.NodeId;
import dev.comet.lua.SandboxExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code comet.get(key, "replicas", handler)}: a handler reads another key's object from its replicas, which its node
 * finds as it finds them for a client, where {@code comet.lookup()} only knows the nodes near the object's own key.
 * The answer, a refusal or "nowhere" arrives as a call of the handler, and the replica that answers may not ask
 * further (no amplification chains). Deterministic: every failure names its seed.
 */
class ReplicaGetsSimTest {
    /** 11 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(11);
    private static final long SEED = SIM_SEED.seed();
    private static final int NODES = 60;

    private final SimNetwork network = new SimNetwork(SEED, 0, 5, 20);
    private final SandboxExecutor sandboxes = SandboxExecutor.inline();
    private final List<Node> nodes = new ArrayList<>();

    /** Asks {@code key}'s replicas once, from its first timer, and answers what came back: value, error, who. */
    private static final String ASKER = """
            aso.timerInterval = 1
            function onTimer()
              aso.timerInterval = 0
              comet.get(aso.wants, 'replicas', 'onAnswer', {from = 'asker'})
            end
            function onAnswer(from, value, err)
              self.value = value
              self.err = err
              self.answered = from ~= nil
            end
            function onGet() return {value = self.value, err = self.err, answered = self.answered} end
            """;

    private void start() {
        CometNodesOnSim.start(network, sandboxes, nodes, NODES, NodeConfig.defaults());
    }

    private void put(Node from, String key, String code, int replicas) {
        CometNodesOnSim.putObject(network, from, key, code, replicas, SEED);
    }

    /** What the asker under {@code key} answers a get once its request had time to come back. */
    private Map<?, ?> askerAnswer(String key) {
        network.runUntil(network.now() + 30_000);
        List<List<ObjectAnswer>> result = new ArrayList<>();
        nodes.get(NODES - 1).getObject(NodeId.ofKey(key), Map.of(), false, result::add);
        assertThat(network.runUntil(() -> !result.isEmpty(), network.now() + 60_000)).as("seed %d", SEED).isTrue();
        Object value = result.get(0).get(0).value();
        assertThat(value).as("seed %d: the asker's answer", SEED).isInstanceOf(Map.class);
        return (Map<?, ?>) value;
    }

    private static String text(Object bencoded) {
        return bencoded == null ? null : new String((byte[]) bencoded, StandardCharsets.UTF_8);
    }

    @Test
    void aHandlerReadsAnotherKeysObjectFromItsReplicasWithItsArguments() {
        start();
        put(nodes.get(3), "source", "function onGet(caller, args) return 'from source to ' .. tostring(args.from) end", 3);
        put(nodes.get(7), "asker", "aso.wants = 'source'\n" + ASKER, 1);

        Map<?, ?> answer = askerAnswer("asker");
        assertThat(text(answer.get("value"))).as("seed %d", SEED).isEqualTo("from source to asker");
        assertThat(answer.get("err")).as("seed %d", SEED).isNull();
        assertThat(answer.get("answered")).as("seed %d: the handler heard which replica answered", SEED).isEqualTo(1L);
    }

    @Test
    void whenNoReplicaHoldsTheObjectTheHandlerHearsItWasNotFound() {
        start();
        put(nodes.get(7), "asker", "aso.wants = 'nothing here'\n" + ASKER, 1);

        Map<?, ?> answer = askerAnswer("asker");
        assertThat(answer.get("value")).as("seed %d", SEED).isNull();
        assertThat(text(answer.get("err"))).as("seed %d", SEED).startsWith("901 ");
        assertThat(answer.get("answered")).as("seed %d: no node answered", SEED).isEqualTo(0L);
    }

    @Test
    void theReplicaThatAnswersAHandlersGetMayNotAskFurther() {
        start();
        // its onGet would ask the replicas of its own key again: a chain of lookups the node must stop
        put(nodes.get(3), "forwarder", "function onGet() comet.get(self, 'replicas', 'onGet') return 'sent' end", 3);
        put(nodes.get(7), "asker", "aso.wants = 'forwarder'\n" + ASKER, 1);

        Map<?, ?> answer = askerAnswer("asker");
        assertThat(text(answer.get("err"))).as("seed %d", SEED).startsWith("329 ");
    }
}
