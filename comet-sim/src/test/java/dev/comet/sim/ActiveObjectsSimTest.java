package dev.comet.sim;

import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.aso.ObjectConfig;
import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.lua.SandboxExecutor;
import dev.comet.bencode.BencodeLimits;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.storage.InMemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Active objects on the real node code in a small simulated network: timers, requests from handlers and their
 * limits, onUpdate's incoming object, self-deletion, the timer budget. Deterministic: every failure names its seed.
 */
class ActiveObjectsSimTest {
    /** 7 unless {@code -Dcomet.sim.seed} says otherwise; every failure names it. */
    @RegisterExtension
    static final SimSeed SIM_SEED = new SimSeed(7);
    private static final long SEED = SIM_SEED.seed();

    private final SimNetwork network = new SimNetwork(SEED, 0, 5, 20);
    private final SandboxExecutor sandboxes = SandboxExecutor.inline();
    private final List<Node> nodes = new ArrayList<>();

    private void start(int count, NodeConfig config) {
        CometNodesOnSim.start(network, sandboxes, nodes, count, config);
    }

    private WriteOutcome put(Node from, String key, String code, int replicas) {
        WriteOutcome[] result = {null};
        from.putObject(NodeId.ofKey(key), code.getBytes(StandardCharsets.UTF_8), replicas, -1, r -> result[0] = r);
        assertThat(network.runUntil(() -> result[0] != null, network.now() + 60_000)).as("seed %d: put answered", SEED).isTrue();
        return result[0];
    }

    private List<ObjectAnswer> get(Node from, String key, boolean all) {
        List<List<ObjectAnswer>> result = new ArrayList<>();
        from.getObject(NodeId.ofKey(key), Map.of(), all, result::add);
        assertThat(network.runUntil(() -> !result.isEmpty(), network.now() + 60_000)).as("seed %d: get answered", SEED).isTrue();
        return result.get(0);
    }

    private static String text(Object bencoded) {
        return new String((byte[]) bencoded, StandardCharsets.UTF_8);
    }

    @Test
    void aTimerRunsEveryIntervalOnEveryReplicaAndNeverFasterThanTheNodeMinimum() {
        start(12, NodeConfig.defaults());
        put(nodes.get(3), "ticker", "aso.timerInterval = 10 aso.ticks = 0 "
                + "function onTimer() self.ticks = self.ticks + 1 end function onGet() return self.ticks end", 3);
        put(nodes.get(3), "hasty", "aso.timerInterval = 0.01 aso.ticks = 0 "
                + "function onTimer() self.ticks = self.ticks + 1 end function onGet() return self.ticks end", 1);
        long start = network.now();
        network.runUntil(start + 100_500);
        List<ObjectAnswer> answers = get(nodes.get(0), "ticker", true);
        assertThat(answers).as("seed %d", SEED).hasSize(3);
        for (ObjectAnswer a : answers) {
            assertThat((Long) a.value()).as("seed %d: ticks of a replica in 100 s at 10 s", SEED).isBetween(9L, 10L);
        }
        long hasty = (Long) get(nodes.get(0), "hasty", false).get(0).value();
        assertThat(hasty).as("seed %d: a 10 ms timer runs at the 1 s minimum", SEED).isBetween(99L, 101L);
        int timers = nodes.stream().mapToInt(n -> n.objectStats().timers()).sum();
        assertThat(timers).as("seed %d", SEED).isEqualTo(4);
    }

    @Test
    void aDeletedObjectStopsItsTimer() {
        start(8, NodeConfig.defaults());
        put(nodes.get(1), "shortlived", "aso.timerInterval = 5 aso.ticks = 0 "
                + "function onTimer() self.ticks = self.ticks + 1 if self.ticks == 3 then comet.deleteSelf() end end", 2);
        network.runUntil(network.now() + 60_000);
        assertThat(get(nodes.get(0), "shortlived", true)).as("seed %d: gone after its third tick", SEED).isEmpty();
        assertThat(nodes.stream().mapToInt(n -> n.objectStats().timers()).sum()).as("seed %d", SEED).isZero();
        assertThat(nodes.stream().mapToLong(n -> n.objectStats().timerRuns()).sum()).as("seed %d", SEED).isEqualTo(6);
    }

