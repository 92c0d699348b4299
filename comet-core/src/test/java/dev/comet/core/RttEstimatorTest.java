package dev.comet.core;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RttEstimatorTest {
    @Test
    void waitsTheLongestTimeUntilItHasEnoughSamples() {
        RttEstimator rtt = new RttEstimator(200, 1000);
        for (int i = 0; i < 15; i++) {
            rtt.record(10);
        }
        assertThat(rtt.timeoutMillis()).isEqualTo(1000);
    }

    @Test
    void adaptsToTwiceTheNinetiethPercentile() {
        RttEstimator rtt = new RttEstimator(50, 1000);
        for (int i = 0; i < 128; i++) {
            rtt.record(i < 120 ? 100 : 400); // 120 of 128 samples at 100 ms: p90 = 100, the slow tail above it
        }
        assertThat(rtt.timeoutMillis()).isEqualTo(200);
    }

    @Test
    void staysWithinItsBounds() {
        RttEstimator fast = new RttEstimator(200, 1000);
        RttEstimator slow = new RttEstimator(200, 1000);
        for (int i = 0; i < 128; i++) {
            fast.record(1);
            slow.record(5000);
        }
        assertThat(fast.timeoutMillis()).isEqualTo(200);
        assertThat(slow.timeoutMillis()).isEqualTo(1000);
    }

    @Test
    void forgetsOldSamples() {
        RttEstimator rtt = new RttEstimator(10, 1000);
        for (int i = 0; i < 128; i++) {
            rtt.record(400);
        }
        assertThat(rtt.timeoutMillis()).isEqualTo(800);
        for (int i = 0; i < 128; i++) {
            rtt.record(20);
        }
        assertThat(rtt.timeoutMillis()).isEqualTo(40);
    }

    @Test
    void theSelectionFindsWhatASortPutsAtEachPlace() {
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(128);
            // few distinct values in some rounds: ties are where a selection goes wrong
            int spread = random.nextBoolean() ? 3 : 1_000;
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(spread);
            }
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            int k = random.nextInt(n);
            assertThat(RttEstimator.kthSmallest(values.clone(), n, k)).as("round %d, k %d of %d", round, k, n)
                    .isEqualTo(sorted[k]);
        }
    }
}
