package dev.comet.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.routing.RoutingTable.Liveness;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of the Kademlia routing table under random traffic, and the BEP 5 bucket rules as examples.
 */
class RoutingTablePropertiesTest {

    private static final long MINUTE = 60_000L;

    /** Defaults with a chosen K, replacement cache size and failure limit. */
    private static NodeConfig config(int k, int replacements, int maxFailures) {
        return NodeConfig.builder().k(k).replacementCacheSize(replacements).maxFailures(maxFailures).build();
    }

    private static InetSocketAddress address(int host, int port) {
        byte[] ip = {10, (byte) (host >>> 16), (byte) (host >>> 8), (byte) host};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ random traffic

    /**
     * One event seen by the table.
     *
     * @param kind      0..5 heardFrom a new id, 6..7 heardFrom a known id, 8..9 failed(known id), 10 failed(unknown id)
     * @param prefix    for a new id: -1 fully random, else the prefix it shares with the own id (160 = the own id)
     * @param pick      which known id (modulo their number)
     * @param idSeed    randomness of the new id
     * @param responded the heardFrom is an answer to our query
     * @param moved     a known id is heard at another address
     * @param advance   milliseconds that pass before the event
     */
    record Op(int kind, int prefix, int pick, long idSeed, boolean responded, boolean moved, long advance) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> kinds = Arbitraries.integers().between(0, 10);
        Arbitrary<Integer> prefixes = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(-1)),
                Tuple.of(4, Arbitraries.integers().between(0, 24)),
                Tuple.of(2, Arbitraries.integers().between(100, NodeId.BITS)));
        Arbitrary<Long> advances = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(0, 2_000)),
                Tuple.of(1, Arbitraries.longs().between(0, 20 * MINUTE)));
        Arbitrary<Op> op = Combinators.combine(kinds, prefixes, Arbitraries.integers().between(0, 10_000),
                        Arbitraries.longs(), Arbitraries.of(true, false), Arbitraries.frequency(Tuple.of(1, true), Tuple.of(5, false)),
                        advances)
                .as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(300);
    }

    /** Runs the operations, checking every invariant after each one. */
    private static void run(NodeConfig config, long selfSeed, List<Op> ops, long targetSeed) {
        run(config, selfSeed, ops, targetSeed, false);
    }

    /** As above; with {@code allComet} every contact speaks Comet, as in a network of Comet nodes only. */
    private static void run(NodeConfig config, long selfSeed, List<Op> ops, long targetSeed, boolean allComet) {
        Set<NodeId> heardAsComet = new HashSet<>();
        NodeId self = NodeId.random(new SplittableRandom(selfSeed));
        long now = 1_000;
        RoutingTable table = new RoutingTable(self, config, now);
        List<NodeId> known = new ArrayList<>();
        Map<NodeId, InetSocketAddress> addresses = new HashMap<>();
        SplittableRandom targets = new SplittableRandom(targetSeed);
        int hosts = 0;
        for (Op op : ops) {
            now += op.advance();
            boolean newId = op.kind() <= 5 || known.isEmpty();
            if (op.kind() <= 7) {
                NodeId id;
                InetSocketAddress addr;
                if (newId) {
                    SplittableRandom r = new SplittableRandom(op.idSeed());
                    id = op.prefix() < 0 ? NodeId.random(r) : self.randomWithSharedPrefix(op.prefix(), r);
                    addr = address(++hosts, 1 + r.nextInt(65535));
                    if (!addresses.containsKey(id)) {
                        known.add(id);
                        addresses.put(id, addr);
                    }
                } else {
                    id = known.get(op.pick() % known.size());
                    addr = op.moved() ? address(++hosts, 6881) : addresses.get(id);
                }
                boolean comet = allComet || op.idSeed() % 3 == 0;
                if (comet) {
                    heardAsComet.add(id);
                }
                Contact toPing = table.heardFrom(new Contact(id, addr), op.responded(), comet, now);
                if (toPing != null && toPing.id().equals(id) && table.entry(id) == null) {
                    // the newcomer itself, which only queried us: it waits among the main table's replacements for
                    // this ping's answer (only a response verifies an address), even when the overlay verified it
                    // earlier as a Comet node
                    assertThat(op.responded()).isFalse();
                    assertThat(toPing.address()).isEqualTo(addr);
                } else if (toPing != null) {
                    // the contact to ping is one the table holds, in the same bucket as the newcomer; or, for a Comet
                    // newcomer, one only the overlay holds
                    ContactEntry e = table.entry(toPing.id());
                    if (e == null && comet) {
                        e = table.cometEntry(toPing.id());
                    } else {
                        assertThat(bucketOf(table, toPing.id())).isEqualTo(bucketOf(table, id));
                    }
                    assertThat(e).as("contact to ping must be in the table").isNotNull();
                    assertThat(e.contact()).isEqualTo(toPing);
                    if (toPing.id().equals(id) && table.liveness(e, now) == Liveness.BAD) {
                        // or the sender itself: a bad contact that queried us again, pinged to see if it is back
                        assertThat(op.responded()).isFalse();
                    } else {
                        assertThat(table.liveness(e, now)).isEqualTo(Liveness.QUESTIONABLE);
                    }
                }
            } else if (op.kind() <= 9) {
                if (!known.isEmpty()) {
                    table.failed(known.get(op.pick() % known.size()), now);
                }
            } else {
                table.failed(NodeId.random(new SplittableRandom(op.idSeed())), now);
            }
            checkInvariants(table, config, now, known, targets, heardAsComet, allComet);
        }
    }

    private static int bucketOf(RoutingTable table, NodeId id) {
        return Math.min(table.self().commonPrefixLength(id), table.bucketCount() - 1);
    }

    private static void checkInvariants(RoutingTable table, NodeConfig config, long now, List<NodeId> known,
                                        SplittableRandom targets, Set<NodeId> heardAsComet, boolean allComet) {
        NodeId self = table.self();
        int last = table.bucketCount() - 1;
        assertThat(table.bucketCount()).isBetween(1, NodeId.BITS);
        Set<NodeId> seen = new HashSet<>();
        List<ContactEntry> nonBad = new ArrayList<>();
        int total = 0;
        for (int i = 0; i <= last; i++) {
            List<ContactEntry> bucket = table.bucket(i);
            assertThat(bucket.size()).as("size of bucket %d", i).isLessThanOrEqualTo(config.k());
            assertThat(table.replacementCount(i)).as("replacements of bucket %d", i)
                    .isLessThanOrEqualTo(config.replacementCacheSize());
            for (ContactEntry e : bucket) {
                NodeId id = e.contact().id();
                int cpl = self.commonPrefixLength(id);
                if (i < last) {
                    assertThat(cpl).as("prefix of %s in bucket %d of %d", id, i, last + 1).isEqualTo(i);
                } else {
                    assertThat(cpl).as("prefix of %s in last bucket %d", id, i).isGreaterThanOrEqualTo(last);
                }
                assertThat(id).as("own id in the table").isNotEqualTo(self);
                assertThat(seen.add(id)).as("%s twice in the table", id).isTrue();
                assertThat(table.entry(id)).isSameAs(e);
                if (table.liveness(e, now) != Liveness.BAD) {
                    nonBad.add(e);
                }
                // only a response verifies a contact: one that only ever queried us is never in the main table
                assertThat(e.lastResponse()).as("%s in the table without having answered", id).isNotNegative();
                // bad: failed maxFailures times in a row, or never answered and failed once (its verification ping)
                assertThat(table.liveness(e, now) == Liveness.BAD).isEqualTo(
                        e.failures() >= config.maxFailures() || (e.lastResponse() < 0 && e.failures() > 0));
                total++;
            }
        }
        assertThat(table.size()).isEqualTo(total);
        assertThat(table.entry(self)).isNull();
        assertThat(table.contacts(now)).hasSize(total);
        // the table only ever holds ids it heard from
        assertThat(new HashSet<>(known)).containsAll(seen);

        // closest(): a brute-force sort of the non-bad entries; targets far, near the own id (closest() visits the
        // buckets by the target's, so every depth is asked), known ids, and the own id
        int pick = targets.nextInt(4);
        NodeId target = pick == 0 || known.isEmpty() ? NodeId.random(targets)
                : pick == 1 ? self.randomWithSharedPrefix(targets.nextInt(24), targets)
                : pick == 2 ? known.get(targets.nextInt(known.size())) : self;
        int n = targets.nextInt(2 * config.k() + 2);
        List<Contact> closest = table.closest(target, n, now);
        List<Contact> expected = nonBad.stream()
                .map(ContactEntry::contact)
                .sorted((a, b) -> target.compareDistance(a.id(), b.id()))
                .limit(n)
                .toList();
        assertThat(closest).hasSize(Math.min(n, nonBad.size()));
        assertThat(closest).containsExactlyElementsOf(expected);
        for (int i = 1; i < closest.size(); i++) {
            assertThat(target.compareDistance(closest.get(i - 1).id(), closest.get(i).id())).isNegative();
        }
        // closestAnswering(): the same, of the entries that answered
        List<Contact> answering = table.closestAnswering(target, n, now);
        assertThat(answering).containsExactlyElementsOf(nonBad.stream()
                .filter(e -> e.lastResponse() >= 0).map(ContactEntry::contact)
                .sorted((a, b) -> target.compareDistance(a.id(), b.id())).limit(n).toList());
        // closestAnsweringComet() reads the overlay: contacts heard from as Comet nodes only, closest first; in an
        // all-Comet network the overlay holds what the table holds
        List<Contact> comets = table.closestAnsweringComet(target, n, now);
        assertThat(comets.size()).isLessThanOrEqualTo(n);
        assertThat(comets).allSatisfy(c -> assertThat(heardAsComet).contains(c.id()));
        for (int i = 1; i < comets.size(); i++) {
            assertThat(target.compareDistance(comets.get(i - 1).id(), comets.get(i).id())).isNegative();
        }
        if (allComet) {
            assertThat(comets).containsExactlyElementsOf(answering);
            assertThat(table.cometCount()).isEqualTo(table.size());
            assertThat(table.amongForeignNodes()).isFalse();
        }
    }

    @Property(tries = 100)
    void theOverlayMirrorsTheTableWhenEveryContactSpeaksComet(@ForAll("ops") List<Op> ops, @ForAll long selfSeed,
                                                               @ForAll long targetSeed) {
        run(NodeConfig.defaults(), selfSeed, ops, targetSeed, true);
    }

    @Property(tries = 200)
    void invariantsHoldUnderRandomTraffic(@ForAll("ops") List<Op> ops, @ForAll long selfSeed, @ForAll long targetSeed) {
        run(NodeConfig.defaults(), selfSeed, ops, targetSeed);
    }

    @Property(tries = 150)
    void invariantsHoldForOtherBucketSizes(@ForAll("ops") List<Op> ops, @ForAll long selfSeed, @ForAll long targetSeed,
                                           @ForAll @IntRange(min = 1, max = 4) int k,
                                           @ForAll @IntRange(min = 1, max = 3) int replacements,
                                           @ForAll @IntRange(min = 1, max = 3) int maxFailures) {
        run(config(k, replacements, maxFailures), selfSeed, ops, targetSeed);
    }

    @Example
    void aTableOfManyContactsKeepsItsInvariants() {
        NodeConfig config = NodeConfig.defaults();
        SplittableRandom rng = new SplittableRandom(2024);
        NodeId self = NodeId.random(rng);
        RoutingTable table = new RoutingTable(self, config, 0);
        List<NodeId> known = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 5_000; i++) {
            now += 10;
            NodeId id = rng.nextInt(3) == 0 ? self.randomWithSharedPrefix(rng.nextInt(NodeId.BITS), rng) : NodeId.random(rng);
            known.add(id);
            table.heardFrom(new Contact(id, address(i, 6881)), rng.nextBoolean(), false, now);
        }
        checkInvariants(table, config, now, known, rng, Set.of(), false);
        assertThat(table.bucketCount()).isGreaterThan(8);
        // the far buckets are full: 5,000 random ids put about 2,500 in bucket 0
        assertThat(table.bucket(0)).hasSize(config.k());
        assertThat(table.bucket(1)).hasSize(config.k());
    }

    // ------------------------------------------------------------------ examples

    private final NodeConfig config = NodeConfig.defaults();
    private final SplittableRandom rng = new SplittableRandom(99);
    private final NodeId self = NodeId.random(rng);
    private int host;

    private Contact contactWithPrefix(int prefix) {
        return new Contact(self.randomWithSharedPrefix(prefix, rng), address(++host, 6881));
    }

    /**
     * A table whose bucket 0 (not the last) holds K contacts sharing no prefix with the own id, which all answered
     * a query (the table takes no other), and whose replacement cache is empty. Time is
     * {@code K + 1} afterwards.
     */
    private List<Contact> fillFarBucket(RoutingTable table) {
        List<Contact> far = new ArrayList<>();
        for (int i = 0; i < config.k(); i++) {
            Contact c = contactWithPrefix(0);
            assertThat(table.heardFrom(c, true, false, i)).isNull();
            far.add(c);
        }
        // a near contact splits the full only bucket: the K far contacts stay in bucket 0
        Contact near = contactWithPrefix(5);
        assertThat(table.heardFrom(near, true, false, config.k())).isNull();
        assertThat(table.bucketCount()).isEqualTo(2);
        assertThat(table.bucket(0)).extracting(ContactEntry::contact).containsExactlyElementsOf(far);
        assertThat(table.replacementCount(0)).isZero();
        return far;
    }

    @Example
    void aFullFarBucketCachesNewcomersAndAsksToPingAQuestionableContact() {
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> far = fillFarBucket(table);
        // fifteen minutes later the contacts that filled it are questionable
        long now = config.questionableAfterMillis() + config.k() + 100;

        Contact newcomer = contactWithPrefix(0);
        Contact toPing = table.heardFrom(newcomer, false, false, now);
        // the stalest questionable contact: the first one heard from
        assertThat(toPing).isEqualTo(far.get(0));
        assertThat(table.entry(newcomer.id())).isNull();
        assertThat(table.replacementCount(0)).isEqualTo(1);
        assertThat(table.bucket(0)).hasSize(config.k());
        assertThat(table.bucketCount()).isEqualTo(2);
        assertThat(table.closest(newcomer.id(), 100, now)).doesNotContain(newcomer);

        // while that ping is pending the next stalest is offered
        Contact second = table.heardFrom(contactWithPrefix(0), false, false, now + 1);
        assertThat(second).isEqualTo(far.get(1));
        assertThat(table.replacementCount(0)).isEqualTo(2);

        // hearing the same newcomer again does not grow the cache
        table.heardFrom(newcomer, false, false, now + 2);
        assertThat(table.replacementCount(0)).isEqualTo(2);

        // the cache is bounded
        for (int i = 0; i < 3 * config.replacementCacheSize(); i++) {
            table.heardFrom(contactWithPrefix(0), false, false, now + 3 + i);
        }
        assertThat(table.replacementCount(0)).isEqualTo(config.replacementCacheSize());
        assertThat(table.bucket(0)).hasSize(config.k());
    }

    @Example
    void aPingPendsForAllAttemptsBeforeTheSameContactIsOfferedAgain() {
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> far = fillFarBucket(table);
        long start = config.questionableAfterMillis() + config.k() + 100;
        assertThat(table.heardFrom(contactWithPrefix(0), false, false, start)).isEqualTo(far.get(0));
        long pending = config.requestTimeoutMillis() * config.pingAttempts();
        assertThat(table.heardFrom(contactWithPrefix(0), false, false, start + pending - 1)).isEqualTo(far.get(1));
        assertThat(table.heardFrom(contactWithPrefix(0), false, false, start + pending)).isEqualTo(far.get(0));
    }

    @Example
    void aFullBucketOfGoodContactsAsksForNoPing() {
        RoutingTable table = new RoutingTable(self, config, 0);
        fillFarBucket(table);
        assertThat(table.heardFrom(contactWithPrefix(0), false, false, 100)).isNull();
        assertThat(table.heardFrom(contactWithPrefix(0), true, false, 101)).isNull();
        assertThat(table.replacementCount(0)).isEqualTo(2);
        // fifteen minutes later they are questionable and one is offered for a ping
        long later = 100 + config.questionableAfterMillis();
        Contact toPing = table.heardFrom(contactWithPrefix(0), false, false, later);
        assertThat(toPing).isNotNull();
        assertThat(table.liveness(table.entry(toPing.id()), later)).isEqualTo(Liveness.QUESTIONABLE);
    }

    @Example
    void aContactFailingMaxFailuresTimesIsReplacedByAReplacement() {
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> far = fillFarBucket(table);
        Contact replacement = contactWithPrefix(0);
        table.heardFrom(replacement, true, false, 100);
        assertThat(table.replacementCount(0)).isEqualTo(1);

        Contact victim = far.get(3);
        for (int i = 1; i < config.maxFailures(); i++) {
            table.failed(victim.id(), 100 + i);
            ContactEntry e = table.entry(victim.id());
            assertThat(e).isNotNull();
            assertThat(e.failures()).isEqualTo(i);
            assertThat(table.liveness(e, 100 + i)).isNotEqualTo(Liveness.BAD);
        }
        long now = 100 + config.maxFailures();
        table.failed(victim.id(), now);
        assertThat(table.entry(victim.id())).isNull();
        assertThat(table.entry(replacement.id())).isNotNull();
        assertThat(table.entry(replacement.id()).contact()).isEqualTo(replacement);
        assertThat(table.bucket(0)).hasSize(config.k());
        assertThat(table.replacementCount(0)).isZero();
        assertThat(table.closest(victim.id(), 100, now)).contains(replacement).doesNotContain(victim);
    }

    @Example
    void aBadContactWithoutReplacementStaysButIsNotOffered() {
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> far = fillFarBucket(table);
        Contact victim = far.get(0);
        long now = 100;
        for (int i = 0; i < config.maxFailures(); i++) {
            table.failed(victim.id(), now);
        }
        ContactEntry e = table.entry(victim.id());
        assertThat(e).isNotNull();
        assertThat(table.liveness(e, now)).isEqualTo(Liveness.BAD);
        assertThat(table.closest(victim.id(), 100, now)).doesNotContain(victim).hasSize(config.k());
        // a query from it does not make it good again: only an answer does
        table.heardFrom(victim, false, false, now + 1);
        assertThat(table.liveness(table.entry(victim.id()), now + 1)).isEqualTo(Liveness.BAD);
        table.heardFrom(victim, true, false, now + 2);
        assertThat(table.liveness(table.entry(victim.id()), now + 2)).isEqualTo(Liveness.GOOD);
        assertThat(table.entry(victim.id()).failures()).isZero();
    }

    @Example
    void aVerifiedNewcomerReplacesABadEntry() {
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> far = fillFarBucket(table);
        Contact victim = far.get(2);
        long now = 100;
        for (int i = 0; i < config.maxFailures(); i++) {
            table.failed(victim.id(), now);
        }
        assertThat(table.liveness(table.entry(victim.id()), now)).isEqualTo(Liveness.BAD);

        // an unverified newcomer (it only sent us a query) does not take the place
        Contact unverified = contactWithPrefix(0);
        table.heardFrom(unverified, false, false, now + 1);
        assertThat(table.entry(unverified.id())).isNull();
        assertThat(table.entry(victim.id())).isNotNull();

        // a verified one does
        Contact verified = contactWithPrefix(0);
        assertThat(table.heardFrom(verified, true, false, now + 2)).isNull();
        assertThat(table.entry(victim.id())).isNull();
        ContactEntry e = table.entry(verified.id());
        assertThat(e).isNotNull();
        assertThat(table.liveness(e, now + 2)).isEqualTo(Liveness.GOOD);
        assertThat(table.bucket(0)).hasSize(config.k());
    }

    @Example
    void aReplacementThatAnswersIsPromotedWhenRoomAppears() {
        // the replacement cache entry of an id is reused when the id gets into the table
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> far = fillFarBucket(table);
        Contact cached = contactWithPrefix(0);
        table.heardFrom(cached, true, true, 100);
        assertThat(table.replacementCount(0)).isEqualTo(1);
        for (int i = 0; i < config.maxFailures(); i++) {
            table.failed(far.get(0).id(), 101);
        }
        ContactEntry promoted = table.entry(cached.id());
        assertThat(promoted).isNotNull();
        assertThat(promoted.speaksComet()).isTrue();
        assertThat(promoted.lastResponse()).isEqualTo(100);
        assertThat(table.replacementCount(0)).isZero();
    }

    @Example
    void refreshTargetsFallInsideEachIdleBucket() {
        RoutingTable table = new RoutingTable(self, config, 0);
        long now = 0;
        // enough contacts at every prefix length up to 12 to split the table a dozen times
        for (int p = 0; p <= 12; p++) {
            for (int i = 0; i < config.k(); i++) {
                table.heardFrom(contactWithPrefix(p), true, false, ++now);
            }
        }
        int buckets = table.bucketCount();
        assertThat(buckets).isGreaterThanOrEqualTo(12);

        // nothing is idle yet
        assertThat(table.refreshTargets(now, false, rng)).isEmpty();

        long later = now + config.bucketRefreshMillis();
        // keep buckets 1 and 4 busy: an answer from one of their contacts counts as activity
        table.heardFrom(table.bucket(1).get(0).contact(), true, false, later - 1);
        table.heardFrom(table.bucket(4).get(0).contact(), true, false, later - 1);
        Set<Integer> busy = Set.of(1, 4);

        List<NodeId> targets = table.refreshTargets(later, false, rng);
        TreeSet<Integer> targeted = new TreeSet<>();
        for (NodeId t : targets) {
            int cpl = self.commonPrefixLength(t);
            int bucket = Math.min(cpl, buckets - 1);
            if (bucket < buckets - 1) {
                assertThat(cpl).isEqualTo(bucket);
            } else {
                assertThat(cpl).isGreaterThanOrEqualTo(buckets - 1);
            }
            assertThat(targeted.add(bucket)).as("two targets for bucket %d", bucket).isTrue();
        }
        Set<Integer> idle = new TreeSet<>();
        for (int i = 0; i < buckets; i++) {
            if (!busy.contains(i)) {
                idle.add(i);
            }
        }
        assertThat(targeted).isEqualTo(idle);
        // each targeted bucket counts as refreshed
        assertThat(table.refreshTargets(later, false, rng)).isEmpty();
        assertThat(table.bucketCount()).isEqualTo(buckets);
    }

    @Example
    void refreshTargetsIncludeUnderfilledBucketsWhenAsked() {
        RoutingTable table = new RoutingTable(self, config, 0);
        for (int i = 0; i < config.k(); i++) {
            table.heardFrom(contactWithPrefix(0), true, false, 1);
        }
        table.heardFrom(contactWithPrefix(3), true, false, 2); // splits: bucket 0 full, bucket 1 has one
        assertThat(table.bucketCount()).isEqualTo(2);
        assertThat(table.refreshTargets(3, false, rng)).isEmpty();
        List<NodeId> targets = table.refreshTargets(3, true, rng);
        assertThat(targets).hasSize(1);
        assertThat(self.commonPrefixLength(targets.get(0))).isGreaterThanOrEqualTo(1);
    }

    @Example
    void aKnownIdAtAnotherAddressIsNotMovedWhileTheOldEntryIsGood() {
        RoutingTable table = new RoutingTable(self, config, 0);
        Contact original = contactWithPrefix(0);
        table.heardFrom(original, true, false, 10);
        Contact impostor = new Contact(original.id(), address(9999, 4444));

        assertThat(table.heardFrom(impostor, true, false, 20)).isNull();
        assertThat(table.heardFrom(impostor, false, false, 21)).isNull();
        assertThat(table.entry(original.id()).contact()).isEqualTo(original);
        assertThat(table.size()).isEqualTo(1);

        // nor while it is merely questionable
        long quiet = 10 + config.questionableAfterMillis() + 1;
        assertThat(table.liveness(table.entry(original.id()), quiet)).isEqualTo(Liveness.QUESTIONABLE);
        table.heardFrom(impostor, true, false, quiet);
        assertThat(table.entry(original.id()).contact()).isEqualTo(original);

        // once the old address has gone bad, an answer from the new one moves it
        for (int i = 0; i < config.maxFailures(); i++) {
            table.failed(original.id(), quiet + 1);
        }
        table.heardFrom(impostor, false, false, quiet + 2);
        assertThat(table.entry(original.id()).contact()).isEqualTo(original);
        table.heardFrom(impostor, true, false, quiet + 3);
        assertThat(table.entry(original.id()).contact()).isEqualTo(impostor);
        assertThat(table.liveness(table.entry(original.id()), quiet + 3)).isEqualTo(Liveness.GOOD);
        assertThat(table.size()).isEqualTo(1);
    }

    @Example
    void theOwnIdIsNeverAdded() {
        RoutingTable table = new RoutingTable(self, config, 0);
        assertThat(table.heardFrom(new Contact(self, address(1, 1)), true, true, 1)).isNull();
        assertThat(table.size()).isZero();
        assertThat(table.entry(self)).isNull();
        assertThat(table.closest(self, 8, 1)).isEmpty();
    }

    @Example
    void livenessFollowsBep5() {
        RoutingTable table = new RoutingTable(self, config, 0);
        Contact answered = contactWithPrefix(1);
        Contact older = contactWithPrefix(2);
        table.heardFrom(older, true, false, 0);
        table.heardFrom(answered, true, false, 0);
        long q = config.questionableAfterMillis();
        assertThat(table.liveness(table.entry(answered.id()), q - 1)).isEqualTo(Liveness.GOOD);
        assertThat(table.liveness(table.entry(answered.id()), q)).isEqualTo(Liveness.QUESTIONABLE);
        // a node that once answered stays good while it keeps sending queries
        table.heardFrom(answered, false, false, q);
        assertThat(table.liveness(table.entry(answered.id()), 2 * q - 1)).isEqualTo(Liveness.GOOD);
        // good contacts come first in contacts()
        assertThat(table.contacts(q + 1)).containsExactly(answered, older);
    }

    @Example
    void oneAddressHoldsOneId() {
        RoutingTable table = new RoutingTable(self, config, 0);
        Contact first = contactWithPrefix(3);
        table.heardFrom(first, true, false, 1);
        // another id claimed from the same socket by a mere query is ignored
        Contact sameSocketQuery = new Contact(self.randomWithSharedPrefix(7, rng), first.address());
        assertThat(table.heardFrom(sameSocketQuery, false, false, 2)).isNull();
        assertThat(table.entry(sameSocketQuery.id())).isNull();
        assertThat(table.entry(first.id())).isNotNull();
        // an answer with a new id from that socket means the node changed id: the old entry goes
        Contact renamed = new Contact(self.randomWithSharedPrefix(9, rng), first.address());
        table.heardFrom(renamed, true, false, 3);
        assertThat(table.entry(renamed.id())).isNotNull();
        assertThat(table.entry(first.id())).isNull();
        assertThat(table.size()).isEqualTo(1);
    }

    @Example
    void aContactThatOnlyQueriedUsEntersTheTableOnlyOnceItAnswersItsVerificationPing() {
        RoutingTable table = new RoutingTable(self, config, 0);
        Contact answered = contactWithPrefix(2);
        Contact onlyAsked = contactWithPrefix(4);
        table.heardFrom(answered, true, false, 1);
        assertThat(table.heardFrom(onlyAsked, false, false, 2)).as("verification ping").isEqualTo(onlyAsked);
        assertThat(table.entry(onlyAsked.id())).as("not in the table before it answers").isNull();
        assertThat(table.closest(onlyAsked.id(), 8, 3)).containsExactly(answered);
        // more queries while the ping is pending ask for no second ping, and spoofed ones change nothing
        assertThat(table.heardFrom(onlyAsked, false, false, 3)).isNull();
        assertThat(table.heardFrom(new Contact(onlyAsked.id(), address(99, 1)), false, false, 4)).isNull();
        table.heardFrom(onlyAsked, true, false, 5);
        assertThat(table.entry(onlyAsked.id())).as("its answer verified it").isNotNull();
        assertThat(table.closestAnswering(onlyAsked.id(), 8, 6)).containsExactly(onlyAsked, answered);
    }

    @Example
    void aContactWhoseVerificationPingFailsNeverEntersAndIsForgotten() {
        RoutingTable table = new RoutingTable(self, config, 0);
        Contact answered = contactWithPrefix(2);
        Contact spoofed = contactWithPrefix(4);
        table.heardFrom(answered, true, false, 1);
        assertThat(table.heardFrom(spoofed, false, false, 2)).isEqualTo(spoofed);
        table.failed(spoofed.id(), 3);
        assertThat(table.entry(spoofed.id())).isNull();
        assertThat(table.closest(spoofed.id(), 8, 4)).containsExactly(answered);
        // forgotten: it is not among the replacements a bad entry's place could go to
        assertThat(table.replacementCount(0) + table.replacementCount(table.bucketCount() - 1)).isZero();
    }

    @Example
    void aBadEntryIsReplacedOnlyByAReplacementThatHasAnswered() {
        RoutingTable table = new RoutingTable(self, config, 0);
        List<Contact> far = fillFarBucket(table);
        long now = 100;
        Contact unverified = contactWithPrefix(0);
        table.heardFrom(unverified, false, false, now);
        assertThat(table.replacementCount(0)).isEqualTo(1);
        Contact toPing = null;
        for (int i = 0; i < config.maxFailures(); i++) {
            toPing = table.failed(far.get(0).id(), now + 1 + i);
        }
        // no verified replacement: the bad entry keeps its place, the unverified newcomer does not take it, and it is
        // pinged so that its answer can
        assertThat(toPing).isEqualTo(unverified);
        assertThat(table.failed(far.get(0).id(), now + 5)).as("one ping at a time").isNull();
        assertThat(table.entry(unverified.id())).isNull();
        assertThat(table.entry(far.get(0).id())).isNotNull();
        assertThat(table.liveness(table.entry(far.get(0).id()), now + 10)).isEqualTo(Liveness.BAD);
        // once it answers, it takes the bad entry's place
        table.heardFrom(unverified, true, false, now + 20);
        assertThat(table.entry(unverified.id())).isNotNull();
        assertThat(table.entry(far.get(0).id())).isNull();
        assertThat(table.bucket(0)).hasSize(config.k());
    }
}
