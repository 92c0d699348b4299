package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcMessage;
import dev.comet.routing.ContactEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Membership, through Node: joining (ready or not), learning contacts from answers and queries, verification. */
class MembershipTest {
    private final NodeUnderTest n = NodeUnderTest.withDefaults();
    private final NodeConfig config = n.node.config();
    private final Peer bootstrap = new Peer(NodeId.ofKey("bootstrap"), 10);
    private final Peer a = new Peer(NodeId.ofKey("peer a"), 11);

    /** The bootstrap peer answers every query the node sent it and has not had answered, naming no other node. */
    private int answerAllFromBootstrap(int answeredSoFar) {
        List<FakeEnvironment.Sent> sent = n.env.sent(s -> s.to().equals(bootstrap.address) && s.method() != null);
        for (FakeEnvironment.Sent s : sent.subList(answeredSoFar, sent.size())) {
            n.answer(bootstrap, s, Dict.builder().put("nodes", new byte[0]));
        }
        return sent.size();
    }

    /** Starts the node with the bootstrap peer, which answers every query of the join, naming no other node. */
    private void joinThroughBootstrapNamingNobody() {
        n.node.start(List.of(bootstrap.address));
        int answered = 0;
        for (int round = 0; round < 10 && !n.node.isReady(); round++) {
            answered = answerAllFromBootstrap(answered);
        }
    }

    @Test
    void aNodeStartedWithoutBootstrapAddressesIsReadyAtOnce() {
        AtomicInteger readyCalls = new AtomicInteger();
        n.node.whenReady(readyCalls::incrementAndGet);

        n.node.start(List.of());

        assertThat(n.node.isReady()).isTrue();
        assertThat(readyCalls).hasValue(1);
        n.node.whenReady(readyCalls::incrementAndGet);
        assertThat(readyCalls).hasValue(2);
    }

    @Test
    void aNodeWhoseBootstrapNeverAnswersIsNotReadyAndTriesAgainAfterTheRetryPause() {
        n.node.start(List.of(bootstrap.address));
        long giveUp = config.requestTimeoutMillis() * config.requestAttempts();

        n.env.advance(giveUp + config.bootstrapRetryMillis() - 1);
        assertThat(n.queriesTo(bootstrap, "find_node")).hasSize(config.requestAttempts());
        assertThat(n.node.isReady()).isFalse();

        n.env.advance(1);
        List<FakeEnvironment.Sent> sends = n.queriesTo(bootstrap, "find_node");
        assertThat(sends).hasSize(config.requestAttempts() + 1);
        assertThat(NodeUnderTest.query(sends.get(sends.size() - 1)).arguments().id("target")).isEqualTo(n.id());
        assertThat(n.node.isReady()).isFalse();
    }

