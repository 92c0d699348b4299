package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.aso.ObjectMeta;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.Dict;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replication, through Node: store-on-join to newly verified contacts, and the hourly (jittered) republish. */
class ReplicationTest {
    private static final long TWO_HOURS = 2 * 3_600_000L;
    private static final byte[] TOKEN = "token-42".getBytes(StandardCharsets.UTF_8);

    private final Item item = Item.immutable(Bencode.encode("replicate me".getBytes(StandardCharsets.UTF_8)));
    private final NodeId objectKey = NodeId.ofKey("an object");
    private final byte[] code = "return {}".getBytes(StandardCharsets.UTF_8);
    private final byte[] state = "counter=3".getBytes(StandardCharsets.UTF_8);
    private final Peer a = new Peer(NodeId.ofKey("peer a"), 10);

    private static void holdItem(NodeUnderTest n, Item item) {
        new ItemStorage(n.env.store()).put(item, null, n.env.now(), n.env.now() + TWO_HOURS);
    }

    private void holdObject(NodeUnderTest n, ObjectMeta meta) {
        new ObjectStorage(n.env.store()).put(new StoredObject(objectKey, code, state, meta, 3, n.env.now() + TWO_HOURS));
    }

    /** The BEP 44 get queries for {@code target} the node sent to {@code peer} (a retry, the same bytes, counts once). */
    private static List<FakeEnvironment.Sent> getsFor(NodeUnderTest n, Peer peer, NodeId target) {
        return n.distinctQueriesTo(peer, "get").stream()
                .filter(s -> NodeUnderTest.query(s).arguments().id("target").equals(target)).toList();
    }

