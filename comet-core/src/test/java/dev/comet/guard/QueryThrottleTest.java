package dev.comet.guard;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-source buckets, the global cap and flood bans, on virtual time. */
class QueryThrottleTest {
    private final GuardConfig config = GuardConfig.defaults().withSourceRate(10, 2);
    private final BanList bans = new BanList(config.maxTrackedSources());
    private final QueryThrottle throttle = new QueryThrottle(config, bans, 0);

    static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSourceOverItsBucketIsDroppedAndCountedWhileAnotherSourceIsAdmitted() {
        InetSocketAddress flooder = at("10.0.0.1", 6881);
        InetSocketAddress other = at("10.0.0.2", 6881);
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.admit(flooder, 0)).isEqualTo(QueryThrottle.Verdict.ADMITTED);
        }
        assertThat(throttle.admit(flooder, 0)).isEqualTo(QueryThrottle.Verdict.SOURCE_LIMIT);
        assertThat(throttle.admit(other, 0)).isEqualTo(QueryThrottle.Verdict.ADMITTED);
        assertThat(throttle.droppedBySource()).isEqualTo(1);
        assertThat(throttle.admit(flooder, 500)).isEqualTo(QueryThrottle.Verdict.ADMITTED);
    }

    @Test
    void anotherPortOfTheSameIpSharesTheBucketButOnLoopbackEachPortHasItsOwn() {
        for (int i = 0; i < 10; i++) {
            throttle.admit(at("10.0.0.1", 1000 + i), 0);
            throttle.admit(at("127.0.0.1", 1000 + i), 0);
        }
        assertThat(throttle.admit(at("10.0.0.1", 2000), 0)).isEqualTo(QueryThrottle.Verdict.SOURCE_LIMIT);
        assertThat(throttle.admit(at("127.0.0.1", 2000), 0)).isEqualTo(QueryThrottle.Verdict.ADMITTED);

        QueryThrottle onePerLoopbackIp = new QueryThrottle(config.withLoopbackPerPort(false), bans, 0);
        for (int i = 0; i < 10; i++) {
            onePerLoopbackIp.admit(at("127.0.0.1", 1000 + i), 0);
        }
        assertThat(onePerLoopbackIp.admit(at("127.0.0.1", 2000), 0)).isEqualTo(QueryThrottle.Verdict.SOURCE_LIMIT);
    }

    @Test
    void aSourceThatKeepsFloodingIsBannedForBanMillisThenForgiven() {
        InetSocketAddress flooder = at("10.0.0.1", 6881);
        Source source = config.sourceOf(flooder);
        int sent = 0;
        while (!bans.banned(source, 0)) {
            throttle.admit(flooder, 0);
            sent++;
        }
        assertThat(sent).isEqualTo(10 + config.banAfterDrops());
        assertThat(bans.floodBans()).isEqualTo(1);
        assertThat(bans.banned(source, config.banMillis() - 1)).isTrue();
        assertThat(bans.banned(source, config.banMillis())).isFalse();
        assertThat(throttle.admit(flooder, config.banMillis())).as("a fresh bucket after the ban")
                .isEqualTo(QueryThrottle.Verdict.ADMITTED);
    }

    @Test
    void dropsSpreadOverMoreThanTheBanWindowDoNotBan() {
        InetSocketAddress slow = at("10.0.0.1", 6881);
        long t = 0;
        for (int i = 0; i < 10; i++) {
            throttle.admit(slow, t);
        }
        // twice its allowance for ten minutes: about one drop a second, far from banAfterDrops in any window
        for (int i = 0; i < 1_000; i++) {
            t += 600;
            throttle.admit(slow, t);
            throttle.admit(slow, t);
        }
        assertThat(throttle.droppedBySource()).isGreaterThan(500);
        assertThat(bans.floodBans()).isZero();
    }

    @Test
    void theGlobalCapDropsQueriesOfManyWellBehavedSources() {
        GuardConfig small = new GuardConfig(5, 1, 50, 10, 100, 100, 60_000, 60_000, 3, 1_400, 1 << 20, 1_000, true, true, true, false, 1, 25);
        QueryThrottle global = new QueryThrottle(small, bans, 0);
        int admitted = 0;
        for (int host = 0; host < 50; host++) {
            for (int q = 0; q < 5; q++) {
                if (global.admit(at("10.0.1." + host, 6881), 0) == QueryThrottle.Verdict.ADMITTED) {
                    admitted++;
                }
            }
        }
        assertThat(admitted).isEqualTo(100);
        assertThat(global.droppedGlobal()).isEqualTo(150);
        assertThat(global.droppedBySource()).isZero();
        assertThat(bans.size()).isZero();
    }

    @Test
    void memoryStaysBoundedWhateverTheNumberOfSources() {
        GuardConfig small = new GuardConfig(5, 1, 50, 10, 1_000_000, 100, 60_000, 60_000, 3, 1_400, 1 << 20, 100, true, true, true, false, 1, 25);
        QueryThrottle bounded = new QueryThrottle(small, bans, 0);
        for (int i = 0; i < 10_000; i++) {
            bounded.admit(at("10." + (i >>> 16) + "." + ((i >>> 8) & 0xFF) + "." + (i & 0xFF), 6881), i);
        }
        assertThat(bounded.trackedSources()).isEqualTo(100);
    }

    @Test
    void aSourceThatAnsweredAsACometNodeHasThePeerBucketStartingFromWhatItHadLeft() {
        InetSocketAddress peer = at("10.0.0.3", 6881);
        for (int i = 0; i < 10; i++) {
            throttle.admit(peer, 0);
        }
        throttle.peerAnswered(peer, 0);
        assertThat(throttle.isPeer(peer)).isTrue();
        assertThat(throttle.admit(peer, 0)).as("no new burst").isEqualTo(QueryThrottle.Verdict.SOURCE_LIMIT);
        int admitted = 0;
        for (int i = 0; i < config.peerQueryBurst() + config.banAfterDrops() / 2; i++) {
            admitted += throttle.admit(peer, 10_000) == QueryThrottle.Verdict.ADMITTED ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(config.peerQueryBurst());
    }

    @Test
    void aStrangerIsProbedOnceAMinuteAfterItUsedHalfItsBucketAndAPeerNever() {
        InetSocketAddress busy = at("10.0.0.4", 6881);
        for (int i = 0; i < 5; i++) {
            throttle.admit(busy, 0);
        }
        assertThat(throttle.wantsProbe(busy, 0)).as("half the bucket of 10 left").isTrue();
        assertThat(throttle.wantsProbe(busy, 0)).as("once").isFalse();
        throttle.admit(busy, QueryThrottle.PROBE_INTERVAL_MILLIS);
        for (int i = 0; i < 9; i++) {
            throttle.admit(busy, QueryThrottle.PROBE_INTERVAL_MILLIS);
        }
        assertThat(throttle.wantsProbe(busy, QueryThrottle.PROBE_INTERVAL_MILLIS)).as("a minute later").isTrue();
        throttle.peerAnswered(busy, QueryThrottle.PROBE_INTERVAL_MILLIS);
        for (int i = 0; i < 10; i++) {
            throttle.admit(busy, 2 * QueryThrottle.PROBE_INTERVAL_MILLIS);
        }
        assertThat(throttle.wantsProbe(busy, 3 * QueryThrottle.PROBE_INTERVAL_MILLIS)).isFalse();
    }

    @Test
    void aQuerysVerdictSaysWhenToProbeItsSourceByTheSameRule() {
        InetSocketAddress busy = at("10.0.0.7", 6881);
        for (int i = 0; i < 4; i++) {
            assertThat(throttle.admitQuery(busy, 0)).as("query %d", i + 1).isEqualTo(QueryThrottle.Verdict.ADMITTED);
        }
        assertThat(throttle.admitQuery(busy, 0)).as("half the bucket of 10 used")
                .isEqualTo(QueryThrottle.Verdict.ADMITTED_PROBE);
        assertThat(throttle.admitQuery(busy, 0)).as("once a minute").isEqualTo(QueryThrottle.Verdict.ADMITTED);
        assertThat(throttle.wantsProbe(busy, 0)).as("the probe was taken").isFalse();
        assertThat(QueryThrottle.Verdict.ADMITTED_PROBE.admitted()).as("a query to probe is answered").isTrue();
        assertThat(QueryThrottle.Verdict.SOURCE_LIMIT.admitted()).isFalse();
        assertThat(QueryThrottle.Verdict.GLOBAL_LIMIT.admitted()).isFalse();
        assertThat(throttle.admit(busy, QueryThrottle.PROBE_INTERVAL_MILLIS)).as("admit alone never asks for one")
                .isEqualTo(QueryThrottle.Verdict.ADMITTED);
        for (int i = 0; i < 4; i++) {
            throttle.admit(busy, QueryThrottle.PROBE_INTERVAL_MILLIS);
        }
        assertThat(throttle.wantsProbe(busy, QueryThrottle.PROBE_INTERVAL_MILLIS)).as("still owed, a minute later")
                .isTrue();
    }

    @Test
    void aFullBucketIsForgottenAfterItsWindowsAndAnEmptyOneIsNot() {
        InetSocketAddress quiet = at("10.0.0.5", 6881);
        InetSocketAddress busy = at("10.0.0.6", 6881);
        throttle.admit(quiet, 0);
        for (int i = 0; i < 10; i++) {
            throttle.admit(busy, QueryThrottle.PROBE_INTERVAL_MILLIS);
        }
        throttle.prune(QueryThrottle.PROBE_INTERVAL_MILLIS);
        assertThat(throttle.trackedSources()).as("the busy one's bucket is empty").isEqualTo(1);
        assertThat(throttle.admit(busy, QueryThrottle.PROBE_INTERVAL_MILLIS))
                .isEqualTo(QueryThrottle.Verdict.SOURCE_LIMIT);
    }

    @Test
    void aPeerStaysAPeerOnceItsFullBucketIsForgotten() {
        InetSocketAddress peer = at("10.0.0.7", 6881);
        throttle.peerAnswered(peer, 0);
        throttle.admit(peer, 0);
        long later = 2 * QueryThrottle.PROBE_INTERVAL_MILLIS;
        throttle.prune(later);
        assertThat(throttle.trackedSources()).as("its bucket was full").isZero();
        assertThat(throttle.isPeer(peer)).isTrue();
        int admitted = 0;
        for (int i = 0; i < config.peerQueryBurst(); i++) {
            admitted += throttle.admit(peer, later) == QueryThrottle.Verdict.ADMITTED ? 1 : 0;
        }
        assertThat(admitted).as("a whole peer's burst").isEqualTo(config.peerQueryBurst());
    }
}
