package dev.comet.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryYieldTest {
    private final RetryYield yield = new RetryYield(4);

    @Test
    void everyResendGoesOutUntilResendsHaveBeenMeasured() {
        for (int attempt = 2; attempt <= 4; attempt++) {
            assertThat(yield.worthSending(attempt)).as("attempt %d", attempt).isTrue();
        }
        assertThat(yield.skipped()).isZero();
    }

    @Test
    void resendsToNodesThatHaveLeftStopGoingOutButOneInSixteenStillMeasures() {
        for (int i = 0; i < 200; i++) {
            yield.ended(4, false); // silent through all four sends: a node that has left
        }
        assertThat(yield.share(2)).isLessThan(RetryYield.WORTHWHILE);
        int sent = 0;
        for (int i = 0; i < 64; i++) {
            if (yield.worthSending(2)) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(64 / RetryYield.PROBE_EVERY);
        assertThat(yield.skipped()).isEqualTo(64 - sent);
    }

    @Test
    void whenResendsAreAnsweredAgainTheyGoOutAgain() {
        for (int i = 0; i < 200; i++) {
            yield.ended(4, false);
        }
        assertThat(yield.worthSending(2)).isFalse();
        // loss comes: the probes' second sends are answered
        for (int i = 0; i < 20; i++) {
            yield.ended(2, true);
        }
        assertThat(yield.share(2)).isGreaterThanOrEqualTo(RetryYield.WORTHWHILE);
        assertThat(yield.worthSending(2)).isTrue();
    }

    @Test
    void aCallAnsweredAtItsThirdSendCountsItsSecondAsSilentAndItsThirdAsAnswered() {
        yield.ended(3, true);
        assertThat(yield.share(2)).isLessThan(0.5);
        assertThat(yield.share(3)).isGreaterThan(0.5);
        assertThat(yield.share(4)).as("never sent, not measured").isEqualTo(0.5);
    }

    @Test
    void aNewNodeStopsResendingAfterAboutNineSilentResends() {
        for (int i = 0; i < 7; i++) {
            yield.ended(4, false);
        }
        assertThat(yield.worthSending(2)).as("after 7").isTrue();
        yield.ended(4, false);
        yield.ended(4, false);
        assertThat(yield.worthSending(2)).as("after 9").isFalse();
    }

    @Test
    void withTenPercentLossEachWayResendsStayWorthSending() {
        // a second send is answered 81 % of the time: 0.9 there, 0.9 back
        for (int i = 0; i < 1000; i++) {
            yield.ended(2, i % 100 < 81);
        }
        assertThat(yield.share(2)).isGreaterThan(0.5);
        assertThat(yield.worthSending(2)).isTrue();
        assertThat(yield.skipped()).isZero();
    }
}
