package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Countdown: its action runs once, when the last awaited answer is in (at once for none). */
class CountdownTest {
    private final AtomicInteger runs = new AtomicInteger();

    @Test
    void aRoundOfNoneRunsItsActionAtOnce() {
        Countdown c = new Countdown(0, runs::incrementAndGet);

        assertThat(runs).hasValue(1);
        assertThat(c.finished()).isTrue();
    }

    @Test
    void theActionRunsWhenTheLastAnswerIsInAndNotBefore() {
        Countdown c = new Countdown(3, runs::incrementAndGet);

        c.countDown();
        c.countDown();
        assertThat(runs).hasValue(0);
        assertThat(c.finished()).isFalse();

        c.countDown();
        assertThat(runs).hasValue(1);
        assertThat(c.finished()).isTrue();
    }

    @Test
    void extraAnswersAfterTheLastDoNotRunTheActionAgain() {
        Countdown c = new Countdown(1, runs::incrementAndGet);

        c.countDown();
        c.countDown();
        c.countDown();

        assertThat(runs).hasValue(1);
        assertThat(c.finished()).isTrue();
    }

    @Test
    void anAnswerToARoundOfNoneDoesNotRunTheActionAgain() {
        Countdown c = new Countdown(0, runs::incrementAndGet);

        c.countDown();

        assertThat(runs).hasValue(1);
        assertThat(c.finished()).isTrue();
    }
}
