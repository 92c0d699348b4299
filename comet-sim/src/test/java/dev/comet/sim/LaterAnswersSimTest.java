package dev.comet.sim;

import dev.comet.CometError;
import dev.comet.aso.ObjectConfig;
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
 * Recursive gets: an onGet that calls {@code comet.answerLater()} leaves the client's get waiting, and what the
 * handler hearing the first answer to its {@code comet.get} returns answers it, so one get returns data its object
 * fetched from another key. The wait is bounded in time (334) and in number (312), and the object asked may not ask
 * further (no amplification chains). Deterministic: every failure names its seed.
 */
class LaterAnswersSimTest {
    /** 12 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(12);
    private static final long SEED = SIM_SEED.seed();
    private static final int NODES = 50;

    private final SimNetwork network = new SimNetwork(SEED, 0, 5, 20);
    private final SandboxExecutor sandboxes = SandboxExecutor.inline();
    private final List<Node> nodes = new ArrayList<>();

    /** Answers a get with what the replicas of {@code aso.target} answer it, passing the get's arguments on. */
    private static final String FORWARDER = """
            function onGet(caller, args)
              comet.get(self.target, 'replicas', 'fromTarget', args)
              comet.answerLater()
              return 'not this'
            end
            function fromTarget(from, value, err)
              self.forwarded = (self.forwarded or 0) + 1
              if err then return 'no: ' .. err end
              return 'via forwarder: ' .. tostring(value)
            end
            """;

    private void start(NodeConfig config) {
        CometNodesOnSim.start(network, sandboxes, nodes, NODES, config);
    }

    private void put(Node from, String key, String code, int replicas) {
        CometNodesOnSim.putObject(network, from, key, code, replicas, SEED);
    }

    /** One client get of {@code key}, with {@code args}, from the last node: the answer of the replica it reached. */
    private ObjectAnswer get(String key, Map<String, byte[]> args) {
        List<List<ObjectAnswer>> result = new ArrayList<>();
        nodes.get(NODES - 1).getObject(NodeId.ofKey(key), args, false, result::add);
        assertThat(network.runUntil(() -> !result.isEmpty(), network.now() + 60_000)).as("seed %d: get answered", SEED)
                .isTrue();
        assertThat(result.get(0)).as("seed %d: an answer", SEED).isNotEmpty();
        return result.get(0).get(0);
    }

    private static String text(Object bencoded) {
        return bencoded == null ? null : new String((byte[]) bencoded, StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> args(String name, String value) {
        return Map.of(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oneGetReturnsWhatItsObjectFetchedFromAnotherKeysReplicasWithTheGetsArguments() {
        start(NodeConfig.defaults());
        put(nodes.get(3), "source", "function onGet(caller, args) return 'source for ' .. tostring(args.who) end", 3);
        put(nodes.get(7), "forwarder", "aso.target = 'source'\n" + FORWARDER, 3);

        ObjectAnswer answer = get("forwarder", args("who", "client"));
        assertThat(answer.error()).as("seed %d", SEED).isNull();
        assertThat(text(answer.value())).as("seed %d", SEED).isEqualTo("via forwarder: source for client");
    }

    @Test
    void whenTheOtherKeyIsNowhereTheHandlerSaysSoInTheAnswer() {
        start(NodeConfig.defaults());
        put(nodes.get(7), "forwarder", "aso.target = 'nothing here'\n" + FORWARDER, 3);

        ObjectAnswer answer = get("forwarder", Map.of());
        assertThat(answer.error()).as("seed %d", SEED).isNull();
        assertThat(text(answer.value())).as("seed %d", SEED).startsWith("no: 901 ");
    }

    @Test
    void anAnswerHandlerThatFailsAnswersTheGetWithItsError() {
        start(NodeConfig.defaults());
        put(nodes.get(3), "source", "function onGet() return 'x' end", 3);
        put(nodes.get(7), "forwarder", "aso.target = 'source'\n"
                + FORWARDER.replace("self.forwarded = (self.forwarded or 0) + 1", "error('cannot use it')"), 3);

        ObjectAnswer answer = get("forwarder", Map.of());
        assertThat(answer.error()).as("seed %d", SEED).isNotNull();
        assertThat(answer.error().code().code()).as("seed %d", SEED).isEqualTo(330);
        assertThat(answer.error().message()).as("seed %d", SEED).contains("cannot use it");
    }

    @Test
    void theObjectAskedMayNotAnswerLaterInTurn() {
        start(NodeConfig.defaults());
        put(nodes.get(3), "source", "function onGet() return 'x' end", 3);
        // a forwarder to a forwarder: the second one's onGet runs for an object's request and may not ask further
        put(nodes.get(5), "middle", "aso.target = 'source'\n" + FORWARDER, 3);
        put(nodes.get(7), "forwarder", "aso.target = 'middle'\n" + FORWARDER, 3);

        ObjectAnswer answer = get("forwarder", Map.of());
        assertThat(answer.error()).as("seed %d", SEED).isNull();
        assertThat(text(answer.value())).as("seed %d", SEED).startsWith("no: 329 ");
    }

    @Test
    void aGetWhoseAnswerDoesNotComeInTimeIsAnsweredLate() {
        // a millisecond is too short for any lookup: the held get is answered 334, not forgotten
        start(NodeConfig.defaults().withObjects(ObjectConfig.builder().answerLaterMillis(1).build()));
        put(nodes.get(3), "source", "function onGet() return 'x' end", 3);
        put(nodes.get(7), "forwarder", "aso.target = 'source'\n" + FORWARDER, 3);

        CometError error = get("forwarder", Map.of()).error();
        assertThat(error).as("seed %d: answered with an error", SEED).isNotNull();
        assertThat(error.code().code()).as("seed %d", SEED).isEqualTo(334);
        assertThat(error.message()).as("seed %d", SEED).contains("objects.answerLaterMillis");
    }

    @Test
    void aNodeHoldingItsMostWaitingGetsRefusesAnotherWithBusy() {
        start(NodeConfig.defaults().withObjects(ObjectConfig.builder().maxLaterAnswers(0).build()));
        put(nodes.get(3), "source", "function onGet() return 'x' end", 3);
        put(nodes.get(7), "forwarder", "aso.target = 'source'\n" + FORWARDER, 3);

        CometError error = get("forwarder", Map.of()).error();
        assertThat(error).as("seed %d: answered with an error", SEED).isNotNull();
        assertThat(error.code().code()).as("seed %d", SEED).isEqualTo(312);
        assertThat(error.message()).as("seed %d", SEED).contains("objects.maxLaterAnswers");
    }
}
