package dev.comet.core;

import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.guard.GuardConfig;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The node's guard, through Node on virtual time: flood drops and bans, the reply budget and its 370. */
class GuardTest {
    private final Peer flooder = new Peer(NodeId.ofKey("flooder"), 20);
    private final Peer neighbour = new Peer(NodeId.ofKey("neighbour"), 21);

    @Test
    void aFlooderAtTenTimesItsAllowanceIsDroppedThenBannedWhileAnotherSourceIsAnsweredEveryTime() {
        NodeUnderTest n = NodeUnderTest.withDefaults().started();
        GuardConfig guard = n.node.config().guard();
        int floodPerSecond = 10 * guard.queriesPerSecond();
        int flooderAnswered = 0;
        int neighbourAsked = 0;
        int neighbourAnswered = 0;
        // the neighbour is a verified contact: it answers the ping its first query brings
        n.deliver(neighbour, neighbour.query("ping", neighbour.args().build()));
        n.queriesTo(neighbour, "ping").forEach(ping -> n.answer(neighbour, ping, Dict.builder()));
        assertThat(n.node.routingTable().entry(neighbour.id)).isNotNull();
        for (int ms = 0; ms < 10_000; ms++) {
            if (ms % (1000 / floodPerSecond) == 0) {
                flooderAnswered += n.deliver(flooder, flooder.query("ping", flooder.args().build())).size();
            }
            if (ms % 100 == 0) { // the neighbour asks ten times a second
                neighbourAsked++;
                neighbourAnswered += n.deliver(neighbour, neighbour.query("find_node",
                        neighbour.args().put("target", NodeId.ofKey("t" + ms)).build())).size();
            }
            n.env.advance(1);
        }
        GuardStatsView stats = new GuardStatsView(n);
        System.out.printf("flood: %d pings sent in 10 s, %d answered, %d dropped by its bucket, %d dropped while banned;"
                        + " neighbour: %d of %d answered%n", floodPerSecond * 10, flooderAnswered,
                stats.node.guard().throttledBySource(), stats.node.guard().bannedDropped(), neighbourAnswered, neighbourAsked);
        assertThat(neighbourAnswered).isEqualTo(neighbourAsked);
        assertThat(stats.node.guard().floodBans()).isEqualTo(1);
        assertThat(stats.node.guard().activeBans()).isEqualTo(1);
        // the burst, the refill until it is banned, and nothing after
        assertThat(flooderAnswered).isLessThan(guard.queryBurst() + guard.queriesPerSecond() * 10);
        assertThat(stats.node.guard().throttledBySource()).isGreaterThanOrEqualTo(guard.banAfterDrops());
        assertThat(stats.node.guard().bannedDropped()).isPositive();
        assertThat(n.node.routingTable().entry(neighbour.id)).isNotNull();
    }

    @Test
    void aBusyStrangerIsProbedAtHalfItsBucketAndOnceItAnswersAsACometNodeItHasThePeerAllowance() {
        NodeUnderTest n = NodeUnderTest.withDefaults().started();
        GuardConfig guard = n.node.config().guard();
        Peer busy = new Peer(NodeId.ofKey("busy"), 40);
        int answered = 0;
        for (int i = 0; i < guard.queryBurst() / 2 + 1; i++) {
            answered += n.deliver(busy, busy.query("ping", busy.args().build())).size();
        }
        // the newcomer ping of the routing table and the guard's probe
        List<FakeEnvironment.Sent> pings = n.queriesTo(busy, "ping");
        assertThat(pings).as("the busy stranger is pinged").isNotEmpty();
        pings.forEach(ping -> n.answer(busy, ping, Dict.builder()));
        // now ten times a stranger's bucket over 3 s, a third of a second's worth at a time: a stranger would get
        // its burst and 20 a second, a Comet peer gets 500 a second (starting from the tokens it had left)
        int asked = 10 * guard.queryBurst();
        for (int i = 0; i < asked; i++) {
            if (i % 100 == 0) {
                n.env.advance(300);
            }
            answered += n.deliver(busy, busy.query("ping", busy.args().build())).size();
        }
        assertThat(answered).isEqualTo(asked + guard.queryBurst() / 2 + 1);
        assertThat(n.node.stats().guard().throttledBySource()).isZero();
    }

