package dev.comet.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Iterative lookups over a synthetic in-memory network. Replies are queued and delivered by hand, in a random order,
 * so the test sees every request the lookup has outstanding at any moment.
 */
class LookupTest {

    private static final int NETWORK = 500;

    private static Contact contact(NodeId id, int host) {
        byte[] ip = {10, (byte) (host >>> 16), (byte) (host >>> 8), (byte) host};
        try {
            return new Contact(id, new InetSocketAddress(InetAddress.getByAddress(ip), 6881));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Contact> randomNetwork(SplittableRandom rng, int size) {
        List<Contact> nodes = new ArrayList<>(size);
        Set<NodeId> ids = new HashSet<>();
        while (nodes.size() < size) {
            NodeId id = NodeId.random(rng);
            if (ids.add(id)) {
                nodes.add(contact(id, nodes.size() + 1));
            }
        }
        return nodes;
    }

    private static List<Contact> closest(NodeId target, java.util.Collection<Contact> among, int n) {
        return among.stream().sorted(Comparator.comparing(Contact::id, target.byDistance())).limit(n).toList();
    }

    /**
     * The fate a node has in a run: it answers, answers after one retry, never answers (retried, then failed), its
     * request fails at once, inside {@code request} (as {@code Node} does when it cannot send), or it answers at
     * once, inside {@code request}, or it answers but is not what the lookup looks for (a non-Comet node).
     */
    enum Behaviour { ANSWERS, SLOW, DEAD, REFUSED, IMMEDIATE, FOREIGN }

    /**
     * A network of fake nodes. {@code answer} gives what a node answers for a target; replies wait in a pool and
     * {@link #pump} delivers them one at a time in random order.
     */
    static final class FakeTransport implements LookupTransport {
        private enum State { IN_FLIGHT, STALLED, DONE }

        private final int alpha;
        private final BiFunction<Contact, NodeId, List<Contact>> answer;
        private final Map<NodeId, Behaviour> behaviour = new HashMap<>();
        private final List<Runnable> pool = new ArrayList<>();
        private final SplittableRandom order;
        final List<Contact> asked = new ArrayList<>();
        /** Every contact some answer named. */
        final Set<Contact> named = new LinkedHashSet<>();
        /** Every contact whose request the transport reported failed so far. */
        final Set<Contact> failed = new HashSet<>();
        final Set<NodeId> answered = new HashSet<>();
        int sent;
        int retries;
        int inFlight;
        int maxInFlight;
        int outstanding;
        int maxOutstanding;

        FakeTransport(int alpha, BiFunction<Contact, NodeId, List<Contact>> answer, long seed) {
            this.alpha = alpha;
            this.answer = answer;
            this.order = new SplittableRandom(seed);
        }

        void set(NodeId id, Behaviour b) {
            behaviour.put(id, b);
        }

        @Override
        public void request(Contact to, NodeId target, Reply reply) {
            sent++;
            asked.add(to);
            State[] state = {State.IN_FLIGHT};
            inFlight++;
            outstanding++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            maxOutstanding = Math.max(maxOutstanding, outstanding);
            assertThat(inFlight).as("requests in flight (stalled ones excluded)").isLessThanOrEqualTo(alpha);
            Runnable respond = () -> {
                if (state[0] == State.IN_FLIGHT) {
                    inFlight--;
                }
                state[0] = State.DONE;
                outstanding--;
                List<Contact> nodes = answer.apply(to, target);
                named.addAll(nodes);
                answered.add(to.id());
                if (behaviour.get(to.id()) == Behaviour.FOREIGN) {
                    reply.respondedNotCounting(to, nodes);
                } else {
                    reply.responded(to, nodes);
                }
            };
            switch (behaviour.getOrDefault(to.id(), Behaviour.ANSWERS)) {
                case ANSWERS, FOREIGN -> pool.add(respond);
                case IMMEDIATE -> respond.run();
                case SLOW -> pool.add(() -> {
                    stall(state, reply);
                    pool.add(respond);
                });
                case REFUSED -> {
                    state[0] = State.DONE;
                    inFlight--;
                    outstanding--;
                    reply.failed();
                }
                case DEAD -> pool.add(() -> {
                    stall(state, reply);
                    pool.add(() -> {
                        state[0] = State.DONE;
                        outstanding--;
                        failed.add(to);
                        reply.failed();
                    });
                });
                default -> throw new IllegalStateException();
            }
        }

        private void stall(State[] state, Reply reply) {
            state[0] = State.STALLED;
            inFlight--;
            retries++;
            reply.retried();
        }

        /** Delivers one pending event; false when nothing is pending. */
        boolean pump() {
            if (pool.isEmpty()) {
                return false;
            }
            pool.remove(order.nextInt(pool.size())).run();
            return true;
        }
    }

    /** What one run of a lookup produced, and the transport counters when it finished. */
    record Run(LookupResult result, int sentAtFinish, int retriesAtFinish, Set<Contact> namedAtFinish,
               Set<Contact> failedAtFinish) {
    }

    private static Run run(NodeId target, int k, int alpha, FakeTransport transport, List<Contact> seeds, Contact self) {
        long[] clock = {1_000};
        LookupResult[] result = {null};
        int[] done = {0};
        int[] atFinish = new int[2];
        Set<Contact> failedAtFinish = new HashSet<>();
        List<Set<Contact>> named = new ArrayList<>();
        Lookup lookup = new Lookup(target, k, alpha, transport, () -> clock[0], r -> {
            done[0]++;
            result[0] = r;
            atFinish[0] = transport.sent;
            atFinish[1] = transport.retries;
            named.add(new LinkedHashSet<>(transport.named));
            failedAtFinish.addAll(transport.failed);
        });
        if (self != null) {
            lookup.includeSelf(self);
        }
        assertThat(lookup.target()).isEqualTo(target);
        lookup.start(seeds);
        // deliver everything, late answers after the end included: they must be harmless
        int events = 0;
        while (transport.pump()) {
            clock[0] += 7;
            assertThat(++events).as("the lookup keeps sending").isLessThan(100_000);
        }
        assertThat(lookup.finished()).isTrue();
        assertThat(done[0]).as("onDone calls").isEqualTo(1);
        LookupResult r = result[0];
        assertThat(r.target()).isEqualTo(target);
        assertThat(r.messages()).as("messages = requests + retries").isEqualTo(atFinish[0] + atFinish[1]);
        assertThat(r.durationMillis()).isBetween(0L, clock[0] - 1_000);
        assertThat(r.closest()).hasSizeLessThanOrEqualTo(k);
        for (int i = 1; i < r.closest().size(); i++) {
            assertThat(target.compareDistance(r.closest().get(i - 1).id(), r.closest().get(i).id())).isNegative();
        }
        // nobody was asked twice, and the own node never
        assertThat(new HashSet<>(transport.asked)).hasSameSizeAs(transport.asked);
        if (self != null) {
            assertThat(transport.asked).doesNotContain(self);
        }
        assertThat(transport.maxInFlight).isLessThanOrEqualTo(alpha);
        return new Run(r, atFinish[0], atFinish[1], named.get(0), failedAtFinish);
    }

    /** Each node knows the whole network (but not itself) and answers with the K closest it knows. */
    private static BiFunction<Contact, NodeId, List<Contact>> fullKnowledge(List<Contact> network, int k) {
        return (node, target) -> closest(target, network.stream().filter(c -> !c.equals(node)).toList(), k);
    }

    /**
     * Each node knows a Kademlia routing table of the network: for every shared-prefix length, up to K random nodes
     * of that range (all of them when there are fewer), and answers with the K closest of those.
     */
    private static BiFunction<Contact, NodeId, List<Contact>> bucketViews(List<Contact> network, int k, long seed) {
        Map<NodeId, List<Contact>> views = new HashMap<>();
        return (node, target) -> {
            List<Contact> view = views.computeIfAbsent(node.id(), id -> {
                SplittableRandom rng = new SplittableRandom(seed ^ id.hashCode());
                Map<Integer, List<Contact>> buckets = new HashMap<>();
                for (Contact c : network) {
                    if (!c.id().equals(id)) {
                        buckets.computeIfAbsent(id.commonPrefixLength(c.id()), x -> new ArrayList<>()).add(c);
                    }
                }
                List<Contact> known = new ArrayList<>();
                for (List<Contact> bucket : buckets.values()) {
                    List<Contact> shuffled = new ArrayList<>(bucket);
                    for (int i = shuffled.size() - 1; i > 0; i--) {
                        java.util.Collections.swap(shuffled, i, rng.nextInt(i + 1));
                    }
                    known.addAll(shuffled.subList(0, Math.min(k, shuffled.size())));
                }
                return known;
            });
            return closest(target, view, k);
        };
    }

    private static List<Contact> randomSeeds(List<Contact> network, int n, SplittableRandom rng) {
        List<Contact> seeds = new ArrayList<>();
        while (seeds.size() < n) {
            Contact c = network.get(rng.nextInt(network.size()));
            if (!seeds.contains(c)) {
                seeds.add(c);
            }
        }
        return seeds;
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 100)
    void fullKnowledgeFindsTheTrueKClosest(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int k,
                                           @ForAll @IntRange(min = 1, max = 5) int alpha) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Contact> network = randomNetwork(rng, NETWORK);
        NodeId target = rng.nextBoolean() ? NodeId.random(rng) : network.get(rng.nextInt(NETWORK)).id();
        FakeTransport transport = new FakeTransport(alpha, fullKnowledge(network, k), rng.nextLong());
        Run run = run(target, k, alpha, transport, randomSeeds(network, 1 + rng.nextInt(8), rng), null);

        assertThat(run.result().closest()).containsExactlyElementsOf(closest(target, network, k));
        // the closest node is a seed (hop 1) or was named by a seed (hop 2)
        assertThat(run.result().hops()).isBetween(1, 2);
    }

    /**
     * Ids that agree in their first 64 bits (a key crawled by nodes placed next to it) are ordered by their remaining
     * bits: the candidates' first distance words all tie, so every comparison reaches the ids.
     */
    @Property(tries = 50)
    void idsSharingTheirFirstWordWithTheTargetAreStillOrderedByDistance(@ForAll long seed,
                                                                         @ForAll @IntRange(min = 1, max = 12) int k) {
        SplittableRandom rng = new SplittableRandom(seed);
        NodeId key = NodeId.random(rng);
        List<Contact> network = new ArrayList<>();
        Set<NodeId> ids = new HashSet<>();
        while (network.size() < NETWORK) {
            NodeId id = key.randomWithSharedPrefix(64 + rng.nextInt(NodeId.BITS - 64), rng);
            if (ids.add(id)) {
                network.add(contact(id, network.size() + 1));
            }
        }
        NodeId target = key.randomWithSharedPrefix(64 + rng.nextInt(NodeId.BITS - 64), rng);
        FakeTransport transport = new FakeTransport(3, fullKnowledge(network, k), rng.nextLong());
        Run run = run(target, k, 3, transport, randomSeeds(network, 1 + rng.nextInt(8), rng), null);

        assertThat(run.result().closest()).containsExactlyElementsOf(closest(target, network, k));
    }

    @Property(tries = 100)
    void bucketViewsEndWithTheKClosestOfAllNodesHeardOf(@ForAll long seed, @ForAll @IntRange(min = 2, max = 10) int k,
                                                         @ForAll @IntRange(min = 1, max = 4) int alpha) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Contact> network = randomNetwork(rng, NETWORK);
        NodeId target = NodeId.random(rng);
        FakeTransport transport = new FakeTransport(alpha, bucketViews(network, k, rng.nextLong()), rng.nextLong());
        List<Contact> seeds = randomSeeds(network, k, rng);
        Run run = run(target, k, alpha, transport, seeds, null);

        Set<Contact> heard = new LinkedHashSet<>(seeds);
        heard.addAll(run.namedAtFinish());
        // every node in the result answered, and no node heard of is closer than the farthest of the result
        assertThat(run.result().closest()).allSatisfy(c -> assertThat(transport.answered).contains(c.id()));
        assertThat(run.result().closest()).containsExactlyElementsOf(closest(target, heard, k));
        assertThat(run.result().hops()).isGreaterThanOrEqualTo(1);
    }