    @Test
    void aNodeJoinsThroughABootstrapNodeThatAnswersAndBecomesReady() {
        n.node.start(List.of(bootstrap.address));
        assertThat(n.node.isReady()).isFalse();

        int answered = 0;
        for (int round = 0; round < 10 && !n.node.isReady(); round++) {
            answered = answerAllFromBootstrap(answered);
        }

        assertThat(n.node.isReady()).isTrue();
        assertThat(n.node.routingTable().entry(bootstrap.id).lastResponse()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aNewcomerWhoseBootstrapNodeLeavesAfterAnsweringJoinsThroughTheNodesItNamed() {
        n.node.start(List.of(bootstrap.address));
        n.answer(bootstrap, n.onlyQueryTo(bootstrap, "find_node"),
                Dict.builder().put("nodes", CompactInfo.nodes(List.of(a.contact()))));

        // the bootstrap node never answers again; the named node answers every find_node, naming nobody
        int answered = 0;
        for (long waited = 0; waited < 60_000 && !n.node.isReady(); waited += 1_000) {
            List<FakeEnvironment.Sent> toA = n.queriesTo(a, "find_node");
            for (FakeEnvironment.Sent s : toA.subList(answered, toA.size())) {
                n.answer(a, s, Dict.builder().put("nodes", new byte[0]));
            }
            answered = toA.size();
            n.env.advance(1_000);
        }

        assertThat(answered).as("the self lookup asked the node the bootstrap node named").isPositive();
        assertThat(n.node.isReady()).isTrue();
        assertThat(n.node.routingTable().entry(a.id).lastResponse()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aNodeThatKnowsNobodyAliveAfterItsJoinIsNotReadyAndBootstrapsAgain() {
        n.node.start(List.of(bootstrap.address));
        n.answer(bootstrap, n.onlyQueryTo(bootstrap, "find_node"), Dict.builder().put("nodes", new byte[0]));

        // the bootstrap node left after its first answer: the join's lookups (a few request timeouts) go unanswered
        long giveUp = config.requestTimeoutMillis() * config.requestAttempts();
        long round = giveUp + config.bootstrapRetryMillis();
        n.env.advance(6 * giveUp);
        assertThat(n.node.isReady()).as("a node that knows nobody alive has not joined").isFalse();

        // from now on, every find_node to the bootstrap address is a bootstrap tried again after the retry pause
        int before = n.distinctQueriesTo(bootstrap, "find_node").size();
        n.env.advance(3 * round);
        List<FakeEnvironment.Sent> after = n.distinctQueriesTo(bootstrap, "find_node");
        assertThat(after).as("the bootstrap is tried again after each retry pause")
                .hasSizeGreaterThanOrEqualTo(before + 2);
        assertThat(NodeUnderTest.query(after.get(after.size() - 1)).arguments().id("target")).isEqualTo(n.id());
        assertThat(n.node.isReady()).isFalse();

        // one round of retries at a time: maintenance starts no second one beside it, however long it goes on
        int sinceThen = n.distinctQueriesTo(bootstrap, "find_node").size();
        long later = 10 * config.maintenanceIntervalMillis();
        n.env.advance(later);
        assertThat(n.distinctQueriesTo(bootstrap, "find_node").size() - sinceThen)
                .isLessThanOrEqualTo((int) (later / config.bootstrapRetryMillis()) + 1);
    }

    @Test
    void aJoinThatLeavesFewContactsLooksForNodesInEverySubtreeOfTheIdSpace() {
        joinThroughBootstrapNamingNobody();

        // the bootstrap node named nobody: besides its own id, the node asked for ids in each half, quarter, ... of
        // the id space, where a bootstrap node with a stale bucket near the newcomer names other contacts
        assertThat(n.node.isReady()).isTrue();
        Set<Integer> levels = new HashSet<>();
        for (FakeEnvironment.Sent s : n.queriesTo(bootstrap, "find_node")) {
            levels.add(n.id().commonPrefixLength(NodeUnderTest.query(s).arguments().id("target")));
        }
        assertThat(levels).containsAll(List.of(0, 1, 2, 3, 4, 5, 6, 7));
    }

    /** The bootstrap peer answers the started node's first find_node naming {@code peers}. */
    private void bootstrapNames(NodeUnderTest node, List<Peer> peers) {
        node.answer(bootstrap, node.onlyQueryTo(bootstrap, "find_node"),
                Dict.builder().put("nodes", CompactInfo.nodes(peers.stream().map(Peer::contact).toList())));
    }

    /**
     * {@code peers} answer the queries the node sent them that {@code answered} picks (naming nobody), until it is
     * ready or ten rounds have passed.
     */
    private static void answerUntilReady(NodeUnderTest node, List<Peer> peers,
                                         java.util.function.Predicate<FakeEnvironment.Sent> answered) {
        answerUntil(node, peers, answered, new HashSet<>(), node.node::isReady);
    }

    /**
     * {@code peers} answer the queries the node sent them that {@code answered} picks and that are not in
     * {@code done} yet (naming nobody), until {@code stop} holds or ten rounds have passed.
     */
    private static void answerUntil(NodeUnderTest node, List<Peer> peers,
                                    java.util.function.Predicate<FakeEnvironment.Sent> answered,
                                    Set<FakeEnvironment.Sent> done, java.util.function.BooleanSupplier stop) {
        for (int round = 0; round < 10 && !stop.getAsBoolean(); round++) {
            for (Peer p : peers) {
                for (FakeEnvironment.Sent s : node.env.sent(s -> s.to().equals(p.address) && s.method() != null)) {
                    if (answered.test(s) && done.add(s)) {
                        node.answer(p, s, Dict.builder().put("nodes", new byte[0]));
                    }
                }
            }
        }
    }

    /** Starts {@code node} with the bootstrap peer, which names {@code peers}; they answer every query. */
    private void joinThroughPeersNamedByBootstrap(NodeUnderTest node, List<Peer> peers) {
        node.node.start(List.of(bootstrap.address));
        bootstrapNames(node, peers);
        answerUntilReady(node, peers, s -> true);
    }

    /** The targets of the find_node queries {@code node} has sent so far, to anyone. */
    private static Set<NodeId> findNodeTargets(NodeUnderTest node) {
        Set<NodeId> targets = new HashSet<>();
        for (FakeEnvironment.Sent s : node.env.sent(s -> "find_node".equals(s.method()))) {
            targets.add(NodeUnderTest.query(s).arguments().id("target"));
        }
        return targets;
    }

    /**
     * {@code count} peers whose ids share 10, 11, 12, ... leading bits with the node's: closer to it than the bootstrap
     * node, so that its self lookup asks K of them, and its table, over K, splits into buckets most of which are
     * not full.
     */
    private List<Peer> peersNearTheNode(NodeUnderTest node, int count) {
        java.util.Random random = new java.util.Random(7);
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> new Peer(node.id().randomWithSharedPrefix(10 + i, random), 100 + i)).toList();
    }

    /** Two peers in the far half and quarter of the id space, which split a table of K near contacts. */
    private static List<Peer> farPeers(NodeUnderTest node) {
        java.util.Random random = new java.util.Random(11);
        return List.of(new Peer(node.id().randomWithSharedPrefix(0, random), 200),
                new Peer(node.id().randomWithSharedPrefix(1, random), 201));
    }

    @Test
    void aNewcomerThatKnowsKNodesAfterItsSelfLookupIsReadyAndFillsItsBucketsOnlyAfterTheFillDelay() {
        joinThroughPeersNamedByBootstrap(n, peersNearTheNode(n, config.k() + 4));
        assertThat(n.node.routingTable().size()).as("the self lookup taught it K").isGreaterThanOrEqualTo(config.k());
        assertThat(n.node.isReady()).isTrue();
        assertThat(findNodeTargets(n)).as("only its own id was looked up").containsExactly(n.id());

        // it meets two far nodes meanwhile: its table splits into buckets that are not full
        farPeers(n).forEach(n::learn);
        assertThat(n.node.routingTable().bucketCount()).isGreaterThan(1);
        n.env.advance(config.joinFillDelayMillis() - 1);
        assertThat(findNodeTargets(n)).as("no fill before the delay").containsExactly(n.id());

        n.env.advance(1);
        Set<NodeId> targets = findNodeTargets(n);
        targets.remove(n.id());
        assertThat(targets).as("a lookup for each bucket still not full, at most one a bucket").isNotEmpty()
                .hasSizeLessThanOrEqualTo(n.node.routingTable().bucketCount());
    }

    @Test
    void aNodeStoppedBeforeItsFillDelaySendsNoFills() {
        joinThroughPeersNamedByBootstrap(n, peersNearTheNode(n, config.k() + 4));
        farPeers(n).forEach(n::learn);
        assertThat(n.node.isReady()).isTrue();

        n.node.stop();
        n.env.advance(config.joinFillDelayMillis() + config.maintenanceIntervalMillis());
        assertThat(findNodeTargets(n)).containsExactly(n.id());
    }

    @Test
    void fillingTheBucketsNowSendsTheDeferredFillsAtOnceReportsWhenTheyEndAndLeavesNoneForLater() {
        List<Peer> peers = new ArrayList<>(peersNearTheNode(n, config.k() + 4));
        joinThroughPeersNamedByBootstrap(n, peers);
        peers.addAll(farPeers(n));
        peers.add(bootstrap);
        farPeers(n).forEach(n::learn);
        boolean[] filled = {false};
        n.node.fillBuckets(() -> filled[0] = true);
        Set<NodeId> targets = findNodeTargets(n);
        targets.remove(n.id());
        assertThat(targets).as("a lookup for each bucket not full, at once").isNotEmpty()
                .hasSizeLessThanOrEqualTo(n.node.routingTable().bucketCount());
        assertThat(filled[0]).as("not done while its lookups are under way").isFalse();

        Set<FakeEnvironment.Sent> answered = new HashSet<>();
        answerUntil(n, peers, s -> true, answered, () -> filled[0]);
        assertThat(filled[0]).as("done once its lookups have their answers").isTrue();
        Set<NodeId> afterFill = findNodeTargets(n);
        for (long t = 0; t <= config.joinFillDelayMillis(); t += 10_000) {
            n.env.advance(10_000);
            answerUntil(n, peers, s -> true, answered, () -> false);
        }
        assertThat(findNodeTargets(n)).as("the deferred fill was cancelled").isEqualTo(afterFill);
    }

    @Test
    void withNoFillDelayANewcomerFillsItsBucketsBeforeItIsReady() {
        NodeUnderTest paper = NodeUnderTest.with(NodeConfig.builder().joinFillDelayMillis(0).build());
        paper.node.start(List.of(bootstrap.address));
        // two far contacts first, so that the table the self lookup leaves has buckets that are not full
        farPeers(paper).forEach(paper::learn);
        List<Peer> near = peersNearTheNode(paper, config.k() + 4);
        bootstrapNames(paper, near);
        // the near peers answer the self lookup only: the fills it sends next are left unanswered, so the join waits
        answerUntilReady(paper, near, s -> "find_node".equals(s.method())
                && NodeUnderTest.query(s).arguments().id("target").equals(paper.id()));
        assertThat(paper.node.routingTable().size()).isGreaterThanOrEqualTo(config.k());
        assertThat(findNodeTargets(paper)).as("the fills went out right after the self lookup").hasSizeGreaterThan(1);
        assertThat(paper.node.isReady()).as("the join ends when its fills do").isFalse();
    }

    @Test
    void aReadyNodeWhoseContactsHaveAllFailedBootstrapsAgainAtItsNextMaintenance() {
        joinThroughBootstrapNamingNobody();
        assertThat(n.node.isReady()).isTrue();
        n.learn(a);
        n.env.advance(config.maintenanceIntervalMillis() * 2);

        // both contacts leave: the next lookup's queries to them fail, and nothing else is alive in the table
        n.node.lookup(NodeId.ofKey("after they left"), r -> { });
        n.env.advance(config.requestTimeoutMillis() * config.requestAttempts());
        int before = n.distinctQueriesTo(bootstrap, "find_node").size();
        n.env.advance(config.maintenanceIntervalMillis() * 2);

        List<FakeEnvironment.Sent> after = n.distinctQueriesTo(bootstrap, "find_node");
        assertThat(after).as("find_node(own id) to the bootstrap address again").hasSizeGreaterThan(before);
        assertThat(NodeUnderTest.query(after.get(before)).arguments().id("target")).isEqualTo(n.id());
    }

    @Test
    void aContactThatAnswersEntersTheRoutingTableAsVerified() {
        n.learn(a);

        ContactEntry entry = n.node.routingTable().entry(a.id);
        assertThat(entry).isNotNull();
        assertThat(entry.lastResponse()).isEqualTo(n.env.now());
        assertThat(entry.speaksComet()).isTrue();
    }

    @Test
    void aContactThatOnlyQueriesUsIsPingedBackAndEntersTheTableOnlyWhenItAnswers() {
        n.askOk(a, "ping", a.args().build());

        assertThat(n.node.routingTable().entry(a.id)).as("unverified: not in the table").isNull();
        assertThat(n.onlyQueryTo(a, "ping")).isNotNull();

        n.answer(a, n.onlyQueryTo(a, "ping"), Dict.builder());
        assertThat(n.node.routingTable().entry(a.id).lastResponse()).isEqualTo(n.env.now());
    }

    @Test
    void aReadOnlyQuerierIsAnsweredButNotLearnt() {
        List<KrpcMessage> replies = n.deliver(a, a.query(new byte[] {9, 9}, "ping", a.args().build(), true));

        assertThat(replies).hasSize(1);
        assertThat(n.node.routingTable().entry(a.id)).isNull();
        assertThat(n.env.sent(s -> "ping".equals(s.method()))).isEmpty();
    }

    @Test
    void aPlainMainlineContactIsNotTakenForACometNode() {
        Peer mainline = new Peer(NodeId.ofKey("libtorrent"), 12);
        mainline.version = "LT\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1);

        n.learn(mainline);

        assertThat(n.node.routingTable().entry(mainline.id).speaksComet()).isFalse();
    }

    @Test
    void nodesHeardOfSecondHandAreVerifiedBeforeEnteringTheTable() {
        Peer heardOf = new Peer(NodeId.ofKey("heard of"), 13);
        n.learn(a);
        n.node.lookup(NodeId.ofKey("target"), r -> { });

        n.answer(a, n.onlyQueryTo(a, "find_node"), Dict.builder().put("nodes", CompactInfo.nodes(List.of(heardOf.contact()))));

        assertThat(n.node.routingTable().entry(heardOf.id)).isNull();
        FakeEnvironment.Sent verification = n.onlyQueryTo(heardOf, "ping");
        n.answer(heardOf, verification, Dict.builder());
        assertThat(n.node.routingTable().entry(heardOf.id).lastResponse()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aLivenessPingGoesOutPingAttemptsTimesWhereALookupsQueryGoesOutRequestAttemptsTimes() {
        assertThat(config.pingAttempts()).as("the defaults send a liveness ping fewer times").isLessThan(
                config.requestAttempts());
        Peer heardOf = new Peer(NodeId.ofKey("heard of"), 13);
        Peer querier = new Peer(NodeId.ofKey("querier"), 14);
        n.learn(a);
        n.node.lookup(NodeId.ofKey("target"), r -> { });
        n.answer(a, n.onlyQueryTo(a, "find_node"), Dict.builder().put("nodes", CompactInfo.nodes(List.of(heardOf.contact()))));
        n.askOk(querier, "ping", querier.args().build());

        // both stay silent: the verification pings give up after pingAttempts sends, the lookup's query after more
        n.env.advance(4 * config.requestTimeoutMillis() * config.requestAttempts());

        assertThat(n.queriesTo(heardOf, "ping")).as("the newcomer's verification").hasSize(config.pingAttempts());
        assertThat(n.queriesTo(querier, "ping")).as("the querier's verification").hasSize(config.pingAttempts());
        assertThat(n.queriesTo(heardOf, "find_node")).as("the lookup's query").hasSize(config.requestAttempts());
    }

    @Test
    void onceManyLookupStepsWentUnansweredThroughEverySendASilentStepIsNotSentAgainEveryTimeButPingsStillAre() {
        // nodes that have left: each lookup's only contact stays silent through all of its sends
        for (int i = 0; i < 200; i++) {
            Peer gone = new Peer(NodeId.ofKey("gone " + i), 100 + i);
            n.learn(gone);
            n.node.lookup(NodeId.ofKey("target " + i), r -> { });
            n.env.advance(config.requestTimeoutMillis() * config.requestAttempts());
        }
        assertThat(n.node.stats().retriesSkipped()).as("re-sends left out once they stopped paying").isPositive();

        Peer silent = new Peer(NodeId.ofKey("one more gone"), 400);
        n.learn(silent);
        n.node.lookup(NodeId.ofKey("one more target"), r -> { });
        Peer querier = new Peer(NodeId.ofKey("a querier"), 401);
        n.askOk(querier, "ping", querier.args().build());
        n.env.advance(config.requestTimeoutMillis() * config.requestAttempts());

        // once, or twice when it is the one in RetryYield.PROBE_EVERY that keeps measuring
        assertThat(n.queriesTo(silent, "find_node").size()).as("the silent lookup step's sends")
                .isLessThan(config.requestAttempts());
        assertThat(n.queriesTo(querier, "ping")).as("a liveness ping keeps its sends").hasSize(config.pingAttempts());
    }

    @Test
    void aContactThatFailsMaxFailuresTimesIsNoLongerHandedToOthers() {
        n.learn(a);
        for (int i = 0; i < config.maxFailures(); i++) {
            n.node.lookup(NodeId.ofKey("target " + i), r -> { });
            n.env.advance(config.requestTimeoutMillis() * config.requestAttempts());
        }
        Peer asker = new Peer(NodeId.ofKey("asker"), 14);

        Dict reply = n.askOk(asker, "find_node", asker.args().put("target", a.id).build());

        assertThat(CompactInfo.nodes(reply.bytes("nodes"))).doesNotContain(a.contact());
    }

    @Test
    void aBadContactIsAskedWhetherItIsBackAndOneThatAnswersLeadsALookupOfTheOwnIdThroughIt() {
        n.started();
        Peer b = new Peer(NodeId.ofKey("peer b"), 12);
        n.learn(a);
        n.learn(b);
        assertThat(n.queriesTo(b, "find_node")).as("a contact answering for the first time is not one back").isEmpty();
        for (int i = 0; i < config.maxFailures(); i++) {
            n.node.routingTable().failed(a.id, n.env.now());
        }
        ContactEntry gone = n.node.routingTable().entry(a.id);
        assertThat(n.node.routingTable().liveness(gone, n.env.now())).isEqualTo(dev.comet.routing.RoutingTable.Liveness.BAD);
        int pingsBefore = n.queriesTo(a, "ping").size();

        // the next maintenance asks the one bad entry whether it is back
        for (long waited = 0; waited < 2 * config.maintenanceIntervalMillis()
                && n.queriesTo(a, "ping").size() == pingsBefore; waited += 100) {
            n.env.advance(100);
        }
        List<FakeEnvironment.Sent> pings = n.queriesTo(a, "ping");
        assertThat(pings).as("pings of the bad entry").hasSizeGreaterThan(pingsBefore);
        assertThat(n.queriesTo(a, "find_node")).isEmpty();

        // it answers: a lookup of the node's own id starts from it alone
        n.answer(a, pings.get(pings.size() - 1), Dict.builder());
        FakeEnvironment.Sent through = n.onlyQueryTo(a, "find_node");
        assertThat(NodeUnderTest.query(through).arguments().id("target")).isEqualTo(n.id());
        assertThat(n.queriesTo(b, "find_node")).as("the lookup starts from the contact that is back, not the table")
                .isEmpty();
        assertThat(n.node.routingTable().liveness(n.node.routingTable().entry(a.id), n.env.now()))
                .isEqualTo(dev.comet.routing.RoutingTable.Liveness.GOOD);

        // a second contact back within the same questionable period starts no second such lookup
        n.answer(a, through, Dict.builder().put("nodes", new byte[0]));
        for (int i = 0; i < config.maxFailures(); i++) {
            n.node.routingTable().failed(b.id, n.env.now());
        }
        n.node.ping(b.address, contact -> { });
        List<FakeEnvironment.Sent> toB = n.queriesTo(b, "ping");
        n.answer(b, toB.get(toB.size() - 1), Dict.builder());
        assertThat(n.queriesTo(b, "find_node").stream()
                .filter(s -> NodeUnderTest.query(s).arguments().id("target").equals(n.id())))
                .as("lookups of the own id through b").isEmpty();
    }
}