    @Test
    void aNodeRefusesTheObjectThatWouldExceedItsTimerBudget() {
        start(1, NodeConfig.defaults().withObjects(ObjectConfig.defaults().withMaxTimers(2)));
        Node node = nodes.get(0);
        String ticker = "aso.timerInterval = 60 function onTimer() end";
        assertThat(put(node, "t1", ticker, 1).accepted()).hasSize(1);
        assertThat(put(node, "t2", ticker, 1).accepted()).hasSize(1);
        WriteOutcome third = put(node, "t3", ticker, 1);
        assertThat(third.accepted()).as("seed %d", SEED).isEmpty();
        assertThat(third.refused().values()).singleElement().asString().startsWith("311 ");
        assertThat(put(node, "plain", "aso.value = 1", 1).accepted()).as("objects without a timer still fit").hasSize(1);
        assertThat(node.objectStats().timersRefused()).isEqualTo(1);
    }

    @Test
    void aHandlerAsksOtherNodesAndGetsTheAnswersAsCallsOfItsHandler() {
        start(10, NodeConfig.defaults());
        put(nodes.get(2), "target", "aso.value = 'pong'", 10);
        String asker = """
                aso.answers = {}
                aso.errors = 0
                function onGet(caller, args)
                  if args.go then
                    local nodes = comet.lookup()
                    local some = {}
                    for i = 1, math.min(3, #nodes) do some[i] = nodes[i] end
                    comet.get('target', some, 'onAnswer')
                  end
                  return #self.answers
                end
                function onAnswer(from, value, err)
                  if value then self.answers[#self.answers + 1] = value else self.errors = self.errors + 1 end
                end
                """;
        put(nodes.get(2), "asker", asker, 1);
        List<List<ObjectAnswer>> started = new ArrayList<>();
        nodes.get(5).getObject(NodeId.ofKey("asker"), Map.of("go", "1".getBytes(StandardCharsets.UTF_8)), false, started::add);
        network.runUntil(network.now() + 30_000);
        assertThat(started).hasSize(1);
        List<ObjectAnswer> after = get(nodes.get(5), "asker", false);
        assertThat((Long) after.get(0).value()).as("seed %d: three nodes answered 'pong'", SEED).isEqualTo(3L);
        assertThat(nodes.stream().mapToLong(n -> n.objectStats().requestsSent()).sum()).isEqualTo(3);
    }

    @Test
    void aHandlerRunForAnotherObjectsRequestMayNotSendRequests() {
        start(10, NodeConfig.defaults());
        // the target's onGet would forward every get: an amplification chain the node must stop
        // on all ten nodes, so that whichever node the asker asks holds it
        put(nodes.get(2), "forwarder", "function onGet() comet.get(self, comet.lookup(), 'onGet') return 'sent' end", 10);
        String asker = """
                aso.errors = {}
                function onTimer()
                  local nodes = comet.lookup()
                  comet.get('forwarder', {nodes[1]}, 'onAnswer')
                  aso.timerInterval = 0
                end
                aso.timerInterval = 1
                function onAnswer(from, value, err) if err then self.errors[#self.errors + 1] = err end end
                function onGet() return self.errors end
                """;
        put(nodes.get(4), "asker", asker, 1);
        network.runUntil(network.now() + 30_000);
        Object errors = get(nodes.get(0), "asker", false).get(0).value();
        assertThat(errors).as("seed %d", SEED).isInstanceOf(List.class);
        assertThat((List<?>) errors).singleElement().satisfies(e -> assertThat(text(e)).startsWith("329 "));
    }

    /**
     * Issue #10, item 6: an object whose answer handler asks again would run for ever without a timer (about ten
     * requests a second until it expires); an answer may not send requests, so the chain ends at its first link.
     */
    @Test
    void anAnswerMayNotAskAgain() {
        start(10, NodeConfig.defaults());
        put(nodes.get(2), "self-sustaining", """
                aso.answers = 0
                function onGet(caller, args)
                  if args.go then comet.get(self, {comet.lookup()[1]}, 'onAnswer') end
                  return self.answers
                end
                function onAnswer(from, value, err)
                  self.answers = self.answers + 1
                  comet.get(self, {comet.lookup()[1]}, 'onAnswer')
                end
                """, 1);
        long before = nodes.stream().mapToLong(n -> n.objectStats().requestsSent()).sum();
        List<List<ObjectAnswer>> started = new ArrayList<>();
        nodes.get(5).getObject(NodeId.ofKey("self-sustaining"), Map.of("go", "1".getBytes(StandardCharsets.UTF_8)),
                false, started::add);
        network.runUntil(network.now() + 60_000);
        assertThat(started).hasSize(1);
        assertThat(nodes.stream().mapToLong(n -> n.objectStats().requestsSent()).sum() - before)
                .as("seed %d: only onGet's request was sent", SEED).isEqualTo(1);
        // onAnswer ran, was stopped with 329 when it asked again, and what it changed was undone
        assertThat(get(nodes.get(0), "self-sustaining", false).get(0).value()).as("seed %d", SEED).isEqualTo(0L);
    }

