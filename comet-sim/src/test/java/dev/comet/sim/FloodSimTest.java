package dev.comet.sim;

import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.guard.GuardConfig;
import dev.comet.guard.GuardStats;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.storage.InMemoryStore;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flood test of issue #14 in the simulator, on virtual time: one host floods a node of a 30-node network with
 * BEP 44 gets at ten times its allowance for a virtual minute while a second host asks the same node five times a
 * second. The second is answered every time within one round trip of the network (10–50 ms each way); the flooder
 * is banned. The same seed gives the same numbers.
 */
class FloodSimTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final SimSeed SEEDS = new SimSeed(1);
    private static final long SEED = SEEDS.seed();
    private static final KrpcCodec CODEC = new KrpcCodec(NodeConfig.defaults().bencodeLimits());
    private static final long LATENCY_MAX = 50;

    /** What one run measured. */
    record Outcome(int flooderSent, int flooderAnswered, int benignAsked, List<Long> benignRoundTrips, GuardStats guard) {
    }

    private static Outcome run(long seed) {
        SimNetwork network = new SimNetwork(seed, 0, 10, LATENCY_MAX);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            SimNetwork.Host host = network.newHost(new InMemoryStore(10_000, 1 << 24));
            Node node = new Node(NodeId.random(network.random()), host.address(), NodeConfig.defaults(), host);
            host.bind(node::onDatagram);
            node.start(nodes.isEmpty() ? List.of() : List.of(nodes.get(0).self().address()));
            nodes.add(node);
        }
        network.runUntil(60_000);
        Node target = nodes.get(5);
        InetSocketAddress to = target.self().address();

        SimNetwork.Host flooder = network.newHost(new InMemoryStore(1, 1024));
        SimNetwork.Host benign = network.newHost(new InMemoryStore(1, 1024));
        int[] flooderAnswered = {0};
        flooder.bind((from, datagram) -> flooderAnswered[0]++);
        Map<Integer, Long> sentAt = new HashMap<>();
        List<Long> roundTrips = new ArrayList<>();
        benign.bind((from, datagram) -> {
            KrpcMessage m = CODEC.decode(datagram);
            if (m instanceof KrpcResponse) {
                Long at = sentAt.remove(((m.transactionId()[0] & 0xFF) << 8) | (m.transactionId()[1] & 0xFF));
                roundTrips.add(network.now() - at);
            }
        });

        int perSecond = 10 * GuardConfig.defaults().queriesPerSecond();
        int[] flooderSent = {0};
        int[] benignAsked = {0};
        long start = network.now();
        for (long t = 0; t < 60_000; t += 1000 / perSecond) {
            long at = t;
            network.schedule(at, () -> {
                flooder.send(to, get(flooderSent[0]++, "flooder", "t" + at));
            });
        }
        for (long t = 0; t < 60_000; t += 200) {
            long at = t;
            network.schedule(at, () -> {
                int tid = benignAsked[0]++;
                sentAt.put(tid, network.now());
                benign.send(to, get(tid, "benign", "t" + at));
            });
        }
        network.runUntil(start + 61_000);
        return new Outcome(flooderSent[0], flooderAnswered[0], benignAsked[0], roundTrips, target.stats().guard());
    }

    private static byte[] get(int tid, String who, String target) {
        return CODEC.encode(new KrpcQuery(new byte[] {(byte) (tid >>> 8), (byte) tid}, "get",
                Dict.builder().put("id", NodeId.ofKey(who)).put("target", NodeId.ofKey(target)).build(), null, true));
    }

    @Test
    void aFlooderAtTenTimesItsAllowanceIsBannedWhileAnotherHostIsAnsweredWithinOneRoundTrip() {
        Outcome o = run(SEED);
        long worst = o.benignRoundTrips().stream().mapToLong(Long::longValue).max().orElse(-1);
        double mean = o.benignRoundTrips().stream().mapToLong(Long::longValue).average().orElse(-1);
        System.out.printf("FloodSimTest seed %d: flooder sent %d gets in a virtual minute, %d answered; benign: %d of %d "
                        + "answered, round trip mean %.1f ms, max %d ms; guard %s%n", SEED, o.flooderSent(),
                o.flooderAnswered(), o.benignRoundTrips().size(), o.benignAsked(), mean, worst, o.guard());

        GuardConfig guard = GuardConfig.defaults();
        assertThat(o.benignRoundTrips()).as("seed %d: every benign get answered", SEED).hasSize(o.benignAsked());
        assertThat(worst).as("seed %d: within one round trip", SEED).isLessThanOrEqualTo(2 * LATENCY_MAX);
        assertThat(o.guard().floodBans()).as("seed %d", SEED).isEqualTo(1);
        assertThat(o.flooderAnswered()).as("seed %d: its burst and little more", SEED)
                .isLessThan(guard.queryBurst() + guard.queriesPerSecond() * 10);
        assertThat(o.guard().bannedDropped()).as("seed %d", SEED).isGreaterThan(o.flooderSent() / 2);
    }

    @Test
    void theSameSeedGivesTheSameFlood() {
        Outcome a = run(SEED);
        Outcome b = run(SEED);
        assertThat(b).isEqualTo(a);
    }
}