    @Test
    void aBusyStrangerThatDoesNotAnswerKeepsAStrangersAllowance() {
        NodeUnderTest n = NodeUnderTest.withDefaults().started();
        GuardConfig guard = n.node.config().guard();
        Peer busy = new Peer(NodeId.ofKey("busy"), 41);
        int answered = 0;
        for (int i = 0; i < 2 * guard.queryBurst(); i++) {
            answered += n.deliver(busy, busy.query("ping", busy.args().build())).size();
        }
        assertThat(answered).isEqualTo(guard.queryBurst());
        assertThat(n.node.stats().guard().throttledBySource()).isEqualTo(guard.queryBurst());
        assertThat(n.queriesTo(busy, "ping")).as("it was probed").isNotEmpty();
    }

    @Test
    void aMainlineNodeThatAnswersTheProbeKeepsAStrangersAllowance() {
        NodeUnderTest n = NodeUnderTest.withDefaults().started();
        GuardConfig guard = n.node.config().guard();
        Peer busy = new Peer(NodeId.ofKey("busy"), 42);
        busy.version = null;
        int answered = 0;
        for (int i = 0; i < guard.queryBurst() / 2 + 1; i++) {
            answered += n.deliver(busy, busy.query("ping", busy.args().build())).size();
        }
        n.queriesTo(busy, "ping").forEach(ping -> n.answer(busy, ping, Dict.builder()));
        for (int i = 0; i < guard.queryBurst(); i++) {
            answered += n.deliver(busy, busy.query("ping", busy.args().build())).size();
        }
        assertThat(answered).isEqualTo(guard.queryBurst());
    }

    @Test
    void aCometNodeOnAPublicAddressWhoseIdBep42DoesNotBindIsNeverAnObjectsReplica() throws Exception {
        NodeUnderTest n = NodeUnderTest.withDefaults().started();
        NodeId key = NodeId.ofKey("a key worth holding");
        java.net.InetAddress honestIp = java.net.InetAddress.getByName("203.0.113.7");
        Peer honest = new Peer(dev.comet.id.Bep42.idFor(honestIp, new java.util.SplittableRandom(3)),
                new java.net.InetSocketAddress(honestIp, 6881));
        // an attacker takes the id next to the key, which its address cannot have
        Peer attacker = new Peer(key.randomWithSharedPrefix(150, new java.util.SplittableRandom(4)),
                new java.net.InetSocketAddress("198.51.100.9", 6881));
        Peer local = new Peer(key.randomWithSharedPrefix(140, new java.util.SplittableRandom(5)), 50);
        n.learn(honest);
        n.learn(attacker);
        n.learn(local);
        assertThat(n.node.routingTable().entry(attacker.id)).as("a DHT contact still").isNotNull();
        assertThat(n.node.routingTable().closestAnsweringComet(key, 8, n.env.now()))
                .extracting(dev.comet.routing.Contact::id)
                .as("the bound node and the local one (exempt), not the attacker")
                .containsExactlyInAnyOrder(honest.id, local.id);
        NodeUnderTest lax = NodeUnderTest.with(NodeConfig.defaults().withGuard(
                GuardConfig.defaults().withEnforceBep42(false))).started();
        lax.learn(attacker);
        assertThat(lax.node.routingTable().closestAnsweringComet(key, 8, lax.env.now()))
                .extracting(dev.comet.routing.Contact::id).containsExactly(attacker.id);
    }

    /** A node's counters, read once. */
    private record GuardStatsView(NodeStats node) {
        GuardStatsView(NodeUnderTest n) {
            this(n.node.stats());
        }
    }