    @Test
    void onUpdateSeesTheIncomingObjectAndMayMergeItIntoTheOneHeld() {
        start(6, NodeConfig.defaults());
        String counter = """
                aso.total = %d
                function onUpdate(caller, incoming)
                  self.total = self.total + incoming.total
                  return false
                end
                function onGet() return self.total end
                """;
        put(nodes.get(1), "merge", counter.formatted(5), 2);
        WriteOutcome second = put(nodes.get(3), "merge", counter.formatted(7), 2);
        assertThat(second.refused().values()).as("seed %d: onUpdate kept the held object", SEED)
                .allSatisfy(e -> assertThat(e.toString()).startsWith("330 "));
        for (ObjectAnswer a : get(nodes.get(0), "merge", true)) {
            assertThat(a.value()).as("seed %d: 5 + 7 on %s", SEED, a.replica()).isEqualTo(12L);
        }
    }

    @Test
    void aPutWithNewCodeReplacesTheObjectWhenOnUpdateSaysYes() {
        start(6, NodeConfig.defaults());
        put(nodes.get(1), "versioned", "aso.value = 'v1' function onUpdate(caller, incoming) return incoming.version == 2 end", 3);
        put(nodes.get(2), "versioned", "aso.value = 'v2' aso.version = 2", 3);
        for (ObjectAnswer a : get(nodes.get(0), "versioned", true)) {
            assertThat(text(a.value())).as("seed %d", SEED).isEqualTo("v2");
        }
    }

