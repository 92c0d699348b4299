package dev.comet.cli.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The percentiles of the bench histogram: nearest rank, exact below 256 µs, within 1/128 above. */
class LatenciesTest {
    @Test
    void nearestRankPercentilesOfSmallValuesAreExact() {
        Latencies l = new Latencies();
        for (int v = 100; v >= 1; v--) {
            l.record(v);
        }
        assertThat(l.count()).isEqualTo(100);
        assertThat(l.percentile(50)).isEqualTo(50);
        assertThat(l.percentile(99)).isEqualTo(99);
        assertThat(l.percentile(99.9)).isEqualTo(100);
        assertThat(l.percentile(100)).isEqualTo(100);
        assertThat(l.percentile(0.5)).isEqualTo(1);
        assertThat(l.max()).isEqualTo(100);
    }

    @Test
    void emptyIsZeroAndNegativeCountsAsZero() {
        Latencies l = new Latencies();
        assertThat(l.percentile(99)).isZero();
        l.record(-5);
        assertThat(l.percentile(50)).isZero();
    }

    @Test
    void largeValuesStayWithinOneBucketOfTheTruth() {
        for (long v : new long[] {256, 257, 1_000, 4_071, 123_456, 10_000_000_000L, Long.MAX_VALUE / 2}) {
            Latencies l = new Latencies();
            l.record(v);
            long got = l.percentile(50);
            assertThat(Math.abs(got - v)).as("value %d got %d", v, got).isLessThanOrEqualTo(v / 128 + 1);
        }
    }

    @Test
    void bucketsAreContiguousAndOrdered() {
        int previous = -1;
        for (long v = 0; v < 100_000; v++) {
            int i = Latencies.index(v);
            assertThat(i).isBetween(previous, previous + 1);
            previous = i;
        }
    }

    @Test
    void mergingAddsCounts() {
        Latencies a = new Latencies();
        Latencies b = new Latencies();
        for (int v = 1; v <= 50; v++) {
            a.record(v);
            b.record(v + 50);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(100);
        assertThat(a.percentile(99)).isEqualTo(99);
        assertThat(a.max()).isEqualTo(100);
    }

    @Test
    void aPercentileOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> new Latencies().percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Latencies().percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
