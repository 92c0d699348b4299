package dev.comet.guard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The token bucket on virtual time: a burst, then the refill rate, never more than its capacity. */
class TokenBucketTest {
    @Test
    void aFullBucketAdmitsItsBurstThenOneTokenPerRefillInterval() {
        TokenBucket bucket = new TokenBucket(10, 2, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(bucket.tryTake(0)).as("token %d of the burst", i).isTrue();
        }
        assertThat(bucket.tryTake(0)).isFalse();
        assertThat(bucket.tryTake(499)).isFalse();
        assertThat(bucket.tryTake(500)).isTrue();
        assertThat(bucket.tryTake(500)).isFalse();
    }

    @Test
    void aQuietBucketRefillsToItsCapacityAndNoFurther() {
        TokenBucket bucket = new TokenBucket(10, 2, 0);
        assertThat(bucket.tryTake(10, 0)).isTrue();
        assertThat(bucket.full(1_000)).isFalse();
        assertThat(bucket.tokens(3_600_000)).isEqualTo(10);
        assertThat(bucket.full(3_600_000)).isTrue();
        assertThat(bucket.tryTake(11, 3_600_000)).isFalse();
        assertThat(bucket.tokens(3_600_000)).as("a refused take takes nothing").isEqualTo(10);
    }

    @Test
    void overOneVirtualMinuteItAdmitsTheBurstPlusTheRefillRateAndNoMore() {
        TokenBucket bucket = new TokenBucket(100, 20, 0);
        int admitted = 0;
        for (long t = 0; t < 60_000; t++) { // 1,000 attempts a second for a minute
            if (bucket.tryTake(t)) {
                admitted++;
            }
        }
        assertThat(admitted).isBetween(100 + 20 * 59, 100 + 20 * 60);
    }
}