    @Test
    void requestLimitsStopAFloodWithTheirOwnErrors() {
        start(12, NodeConfig.defaults());
        put(nodes.get(0), "flood", """
                function onGet(caller, args)
                  local nodes = comet.lookup()
                  if args.mode == 'wide' then
                    comet.get(self, nodes, 'onAnswer')
                  else
                    for i = 1, 4 do comet.get(self, {nodes[i]}, 'onAnswer') end
                  end
                  return 'sent'
                end
                function onAnswer() end
                """, 1);
        List<List<ObjectAnswer>> wide = new ArrayList<>();
        nodes.get(3).getObject(NodeId.ofKey("flood"), Map.of("mode", "wide".getBytes(StandardCharsets.UTF_8)), false, wide::add);
        network.runUntil(() -> !wide.isEmpty(), network.now() + 30_000);
        assertThat(wide.get(0)).singleElement().satisfies(a -> assertThat(a.error().toString()).startsWith("327 "));
        // 4 + 4 within a second is fine, the third invocation's requests exceed 10 per second
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.get(3).getObject(NodeId.ofKey("flood"), Map.of(), false, r -> outcomes.add(
                    r.get(0).error() == null ? text(r.get(0).value()) : r.get(0).error().toString().substring(0, 3)));
        }
        network.runUntil(() -> outcomes.size() == 3, network.now() + 30_000);
        assertThat(outcomes).as("seed %d", SEED).containsExactlyInAnyOrder("sent", "sent", "328");
    }

    /**
     * A node of our own making: it answers ping, find_node and get like any Mainline node, under version
     * {@code v}, and counts the comet_* queries it receives; it answers them with 204 (a foreign node) or not at
     * all (a Comet node that went silent).
     */
    private static final class FakeNode {
        static final byte[] LIBTORRENT = {'L', 'T', 2, 0};
        final SimNetwork.Host host;
        final NodeId id;
        final byte[] version;
        final boolean answersComet;
        final KrpcCodec codec = new KrpcCodec(BencodeLimits.DEFAULT);
        final List<KrpcResponse> responses = new ArrayList<>();
        int cometQueries;

        FakeNode(SimNetwork network, byte[] version, boolean answersComet) {
            host = network.newHost(new InMemoryStore(10, 1 << 10));
            id = NodeId.random(network.random());
            this.version = version;
            this.answersComet = answersComet;
            host.bind(this::receive);
        }

        /** Makes every node of {@code nodes} take it into its routing table (a query, then their verifying ping). */
        void introduceTo(List<Node> nodes) {
            for (Node n : nodes) {
                host.send(n.self().address(), codec.encode(new KrpcQuery(new byte[] {9, 9}, "ping",
                        Dict.builder().put("id", id).build(), version)));
            }
        }

        void receive(InetSocketAddress from, byte[] datagram) {
            KrpcMessage message = codec.decode(datagram);
            if (message instanceof KrpcResponse r) {
                responses.add(r);
            }
            if (!(message instanceof KrpcQuery q)) {
                return;
            }
            if (q.method().startsWith("comet_")) {
                cometQueries++;
                if (answersComet) {
                    host.send(from, codec.encode(new KrpcError(q.transactionId(), 204, "unknown method", version)));
                }
                return;
            }
            Dict values = Dict.builder().put("id", id).put("nodes", new byte[0]).put("token", new byte[] {1, 2, 3, 4}).build();
            host.send(from, codec.encode(new KrpcResponse(q.transactionId(), values, version, from)));
        }
    }

    @Test
    void aReadThatReachesNoReplicaSaysSoInsteadOfNotFound() {
        start(5, NodeConfig.defaults());
        FakeNode silent = new FakeNode(network, Node.VERSION, false);
        silent.introduceTo(nodes);
        network.runUntil(network.now() + 30_000);
        assertThat(get(nodes.get(1), "never stored", false)).as("seed %d", SEED).singleElement().satisfies(a -> {
            assertThat(a.replica().id()).isEqualTo(silent.id);
            assertThat(a.error().code()).isEqualTo(dev.comet.ErrorCode.NO_ANSWER);
            assertThat(a.failed()).isTrue();
        });
        assertThat(silent.cometQueries).as("asked, and asked again").isGreaterThanOrEqualTo(1);
        put(nodes.get(1), "stored", "aso.value = 'here'", 8);
        assertThat(get(nodes.get(2), "stored", false)).as("seed %d: the holders answer past the silent one", SEED)
                .singleElement().satisfies(a -> assertThat(text(a.value())).isEqualTo("here"));
    }

    @Test
    void replicasAndCometQueriesGoOnlyToCometNodes() {
        start(6, NodeConfig.defaults());
        List<FakeNode> foreign = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            FakeNode f = new FakeNode(network, FakeNode.LIBTORRENT, true);
            foreign.add(f);
            f.introduceTo(nodes);
        }
        network.runUntil(network.now() + 30_000);
        for (Node n : nodes) {
            assertThat(n.routingTable().size()).as("seed %d: %s knows the foreign nodes", SEED, n.id()).isEqualTo(5 + 4);
        }
        WriteOutcome put = put(nodes.get(2), "comet only", "aso.value = 'here'", 8);
        assertThat(put.accepted()).as("seed %d: all six Comet nodes and nothing else", SEED).hasSize(6);
        assertThat(put.refused()).as("seed %d", SEED).isEmpty();
        assertThat(get(nodes.get(4), "comet only", true)).hasSize(6);
        assertThat(text(get(nodes.get(5), "comet only", false).get(0).value())).isEqualTo("here");
        assertThat(foreign).as("seed %d: no comet_* query reached a foreign node", SEED).allSatisfy(f -> assertThat(f.cometQueries).isZero());

        // a get that asks for Comet nodes ("cm" = 1) is answered with Comet nodes only; a plain one with all
        FakeNode asker = foreign.get(0);
        NodeId target = NodeId.ofKey("comet only");
        asker.responses.clear(); // the answers to its pings
        for (long cm : new long[] {1, 0}) {
            asker.host.send(nodes.get(0).self().address(), asker.codec.encode(new KrpcQuery(new byte[] {7, (byte) cm}, "get",
                    Dict.builder().put("id", asker.id).put("target", target).put("cm", cm).build(), FakeNode.LIBTORRENT)));
        }
        network.runUntil(network.now() + 1_000);
        assertThat(asker.responses).hasSize(2);
        java.util.Set<NodeId> foreignIds = new java.util.HashSet<>();
        foreign.forEach(f -> foreignIds.add(f.id));
        for (KrpcResponse r : asker.responses) {
            List<NodeId> named = dev.comet.krpc.CompactInfo.nodes(r.values().bytes("nodes")).stream()
                    .map(dev.comet.routing.Contact::id).toList();
            if (r.transactionId()[1] == 1) {
                assertThat(named).as("seed %d: Comet nodes only", SEED).hasSize(5).doesNotContainAnyElementsOf(foreignIds);
            } else {
                assertThat(named).as("seed %d: the closest of all", SEED).hasSize(8).containsAnyElementsOf(foreignIds);
            }
        }
    }
}