    @Test
    void aReplyMuchLargerThanItsQueryToAnUnverifiedAddressIsA370AndAProbeAndTheRetryAfterTheProbeIsAnswered() {
        NodeUnderTest n = NodeUnderTest.with(NodeConfig.defaults().withGuard(
                new GuardConfig(100, 20, 1_000, 500, 4_000, 100, 300_000, 3_600_000, 3, 512, 8L << 20, 65_536, true, true, true, false, 1, 25))).started();
        Peer writer = new Peer(NodeId.ofKey("writer"), 30);
        Peer reader = new Peer(NodeId.ofKey("reader"), 31);
        byte[] big = new byte[900];
        Arrays.fill(big, (byte) 'x');
        Item item = Item.immutable(Bencode.encode(big));
        byte[] token = n.askOk(writer, "get", writer.args().put("target", item.target()).build()).bytes("token");
        Dict.Builder put = writer.args().put("token", token);
        ItemStorage.fields(item).forEach(put::put);
        n.askOk(writer, "put", put.build());

        // a BEP 43 read-only client: the node's table never learns it, only the probe proves its address
        byte[] get = reader.query(new byte[] {1, 1}, "get", reader.args().put("target", item.target()).build(), true);
        List<KrpcMessage> replies = n.deliver(reader, get);
        assertThat(replies).hasSize(1);
        KrpcMessage refused = replies.get(0);
        assertThat(refused).isInstanceOf(KrpcError.class);
        assertThat(((KrpcError) refused).code()).isEqualTo(ErrorCode.UNVERIFIED_SOURCE.code());
        assertThat(n.node.stats().guard().repliesRefused()).isEqualTo(1);

        FakeEnvironment.Sent probe = n.onlyQueryTo(reader, "ping");
        n.answer(reader, probe, Dict.builder());
        assertThat(n.node.routingTable().entry(reader.id)).as("a probe's answer does not teach the table").isNull();

        KrpcMessage answered = n.deliver(reader, get).get(0);
        assertThat(answered).isInstanceOf(KrpcResponse.class);
        assertThat(((KrpcResponse) answered).values().map()).containsKey("v");
        assertThat(n.node.stats().guard().repliesRefused()).isEqualTo(1);
    }

    @Test
    void aNodeRefusedWith370KeepsItsQueryPendingAndItsNextAttemptGetsTheAnswer() {
        NodeUnderTest n = NodeUnderTest.withDefaults();
        Peer remote = new Peer(NodeId.ofKey("remote"), 40);
        List<Contact> pinged = new ArrayList<>();
        n.node.ping(remote.address, pinged::add);
        FakeEnvironment.Sent query = n.onlyQueryTo(remote, "ping");

        n.env.deliver(n.node, remote.address, remote.error(query, ErrorCode.UNVERIFIED_SOURCE.code(), "verify first"));
        assertThat(pinged).isEmpty();
        n.env.advance(n.node.config().requestTimeoutMillis());
        List<FakeEnvironment.Sent> sends = n.queriesTo(remote, "ping");
        assertThat(sends).hasSize(2);
        assertThat(sends.get(1).bytes()).isEqualTo(query.bytes());

        n.answer(remote, sends.get(1), Dict.builder());
        assertThat(pinged).containsExactly(remote.contact());
    }

    @Test
    void aFloodOfForgedAnswersCostsItsSourceTokensAndGetsItBanned() {
        NodeUnderTest n = NodeUnderTest.withDefaults().started();
        GuardConfig guard = n.node.config().guard();
        int sent = guard.queryBurst() + guard.banAfterDrops();
        for (int i = 0; i < sent; i++) {
            n.env.deliver(n.node, flooder.address, FakeEnvironment.CODEC.encode(new KrpcResponse(
                    new byte[] {(byte) (i >>> 8), (byte) i, 7}, flooder.args().build(), flooder.version, null)));
        }
        assertThat(n.node.stats().unsolicitedDropped()).isEqualTo(sent);
        assertThat(n.node.stats().guard().floodBans()).isEqualTo(1);
        assertThat(n.deliver(flooder, flooder.query("ping", flooder.args().build()))).as("banned").isEmpty();
    }

    @Test
    void theRelaxedPresetIsExplicitAndTheDefaultsAreNotRelaxed() {
        assertThat(NodeConfig.relaxed().guard()).isEqualTo(GuardConfig.relaxed());
        assertThat(NodeConfig.defaults().guard()).isEqualTo(GuardConfig.defaults());
        assertThat(GuardConfig.defaults().queriesPerSecond()).isLessThan(GuardConfig.relaxed().queriesPerSecond());
    }
}
