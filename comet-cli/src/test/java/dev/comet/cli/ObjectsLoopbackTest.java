package dev.comet.cli;

import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.runtime.UdpNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Active objects stored and served over the DHT by a 20-node loopback cluster (issue #4). */
class ObjectsLoopbackTest {
    private static final String SEED = """
            aso.value = "Hello world!"
            aso.getCount = 0
            function onGet()
              self.getCount = self.getCount + 1
              return {self.value, self.getCount}
            end
            """;
    /**
     * The runtimes of LoopbackRuntimes: their 5 s wall-time backstop keeps a cold JVM on a busy machine from stopping
     * the looping handler with the time limit before the instruction limit this suite checks. Counted replicas: the
     * seed's count of gets per replica would count some gets twice in an extra copy.
     */
    @RegisterExtension
    static final LoopbackCluster CLUSTER = LoopbackCluster.lua(20).config(LoopbackRuntimes.countedReplicas());

    @Test
    void theSeedExampleCountsGetsPerReplica() throws Exception {
        List<UdpNode> nodes = CLUSTER.nodes();
        NodeId key = NodeId.ofKey("hello");
        WriteOutcome put = nodes.get(3).putObject(key, SEED.getBytes(StandardCharsets.UTF_8), 8, -1).get(30, TimeUnit.SECONDS);
        assertThat(put.refused()).isEmpty();
        assertThat(put.accepted()).hasSize(8);

        Random random = new Random(5);
        for (int i = 1; i <= 100; i++) {
            List<ObjectAnswer> answers = nodes.get(random.nextInt(nodes.size())).getObject(key, Map.of(), false)
                    .get(30, TimeUnit.SECONDS);
            assertThat(answers).as("get %d", i).hasSize(1);
            List<?> value = (List<?>) answers.get(0).value();
            assertThat(new String((byte[]) value.get(0), StandardCharsets.UTF_8)).isEqualTo("Hello world!");
            assertThat((Long) value.get(1)).isPositive();
        }
        List<ObjectAnswer> all = nodes.get(11).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS);
        assertThat(all).hasSize(8);
        long sum = 0;
        for (ObjectAnswer a : all) {
            sum += (Long) ((List<?>) a.value()).get(1);
        }
        // every get ran onGet on exactly one replica; the final read ran it once on each of the 8
        assertThat(sum).isEqualTo(100 + 8);
    }

    @Test
    void aRefusingOnPutKeepsTheObjectOut() throws Exception {
        NodeId key = NodeId.ofKey("refuser");
        WriteOutcome put = CLUSTER.node(0).putObject(key,
                "function onPut(caller) return false end".getBytes(StandardCharsets.UTF_8), 3, -1).get(30, TimeUnit.SECONDS);
        assertThat(put.accepted()).isEmpty();
        assertThat(put.refused().values()).allSatisfy(reason -> assertThat(reason.toString()).startsWith("330").contains("onPut refused"));
        assertThat(CLUSTER.node(5).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aLimitReachesTheRequesterAsItsOwnError() throws Exception {
        NodeId key = NodeId.ofKey("looper");
        CLUSTER.node(1).putObject(key, "function onGet() while true do end end".getBytes(StandardCharsets.UTF_8), 2, -1)
                .get(30, TimeUnit.SECONDS);
        // the looping replica's answer is the limit's error, and the node keeps serving
        assertThat(CLUSTER.node(2).getObject(key, Map.of(), false).get(30, TimeUnit.SECONDS)).singleElement()
                .satisfies(a -> assertThat(a.error().toString()).startsWith("320 onGet: instruction limit exceeded"));
        NodeId benign = NodeId.ofKey("benign");
        CLUSTER.node(1).putObject(benign, "aso.value = 'fine'".getBytes(StandardCharsets.UTF_8), 2, -1)
                .get(30, TimeUnit.SECONDS);
        List<ObjectAnswer> answers = CLUSTER.node(9).getObject(benign, Map.of(), false).get(30, TimeUnit.SECONDS);
        assertThat(new String((byte[]) answers.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("fine");
    }

    @Test
    void aRetriedQueryRunsTheHandlerOnceAndGetsTheSameAnswer() throws Exception {
        NodeId key = NodeId.ofKey("counted once");
        CLUSTER.node(4).putObject(key, SEED.getBytes(StandardCharsets.UTF_8), 1, -1).get(30, TimeUnit.SECONDS);
        ObjectAnswer first = CLUSTER.node(8).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS).get(0);
        java.net.InetSocketAddress replica = first.replica().address();
        try (dev.comet.runtime.BlockingKrpcClient client = new dev.comet.runtime.BlockingKrpcClient()) {
            byte[] query = dev.comet.runtime.BlockingKrpcClient.CODEC.encode(new dev.comet.krpc.KrpcQuery(new byte[] {9, 9},
                    "comet_get", dev.comet.krpc.Dict.builder().put("id", client.id()).put("k", key).build(), null, true));
            client.send(replica, query);
            dev.comet.krpc.KrpcResponse a = (dev.comet.krpc.KrpcResponse) client.receive(5000).orElseThrow();
            client.send(replica, query); // the same datagram again, as a retry
            dev.comet.krpc.KrpcResponse b = (dev.comet.krpc.KrpcResponse) client.receive(5000).orElseThrow();
            assertThat((Long) ((List<?>) b.values().map().get("v")).get(1))
                    .isEqualTo((Long) ((List<?>) a.values().map().get("v")).get(1)).isEqualTo(2L);
        }
        List<ObjectAnswer> next = CLUSTER.node(8).getObject(key, Map.of(), false).get(30, TimeUnit.SECONDS);
        assertThat((Long) ((List<?>) next.get(0).value()).get(1)).isEqualTo(3L);
    }

    @Test
    void aNewQueryThatReusesATransactionIdIsNotAnsweredFromTheRetryCache() throws Exception {
        // 16-bit transaction ids wrap within seconds under load (found by the gateway load test)
        NodeId key = NodeId.ofKey("tid reuse");
        CLUSTER.node(2).putObject(key, "function onGet(caller, args) return args.x end".getBytes(StandardCharsets.UTF_8), 1, -1)
                .get(30, TimeUnit.SECONDS);
        java.net.InetSocketAddress replica = CLUSTER.node(6).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS)
                .get(0).replica().address();
        try (dev.comet.runtime.BlockingKrpcClient client = new dev.comet.runtime.BlockingKrpcClient()) {
            for (String x : List.of("one", "two")) {
                client.send(replica, dev.comet.runtime.BlockingKrpcClient.CODEC.encode(new dev.comet.krpc.KrpcQuery(new byte[] {7, 7},
                        "comet_get", dev.comet.krpc.Dict.builder().put("id", client.id()).put("k", key)
                        .put("a", new java.util.TreeMap<String, Object>(Map.of("x", x.getBytes(StandardCharsets.UTF_8)))).build(), null, true)));
                dev.comet.krpc.KrpcResponse r = (dev.comet.krpc.KrpcResponse) client.receive(5000).orElseThrow();
                assertThat(new String((byte[]) r.values().map().get("v"), StandardCharsets.UTF_8)).isEqualTo(x);
            }
        }
    }

    @Test
    void anObjectLargerThanADatagramTravelsInFragmentsOverUdp() throws Exception {
        StringBuilder code = new StringBuilder();
        while (code.length() < 15_000) {
            code.append("-- a large object: its code and its answer each need many 1,400-byte datagrams\n");
        }
        code.append("function onGet() return string.rep('y', 12000) end\n");
        NodeId key = NodeId.ofKey("large over udp");

        WriteOutcome put = CLUSTER.node(7).putObject(key, code.toString().getBytes(StandardCharsets.UTF_8), 3, -1)
                .get(30, TimeUnit.SECONDS);
        assertThat(put.refused()).isEmpty();
        assertThat(put.accepted()).hasSize(3);
        List<ObjectAnswer> all = CLUSTER.node(13).getObject(key, Map.of(), true).get(30, TimeUnit.SECONDS);

        assertThat(all).hasSize(3).allSatisfy(a -> assertThat((byte[]) a.value()).hasSize(12_000));
        long fragmented = 0;
        long reassembled = 0;
        for (UdpNode n : CLUSTER.nodes()) {
            dev.comet.core.FragmentStats s = n.call(node -> node.stats().fragments()).get(5, TimeUnit.SECONDS);
            fragmented += s.messagesFragmented();
            reassembled += s.messagesReassembled();
        }
        assertThat(fragmented).as("the puts and the answers went in fragments").isGreaterThanOrEqualTo(6);
        assertThat(reassembled).isGreaterThanOrEqualTo(6);
    }
}