    /** {@code id} with bit {@code bit} (0: the most significant) flipped. */
    private static NodeId flip(NodeId id, int bit) {
        byte[] b = id.toBytes();
        b[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        return NodeId.fromBytes(b);
    }

    @Test
    void aHeldItemIsHandedToANewlyVerifiedContactWithItsRemainingLifetime() {
        NodeUnderTest n = NodeUnderTest.withDefaults();
        holdItem(n, item);
        n.env.advance(100_000);

        n.learn(a);
        List<FakeEnvironment.Sent> gets = getsFor(n, a, item.target());
        assertThat(gets).hasSize(1);
        assertThat(n.queriesTo(a, "put")).isEmpty();

        n.answer(a, gets.get(0), Dict.builder().put("token", TOKEN));

        Dict put = NodeUnderTest.query(n.onlyQueryTo(a, "put")).arguments();
        assertThat(put.bytes("token")).isEqualTo(TOKEN);
        assertThat(Bencode.encode(put.map().get("v"))).isEqualTo(item.value());
        assertThat(put.integer("ttl")).isEqualTo((TWO_HOURS - 100_000) / 1000);
        assertThat(n.node.replicationStats()).isEqualTo(new ReplicationStats(0, 0, 0, 1));
    }

    @Test
    void aHandOverOfManyRecordsIsPacedWithinTheNewcomersQueryAllowance() {
        NodeUnderTest n = NodeUnderTest.withDefaults();
        for (int i = 0; i < 100; i++) {
            holdItem(n, Item.immutable(Bencode.encode(("item " + i).getBytes(StandardCharsets.UTF_8))));
        }
        int atOnce = n.node.config().guard().queryBurst() / 4;
        int perSecond = n.node.config().guard().queriesPerSecond() / 4;

        // a newcomer that asked us first (so it knows our address) and answers as a Comet node: our pacer leaves the
        // hand-over's own pace alone; a's silence makes every get go out requestAttempts times
        n.askOk(a, "ping", a.args().build());
        n.learn(a);
        assertThat(n.distinctQueriesTo(a, "get")).as("a quarter of the newcomer's burst at once").hasSize(atOnce);
        n.env.advance(1_000);
        assertThat(n.distinctQueriesTo(a, "get")).hasSize(atOnce + perSecond);
        n.env.advance((100 - atOnce) / perSecond * 1_000L);
        assertThat(n.distinctQueriesTo(a, "get")).as("every record, in the end").hasSize(100);
    }

    @Test
    void aNewcomerThatIsNotAmongTheKClosestGetsNothing() {
        NodeId key = item.target();
        NodeUnderTest n = new NodeUnderTest(flip(key, 0), NodeConfig.builder().k(2).build(), new FakeEnvironment(7));
        Peer near1 = new Peer(flip(key, 159), 21);
        Peer near2 = new Peer(flip(key, 158), 22);
        Peer far = new Peer(flip(n.id(), 159), 23);
        holdItem(n, item);

        n.learn(near1);
        n.learn(near2);
        n.learn(far);

        assertThat(n.node.routingTable().entry(far.id)).as("far is in the table").isNotNull();
        assertThat(getsFor(n, near1, key)).hasSize(1);
        assertThat(getsFor(n, near2, key)).hasSize(1);
        assertThat(getsFor(n, far, key)).isEmpty();
    }

    @Test
    void objectsAreHandedToCometContactsOnlyAndItemsToAnyContact() {
        NodeUnderTest n = NodeUnderTest.withDefaults();
        holdItem(n, item);
        holdObject(n, ObjectMeta.NONE);
        Peer mainline = new Peer(NodeId.ofKey("libtorrent"), 11);
        mainline.version = null;

        n.learn(mainline);
        n.learn(a);

        assertThat(getsFor(n, mainline, item.target())).hasSize(1);
        assertThat(getsFor(n, mainline, objectKey)).isEmpty();
        assertThat(getsFor(n, a, item.target())).hasSize(1);
        assertThat(getsFor(n, a, objectKey)).hasSize(1);
    }

    @Test
    void aHandedOverObjectTravelsAsAReplicaWithItsStateLifetimeAndReplicaCount() {
        NodeUnderTest n = NodeUnderTest.withDefaults();
        holdObject(n, ObjectMeta.NONE);

        n.learn(a);
        n.answer(a, getsFor(n, a, objectKey).get(0), Dict.builder().put("token", TOKEN));

        Dict put = NodeUnderTest.query(n.onlyQueryTo(a, "comet_put")).arguments();
        assertThat(put.id("k")).isEqualTo(objectKey);
        assertThat(put.bytes("code")).isEqualTo(code);
        assertThat(put.bytes("state")).isEqualTo(state);
        assertThat(put.integer("replica")).isEqualTo(1);
        assertThat(put.integer("n")).isEqualTo(3);
        assertThat(put.integer("ttl")).isEqualTo(TWO_HOURS / 1000);
        assertThat(n.node.objectStats().replicaStores()).isEqualTo(1);
    }

    @Test
    void anObjectThatReplicatesItselfIsNotHandedOver() {
        NodeUnderTest n = NodeUnderTest.withDefaults();
        holdObject(n, new ObjectMeta(0, false));

        n.learn(a);

        assertThat(getsFor(n, a, objectKey)).isEmpty();
    }

    @Test
    void nothingIsHandedOverWithReplicationOffOrOnAReadOnlyNode() {
        NodeUnderTest off = NodeUnderTest.with(NodeConfig.defaults().withReplication(false));
        holdItem(off, item);
        off.learn(a);
        assertThat(off.queriesTo(a, "get")).isEmpty();

        NodeUnderTest readOnly = NodeUnderTest.withDefaults();
        readOnly.node.setReadOnly(true);
        holdItem(readOnly, item);
        readOnly.learn(a);
        assertThat(readOnly.queriesTo(a, "get")).isEmpty();
    }

    @Test
    void republishLooksUpEachHeldItemAfterTheIntervalWithJitterAndStoresItWithItsRemainingLifetime() {
        long interval = 10_000;
        NodeUnderTest n = NodeUnderTest.with(NodeConfig.builder().republishIntervalMillis(interval)
                .maintenanceIntervalMillis(600_000L).build());
        n.started();
        n.learn(a);
        holdItem(n, item);
        long stored = n.env.now();

        n.env.advance(interval * 9 / 10 - 1);
        assertThat(getsFor(n, a, item.target())).isEmpty();
        n.env.advance(interval / 5 + 1);
        List<FakeEnvironment.Sent> gets = getsFor(n, a, item.target());
        assertThat(gets).hasSize(1);

        n.env.advance(5);
        n.answer(a, gets.get(0), Dict.builder().put("token", TOKEN).put("nodes", new byte[0]));

        Dict put = NodeUnderTest.query(n.onlyQueryTo(a, "put")).arguments();
        assertThat(put.bytes("token")).isEqualTo(TOKEN);
        assertThat(put.integer("ttl")).isEqualTo((stored + TWO_HOURS - n.env.now()) / 1000);
    }

    @Test
    void republishRunsAgainEveryInterval() {
        long interval = 10_000;
        NodeUnderTest n = NodeUnderTest.with(NodeConfig.builder().republishIntervalMillis(interval)
                .maintenanceIntervalMillis(600_000L).build());
        n.started();
        n.learn(a);
        holdItem(n, item);

        for (int round = 1; round <= 3; round++) {
            // each round's lookup is answered as soon as it asks (a lookup gives a silent contact up after a few
            // seconds), and it asks within the interval, jitter included
            long roundStart = n.env.now();
            while (getsFor(n, a, item.target()).size() < round && n.env.now() - roundStart < interval * 11 / 10) {
                n.env.advance(100);
                answerPings(n, a); // the store is left unanswered; the ping that checks a after it is not
            }
            List<FakeEnvironment.Sent> gets = getsFor(n, a, item.target());
            assertThat(gets).hasSize(round);
            n.answer(a, gets.get(round - 1), Dict.builder().put("token", TOKEN).put("nodes", new byte[0]));
        }
        assertThat(n.distinctQueriesTo(a, "put")).hasSize(3);
        // three rounds, each a lookup of one request (answered at once) and one store
        assertThat(n.node.replicationStats()).isEqualTo(new ReplicationStats(3, 3, 3, 0));
        assertThat(n.node.replicationStats().messagesPerRound()).isEqualTo(2.0);
        assertThat(n.node.lookupMessages()).as("the node's lookups were those three").isEqualTo(3);
    }

    /**
     * A node at {@code self} holding an object with one replica (n = 1, no slack), that knows one Comet contact
     * {@code closer} and republishes every 10 s; returns the comet_put its republish sends to that contact, unanswered.
     */
    private FakeEnvironment.Sent republishOneReplicaObject(NodeUnderTest n, Peer closer) {
        n.started();
        n.learn(closer);
        new ObjectStorage(n.env.store()).put(new StoredObject(objectKey, code, state, ObjectMeta.NONE, 1,
                n.env.now() + TWO_HOURS));
        n.env.advance(11_000);
        n.answer(closer, getsFor(n, closer, objectKey).get(0), Dict.builder().put("token", TOKEN).put("nodes", new byte[0]));
        return n.onlyQueryTo(closer, "comet_put");
    }

    private static NodeConfig hygiene() {
        return NodeConfig.builder().republishIntervalMillis(10_000).maintenanceIntervalMillis(600_000L)
                .objects(dev.comet.aso.ObjectConfig.builder().handOffMargin(0).build()).build();
    }

    @Test
    void aHolderBeyondTheClosestDropsItsCopyOnceTheClosestHaveConfirmedTheStore() {
        NodeUnderTest n = new NodeUnderTest(flip(objectKey, 0), hygiene(), new FakeEnvironment(7));
        Peer closest = new Peer(flip(objectKey, 159), 21);
        FakeEnvironment.Sent put = republishOneReplicaObject(n, closest);
        assertThat(new ObjectStorage(n.env.store()).get(objectKey, n.env.now())).as("kept until confirmed").isPresent();

        n.answer(closest, put, Dict.builder());

        assertThat(new ObjectStorage(n.env.store()).get(objectKey, n.env.now())).isEmpty();
        assertThat(n.node.objectStats().replicasDropped()).isEqualTo(1);
    }

    @Test
    void aHolderBeyondTheClosestKeepsItsCopyWhenTheStoreIsNotConfirmed() {
        NodeUnderTest n = new NodeUnderTest(flip(objectKey, 0), hygiene(), new FakeEnvironment(7));
        Peer closest = new Peer(flip(objectKey, 159), 21);
        FakeEnvironment.Sent put = republishOneReplicaObject(n, closest);

        env(n).deliver(n.node, closest.address, closest.error(put, 202, "busy"));

        assertThat(new ObjectStorage(n.env.store()).get(objectKey, n.env.now())).isPresent();
    }

    @Test
    void theClosestHolderKeepsItsCopy() {
        NodeUnderTest n = new NodeUnderTest(flip(objectKey, 159), hygiene(), new FakeEnvironment(7));
        Peer farther = new Peer(flip(objectKey, 0), 21);
        n.started();
        n.learn(farther);
        new ObjectStorage(n.env.store()).put(new StoredObject(objectKey, code, state, ObjectMeta.NONE, 1,
                n.env.now() + TWO_HOURS));

        n.env.advance(11_000);
        n.answer(farther, getsFor(n, farther, objectKey).get(0), Dict.builder().put("token", TOKEN).put("nodes", new byte[0]));

        assertThat(n.queriesTo(farther, "comet_put")).isEmpty();
        assertThat(new ObjectStorage(n.env.store()).get(objectKey, n.env.now())).isPresent();
    }

    private static FakeEnvironment env(NodeUnderTest n) {
        return n.env;
    }

    @Test
    void aReplicaStoreFromBeyondTheClosestIsAnsweredFarAndOneFromAmongThemIsNot() {
        NodeUnderTest n = new NodeUnderTest(flip(objectKey, 159), hygiene(),
                new FakeEnvironment(7).useAsoRuntime(new ScriptedAsoRuntime()));
        Peer near = new Peer(flip(objectKey, 158), 21);
        Peer far = new Peer(flip(objectKey, 0), 22);
        n.learn(near);

        // n = 1, no slack: this node is closer than both, so only the far one is told
        Dict toFar = n.askOk(far, "comet_put", CometPut.args(far.id, objectKey, n.tokenFor(far, objectKey), code, state,
                true, 600, 1, null));
        Dict toNear = n.askOk(near, "comet_put", CometPut.args(near.id, objectKey, n.tokenFor(near, objectKey), code,
                state, true, 600, 2, null));

        assertThat(toFar.has("far")).isTrue();
        assertThat(toNear.has("far")).as("near is second of n = 2").isFalse();
    }

    @Test
    void aHandOverAnsweredFarStartsTheLookupThatChecks() {
        NodeUnderTest n = new NodeUnderTest(flip(objectKey, 0), NodeConfig.defaults(), new FakeEnvironment(7));
        // n = 2: the one contact this node knows leaves it second, among the closest as far as its table knows
        new ObjectStorage(n.env.store()).put(new StoredObject(objectKey, code, state, ObjectMeta.NONE, 2,
                n.env.now() + TWO_HOURS));
        Peer closest = new Peer(flip(objectKey, 159), 21);

        n.learn(closest);
        n.answer(closest, getsFor(n, closest, objectKey).get(0), Dict.builder().put("token", TOKEN));
        assertThat(getsFor(n, closest, objectKey)).as("the handover's token only").hasSize(1);

        n.answer(closest, n.onlyQueryTo(closest, "comet_put"), Dict.builder().put("far", 1L));

        assertThat(getsFor(n, closest, objectKey)).as("a lookup for the key").hasSize(2);
    }

    @Test
    void aHolderWhoseTableKnowsNCloserNodesLooksTheKeyUpBetweenRepublishesAndStoresNothingWhenInRange() {
        NodeUnderTest n = new NodeUnderTest(flip(objectKey, 0), NodeConfig.builder().maintenanceIntervalMillis(3_600_000L)
                .objects(dev.comet.aso.ObjectConfig.builder().replicaCheckIntervalMillis(600_000L).build()).build(),
                new FakeEnvironment(7));
        Peer closest = new Peer(flip(objectKey, 159), 21);
        n.started();
        n.learn(closest);
        new ObjectStorage(n.env.store()).put(new StoredObject(objectKey, code, state, ObjectMeta.NONE, 1,
                n.env.now() + TWO_HOURS));

        n.env.advance(8 * 60_000);
        assertThat(getsFor(n, closest, objectKey)).isEmpty();
        n.env.advance(4 * 60_000);
        List<FakeEnvironment.Sent> gets = getsFor(n, closest, objectKey);
        assertThat(gets).as("one check within 10 min ± 10 %%").hasSize(1);

        // n = 1 and a margin of 1: second of the Comet nodes found is within range, so nothing is stored or dropped
        n.answer(closest, gets.get(0), Dict.builder().put("token", TOKEN).put("nodes", new byte[0]));
        assertThat(n.queriesTo(closest, "comet_put")).isEmpty();
        assertThat(new ObjectStorage(n.env.store()).get(objectKey, n.env.now())).isPresent();
    }

    @Test
    void aHolderItsTableShowsBehindNCloserNodesHandsNothingOverAndChecksInstead() {
        NodeUnderTest n = new NodeUnderTest(flip(objectKey, 0), NodeConfig.defaults(), new FakeEnvironment(7));
        new ObjectStorage(n.env.store()).put(new StoredObject(objectKey, code, state, ObjectMeta.NONE, 1,
                n.env.now() + TWO_HOURS));
        Peer closer = new Peer(flip(objectKey, 159), 21);

        n.learn(closer);

        // the one get for the key is a lookup (BEP 44 get with cm = 1), not a handover's token request
        List<FakeEnvironment.Sent> gets = getsFor(n, closer, objectKey);
        assertThat(gets).hasSize(1);
        assertThat(NodeUnderTest.query(gets.get(0)).arguments().has("cm")).isTrue();
        n.answer(closer, gets.get(0), Dict.builder().put("token", TOKEN).put("nodes", new byte[0]));
        assertThat(n.queriesTo(closer, "comet_put")).as("n = 1, margin 1: within range, nothing stored").isEmpty();
    }

    /**
     * The node looks {@code silent} up: every one of {@code others} answers it (with no nodes), {@code silent} never.
     * Returns as soon as the node has marked {@code silent} failed.
     */
    private static void fallsSilent(NodeUnderTest n, Peer silent, List<Peer> others) {
        n.node.lookup(silent.id, result -> { });
        java.util.Set<FakeEnvironment.Sent> answered = new java.util.HashSet<>();
        for (int tick = 0; tick < 600 && n.node.routingTable().cometEntry(silent.id).failures() == 0; tick++) {
            for (Peer p : others) {
                for (FakeEnvironment.Sent q : n.queriesTo(p, "find_node")) {
                    if (answered.add(q)) {
                        n.answer(p, q, Dict.builder().put("nodes", new byte[0]));
                    }
                }
            }
            n.env.advance(100); // well within any request timeout: only the silent one fails
        }
    }

    /** A node with id {@code id} that knows {@code peers} as Comet nodes and holds the object. */
    private NodeUnderTest holderAmong(NodeId id, Peer... peers) {
        NodeUnderTest n = new NodeUnderTest(id, NodeConfig.defaults(), new FakeEnvironment(7));
        for (Peer p : peers) {
            n.learn(p);
        }
        holdObject(n, ObjectMeta.NONE);
        return n;
    }

    @Test
    void aReplicaThatFallsSilentHasItsPlaceAmongTheClosestFilledByTheHoldersThatNoticeIt() {
        // n = 3; the node is second closest. Closest first: c, gone, node, d, m, so the closest three are c, gone and
        // the node, and d moves in when gone falls silent; m stays fourth
        Peer c = new Peer(flip(objectKey, 159), 21);
        Peer gone = new Peer(flip(objectKey, 158), 22);
        Peer d = new Peer(flip(objectKey, 145), 23);
        Peer m = new Peer(flip(objectKey, 140), 24);
        NodeUnderTest n = holderAmong(flip(objectKey, 150), c, gone, d, m);

        fallsSilent(n, m, List.of(c, gone, d));
        assertThat(n.node.routingTable().cometEntry(m.id).failures()).as("m fell silent").isPositive();
        assertThat(getsFor(n, d, objectKey)).as("m was not among the closest three: nothing to repair").isEmpty();

        fallsSilent(n, gone, List.of(c, d, m));
        assertThat(getsFor(n, d, objectKey)).as("nothing handed over before the ping confirms the loss").isEmpty();
        pingGoesUnanswered(n, gone);

        assertThat(getsFor(n, d, objectKey)).as("the token request of d's hand-over").hasSize(1);
        assertThat(getsFor(n, c, objectKey)).isEmpty();
        assertThat(getsFor(n, m, objectKey)).isEmpty();
        n.answer(d, getsFor(n, d, objectKey).get(0), Dict.builder().put("token", TOKEN));
        Dict put = NodeUnderTest.query(n.onlyQueryTo(d, "comet_put")).arguments();
        assertThat(put.id("k")).isEqualTo(objectKey);
        assertThat(put.bytes("state")).isEqualTo(state);
    }

    @Test
    void aReplicaThatAnswersThePingAfterASilenceKeepsItsPlace() {
        // as above, but gone was only slow: it answers the ping that checks it, and nothing is handed over
        Peer c = new Peer(flip(objectKey, 159), 21);
        Peer gone = new Peer(flip(objectKey, 158), 22);
        Peer d = new Peer(flip(objectKey, 145), 23);
        NodeUnderTest n = holderAmong(flip(objectKey, 150), c, gone, d);

        fallsSilent(n, gone, List.of(c, d));
        FakeEnvironment.Sent ping = n.queriesTo(gone, "ping").get(n.queriesTo(gone, "ping").size() - 1);
        n.answer(gone, ping, Dict.builder());
        n.env.advance(60_000);

        assertThat(getsFor(n, d, objectKey)).as("nothing handed over").isEmpty();
        assertThat(n.node.routingTable().cometEntry(gone.id).failures()).as("answered: failures reset").isZero();
    }

    private final java.util.Set<FakeEnvironment.Sent> answeredPings = new java.util.HashSet<>();

    /** {@code peer} answers the pings the node sent it that are still unanswered. */
    private void answerPings(NodeUnderTest n, Peer peer) {
        for (FakeEnvironment.Sent ping : n.queriesTo(peer, "ping")) {
            if (answeredPings.add(ping)) {
                n.answer(peer, ping, Dict.builder());
            }
        }
    }

    /** The ping that checks {@code silent} after its first silence goes unanswered, every attempt. */
    private static void pingGoesUnanswered(NodeUnderTest n, Peer silent) {
        int before = n.node.routingTable().cometEntry(silent.id).failures();
        assertThat(n.queriesTo(silent, "ping")).as("the ping that checks the silence").isNotEmpty();
        for (int tick = 0; tick < 600 && n.node.routingTable().cometEntry(silent.id).failures() == before; tick++) {
            n.env.advance(100);
        }
        assertThat(n.node.routingTable().cometEntry(silent.id).failures()).isGreaterThan(before);
    }

    @Test
    void aHolderBehindTheClosestLeavesTheRepairToThoseNearerTheKey() {
        // n = 3; c, gone, d and e are all closer than the node, so it sits beyond the closest and repairs nothing
        // (a holder in range would hand the object to d, which moves up into second place)
        Peer c = new Peer(flip(objectKey, 159), 21);
        Peer gone = new Peer(flip(objectKey, 158), 22);
        Peer d = new Peer(flip(objectKey, 150), 23);
        Peer e = new Peer(flip(objectKey, 145), 24);
        NodeUnderTest n = holderAmong(flip(objectKey, 140), c, gone, d, e);

        int pingsBefore = n.queriesTo(gone, "ping").size();
        fallsSilent(n, gone, List.of(c, d, e));
        assertThat(n.queriesTo(gone, "ping")).as("nothing to repair: the silence is not checked").hasSize(pingsBefore);
        n.env.advance(60_000);

        assertThat(n.node.routingTable().cometEntry(gone.id).failures()).isPositive();
        for (Peer p : List.of(c, d, e)) {
            assertThat(getsFor(n, p, objectKey)).isEmpty();
        }
    }
}