    @Property(tries = 100)
    void answersThatDoNotCountAreFollowedButLeftOut(@ForAll long seed, @ForAll @IntRange(min = 3, max = 10) int k,
                                                   @ForAll @IntRange(min = 1, max = 4) int alpha) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Contact> network = randomNetwork(rng, NETWORK);
        NodeId target = NodeId.random(rng);
        FakeTransport transport = new FakeTransport(alpha, fullKnowledge(network, k), rng.nextLong());
        // half the network, and most of the true closest, answer without counting (like nodes that are not Comet)
        Set<Contact> foreign = new HashSet<>();
        for (Contact c : network) {
            if (rng.nextBoolean()) {
                foreign.add(c);
            }
        }
        List<Contact> trueClosest = closest(target, network, k);
        foreign.addAll(trueClosest.subList(0, k - 1));
        foreign.remove(trueClosest.get(k - 1));
        foreign.forEach(c -> transport.set(c.id(), Behaviour.FOREIGN));
        List<Contact> seeds = randomSeeds(network, k, rng);
        Run run = run(target, k, alpha, transport, seeds, null);

        // the result may hold fewer than K when fewer counting nodes were ever named
        assertThat(run.result().closest()).doesNotContainAnyElementsOf(foreign).isNotEmpty();
        Set<Contact> heardCounting = new LinkedHashSet<>(seeds);
        heardCounting.addAll(run.namedAtFinish());
        heardCounting.removeAll(foreign);
        assertThat(run.result().closest()).containsExactlyElementsOf(closest(target, heardCounting, k));
        assertThat(run.result().closest()).contains(trueClosest.get(k - 1));
    }

    /*
     * K starts at 3 here: the lookup keeps at most 8K candidates, and with K = 1 it is not unlikely that 7 of the 8
     * kept are dead, so that a live node dropped for room would have been the answer.
     */
    @Property(tries = 100)
    void deadNodesDoNotStopALookupAndAreNotInTheResult(@ForAll long seed, @ForAll @IntRange(min = 3, max = 10) int k,
                                                      @ForAll @IntRange(min = 1, max = 4) int alpha,
                                                      @ForAll boolean fullKnowledge) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Contact> network = randomNetwork(rng, NETWORK);
        NodeId target = NodeId.random(rng);
        FakeTransport transport = new FakeTransport(alpha,
                fullKnowledge ? fullKnowledge(network, k) : bucketViews(network, k, rng.nextLong()), rng.nextLong());
        // a third of the network is dead, and so are some of the true closest
        Set<Contact> dead = new HashSet<>();
        for (Contact c : network) {
            if (rng.nextInt(3) == 0) {
                dead.add(c);
            }
        }
        for (Contact c : closest(target, network, k)) {
            if (rng.nextBoolean()) {
                dead.add(c);
            }
        }
        dead.forEach(c -> transport.set(c.id(), Behaviour.DEAD));
        List<Contact> seeds = randomSeeds(network, k, rng);
        Run run = run(target, k, alpha, transport, seeds, null);

        assertThat(run.result().closest()).doesNotContainAnyElementsOf(dead);
        Set<Contact> heardAlive = new LinkedHashSet<>(seeds);
        heardAlive.addAll(run.namedAtFinish());
        heardAlive.removeAll(dead);
        assertThat(run.result().closest()).containsExactlyElementsOf(closest(target, heardAlive, k));
        // the lookup waited out every dead node it asked that is closer than its farthest answer: that node might
        // still have answered, so the lookup ends only after its request failed (a dead node pushed out of the
        // window by closer finds may still be in flight at the end)
        List<Contact> result = run.result().closest();
        if (!result.isEmpty()) {
            NodeId farthest = result.get(result.size() - 1).id();
            for (Contact d : dead) {
                if (transport.asked.contains(d) && target.compareDistance(d.id(), farthest) < 0) {
                    assertThat(run.failedAtFinish()).as("dead %s, closer than the answer, still pending", d).contains(d);
                    assertThat(run.retriesAtFinish()).isPositive();
                }
            }
        }
    }

    @Property(tries = 100)
    void requestsSettledInsideRequestAreHarmless(@ForAll long seed, @ForAll @IntRange(min = 3, max = 10) int k,
                                                 @ForAll @IntRange(min = 1, max = 4) int alpha) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Contact> network = randomNetwork(rng, NETWORK);
        NodeId target = NodeId.random(rng);
        FakeTransport transport = new FakeTransport(alpha, fullKnowledge(network, k), rng.nextLong());
        Set<Contact> refused = new HashSet<>();
        for (Contact c : network) {
            int fate = rng.nextInt(3);
            if (fate == 0) {
                refused.add(c);
                transport.set(c.id(), Behaviour.REFUSED);
            } else if (fate == 1) {
                transport.set(c.id(), Behaviour.IMMEDIATE);
            }
        }
        List<Contact> seeds = randomSeeds(network, k, rng);
        Run run = run(target, k, alpha, transport, seeds, null);
        assertThat(run.result().closest()).doesNotContainAnyElementsOf(refused);
        Set<Contact> heardAlive = new LinkedHashSet<>(seeds);
        heardAlive.addAll(run.namedAtFinish());
        heardAlive.removeAll(refused);
        assertThat(run.result().closest()).containsExactlyElementsOf(closest(target, heardAlive, k));
    }

    @Example
    void aLookupWhoseEveryRequestFailsAtOnceEndsOnceAndEmpty() {
        SplittableRandom rng = new SplittableRandom(14);
        List<Contact> network = randomNetwork(rng, 30);
        FakeTransport transport = new FakeTransport(3, fullKnowledge(network, 8), 3);
        network.forEach(c -> transport.set(c.id(), Behaviour.REFUSED));
        Run run = run(NodeId.random(rng), 8, 3, transport, network.subList(0, 8), null);
        assertThat(run.result().closest()).isEmpty();
        assertThat(run.result().messages()).isEqualTo(8);
    }

    @Example
    void aLookupWhoseEveryAnswerComesAtOnceFindsTheTrueKClosest() {
        SplittableRandom rng = new SplittableRandom(15);
        List<Contact> network = randomNetwork(rng, NETWORK);
        FakeTransport transport = new FakeTransport(3, fullKnowledge(network, 8), 3);
        network.forEach(c -> transport.set(c.id(), Behaviour.IMMEDIATE));
        NodeId target = NodeId.random(rng);
        Run run = run(target, 8, 3, transport, randomSeeds(network, 8, rng), null);
        assertThat(run.result().closest()).containsExactlyElementsOf(closest(target, network, 8));
    }

    @Property(tries = 100)
    void slowNodesStillCountAndDoNotHoldSlots(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int k,
                                              @ForAll @IntRange(min = 1, max = 4) int alpha) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Contact> network = randomNetwork(rng, NETWORK);
        NodeId target = NodeId.random(rng);
        FakeTransport transport = new FakeTransport(alpha, fullKnowledge(network, k), rng.nextLong());
        // every true closest node is slow: each answers only after a retry
        List<Contact> expected = closest(target, network, k);
        for (Contact c : expected) {
            transport.set(c.id(), Behaviour.SLOW);
        }
        for (Contact c : network) {
            if (rng.nextInt(4) == 0) {
                transport.set(c.id(), Behaviour.SLOW);
            }
        }
        Run run = run(target, k, alpha, transport, randomSeeds(network, k, rng), null);
        assertThat(run.result().closest()).containsExactlyElementsOf(expected);
        assertThat(run.retriesAtFinish()).isGreaterThanOrEqualTo(k);
    }

    /*
     * K starts at 2: the own node counts as one of the K that answered, so with K = 1 a lookup whose seeds are all
     * farther than the own node ends at once with the own node alone.
     */
    @Property(tries = 100)
    void includeSelfCountsTheOwnNodeAtHopZero(@ForAll long seed, @ForAll @IntRange(min = 2, max = 10) int k,
                                              @ForAll @IntRange(min = 1, max = 4) int alpha,
                                              @ForAll @IntRange(min = 0, max = 160) int sharedWithSelf) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Contact> network = randomNetwork(rng, NETWORK);
        Contact self = contact(NodeId.random(rng), 0);
        // the other nodes know the own node too, and name it in their answers
        List<Contact> everyone = new ArrayList<>(network);
        everyone.add(self);
        NodeId target = self.id().randomWithSharedPrefix(sharedWithSelf, rng);
        FakeTransport transport = new FakeTransport(alpha, fullKnowledge(everyone, k), rng.nextLong());
        Run run = run(target, k, alpha, transport, randomSeeds(network, 1 + rng.nextInt(k), rng), self);

        List<Contact> expected = closest(target, everyone, k);
        assertThat(run.result().closest()).containsExactlyElementsOf(expected);
        if (expected.get(0).equals(self)) {
            assertThat(run.result().hops()).isZero();
        } else {
            assertThat(run.result().hops()).isBetween(1, 2);
        }
    }

    // ------------------------------------------------------------------ examples

    @Example
    void whenTheOwnNodeIsClosestItComesFirstWithHopsZero() {
        SplittableRandom rng = new SplittableRandom(5);
        List<Contact> network = randomNetwork(rng, NETWORK);
        Contact self = contact(NodeId.random(rng), 0);
        FakeTransport transport = new FakeTransport(3, fullKnowledge(network, 8), 1);
        Run run = run(self.id(), 8, 3, transport, randomSeeds(network, 8, rng), self);
        assertThat(run.result().closest().get(0)).isEqualTo(self);
        assertThat(run.result().closest()).hasSize(8);
        assertThat(run.result().hops()).isZero();
        assertThat(run.result().closest().subList(1, 8)).containsExactlyElementsOf(closest(self.id(), network, 7));
    }

    @Example
    void withoutSeedsALookupEndsAtOnce() {
        FakeTransport transport = new FakeTransport(3, (node, target) -> List.of(), 1);
        NodeId target = NodeId.ofKey("t");
        Run run = run(target, 8, 3, transport, List.of(), null);
        assertThat(run.result().closest()).isEmpty();
        assertThat(run.result().messages()).isZero();

        Contact self = contact(NodeId.ofKey("self"), 1);
        Run alone = run(target, 8, 3, new FakeTransport(3, (node, t) -> List.of(), 1), List.of(), self);
        assertThat(alone.result().closest()).containsExactly(self);
        assertThat(alone.result().hops()).isZero();
        assertThat(alone.result().messages()).isZero();
    }

    @Example
    void aSmallNetworkIsFoundWhole() {
        SplittableRandom rng = new SplittableRandom(11);
        List<Contact> network = randomNetwork(rng, 5);
        FakeTransport transport = new FakeTransport(2, fullKnowledge(network, 8), 3);
        NodeId target = NodeId.random(rng);
        Run run = run(target, 8, 2, transport, List.of(network.get(0)), null);
        assertThat(run.result().closest()).containsExactlyElementsOf(closest(target, network, 8)).hasSize(5);
        assertThat(run.result().messages()).isEqualTo(5);
    }

    @Example
    void aLookupWhoseSeedsAreAllDeadEndsEmpty() {
        SplittableRandom rng = new SplittableRandom(12);
        List<Contact> network = randomNetwork(rng, 20);
        FakeTransport transport = new FakeTransport(3, fullKnowledge(network, 8), 3);
        List<Contact> seeds = network.subList(0, 4);
        seeds.forEach(c -> transport.set(c.id(), Behaviour.DEAD));
        Run run = run(NodeId.random(rng), 8, 3, transport, seeds, null);
        assertThat(run.result().closest()).isEmpty();
        assertThat(run.result().messages()).isEqualTo(8); // 4 requests, 4 retries
        assertThat(transport.maxOutstanding).isEqualTo(4); // stalled requests free their slot
    }

    @Example
    void onlyAlphaRequestsAreInFlightBeforeAnyAnswer() {
        SplittableRandom rng = new SplittableRandom(13);
        List<Contact> network = randomNetwork(rng, 50);
        FakeTransport transport = new FakeTransport(3, fullKnowledge(network, 8), 3);
        Lookup lookup = new Lookup(NodeId.random(rng), 8, 3, transport, () -> 0L, r -> { });
        lookup.start(network.subList(0, 8));
        assertThat(transport.sent).isEqualTo(3);
        assertThat(lookup.finished()).isFalse();
    }

    /**
     * Ids at a chosen XOR distance from the target make the order of candidates explicit. With K = 2 the lookup keeps
     * at most 16 candidates; a node found late that is closer than every one of them must still be used, even when
     * the farthest candidate is one that has already answered.
     */
    @Example
    void aCloseNodeFoundWhenTheCandidateListIsFullIsNotLost() {
        NodeId target = NodeId.ofKey("target");
        Map<Integer, Contact> byDistance = new HashMap<>();
        java.util.function.IntFunction<Contact> at = d -> byDistance.computeIfAbsent(d, x -> {
            byte[] b = new byte[NodeId.BYTES];
            b[16] = (byte) (x >>> 24);
            b[17] = (byte) (x >>> 16);
            b[18] = (byte) (x >>> 8);
            b[19] = (byte) (int) x;
            return contact(target.xor(NodeId.fromBytes(b)), x);
        });
        Contact s1 = at.apply(1000);
        Contact s2 = at.apply(2000);
        Map<Contact, List<Contact>> answers = new HashMap<>();
        List<Contact> fourteen = new ArrayList<>();
        for (int d = 100; d < 114; d++) {
            fourteen.add(at.apply(d));
        }
        answers.put(s1, fourteen);
        answers.put(at.apply(100), List.of(at.apply(5)));
        answers.put(at.apply(5), List.of(at.apply(1)));
        FakeTransport transport = new FakeTransport(1, (node, t) -> answers.getOrDefault(node, List.of()), 1);
        Run run = run(target, 2, 1, transport, List.of(s1, s2), null);
        assertThat(run.result().closest()).containsExactly(at.apply(1), at.apply(5));
    }
}
