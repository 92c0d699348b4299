package dev.comet.sim;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Churn's session-time distributions draw sessions with the mean they are given; none means no churn. */
class SessionTimesTest {
    private static double meanSeconds(SessionTimes sessions, int n) {
        Random random = new Random(1);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += sessions.sessionMillis(random) / 1000.0;
        }
        return sum / n;
    }

    @Test
    void exponentialSessionsHaveTheirMean() {
        assertThat(meanSeconds(SessionTimes.exponential(1800), 200_000)).isCloseTo(1800, within(20.0));
    }

    @Test
    void paretoSessionsHaveTheirMeanAndAHeavyTail() {
        SessionTimes pareto = SessionTimes.pareto(1800, 3);
        assertThat(meanSeconds(pareto, 400_000)).isCloseTo(1800, within(40.0));
        Random random = new Random(2);
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < 10_000; i++) {
            shortest = Math.min(shortest, pareto.sessionMillis(random));
        }
        assertThat(shortest).as("no session is shorter than the scale, mean (shape - 1) / shape").isGreaterThanOrEqualTo(1_200_000);
    }

    @Test
    void noChurnMeansNobodyLeaves() {
        assertThat(SessionTimes.exponential(0).churns()).isFalse();
        assertThat(SessionTimes.NONE.churns()).isFalse();
        assertThat(SessionTimes.exponential(60).churns()).isTrue();
    }
}
