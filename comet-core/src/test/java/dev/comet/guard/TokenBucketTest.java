package dev.comet.guard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void aReshapedBucketIsTheNewBucketMadeWithTheTokensItHeld() {
        for (double capacity : new double[] {3, 40}) {
            TokenBucket reshaped = new TokenBucket(10, 2, 0);
            TokenBucket twin = new TokenBucket(10, 2, 0);
            reshaped.tryTake(7, 100);
            twin.tryTake(7, 100);
            double held = twin.tokens(1_300);
            reshaped.reshape(capacity, 5, 1_300);
            TokenBucket made = new TokenBucket(capacity, 5, held, 1_300);
            assertThat(reshaped.tokens(1_300)).isEqualTo(Math.min(capacity, held));
            for (long t = 1_300; t < 20_000; t += 700) {
                assertThat(reshaped.tryTake(t)).as("capacity %s at %d", capacity, t).isEqualTo(made.tryTake(t));
                assertThat(reshaped.tokens(t)).isEqualTo(made.tokens(t));
            }
        }
        assertThatThrownBy(() -> new TokenBucket(1, 1, 0).reshape(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
