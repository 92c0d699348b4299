package dev.comet.cli.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a benchmark's warm-up stops (`bench items`' batches of pairs, `bench compare`'s rounds of onGet loads): after
 * what was asked for, once the JIT settles or the time is up.
 */
class JitWatchTest {
    @Test
    void theJitHasSettledWhenItCompiledForLessThanATwentiethOfThePeriod() {
        assertThat(JitWatch.settled(49, 1_000)).isTrue();
        assertThat(JitWatch.settled(50, 1_000)).isFalse();
        assertThat(JitWatch.settled(600, 577)).isFalse();
        assertThat(JitWatch.settled(0, 0)).isFalse();
    }

    @Test
    void theWarmUpRunsThePairsAskedForWhateverTheJit() {
        assertThat(JitWatch.warmUpDone(1_500, 2_000, true, true)).isFalse();
        assertThat(JitWatch.warmUpDone(1_500, 2_000, null, false)).isFalse();
    }

    @Test
    void afterThePairsItGoesOnOnlyWhileTheJitCompilesAndTimeIsLeft() {
        assertThat(JitWatch.warmUpDone(2_000, 2_000, false, false)).isFalse();
        assertThat(JitWatch.warmUpDone(2_000, 2_000, true, false)).isTrue();
        assertThat(JitWatch.warmUpDone(9_500, 2_000, false, true)).isTrue();
    }

    @Test
    void aJvmThatCannotTellItsCompilationTimeStopsAfterThePairs() {
        assertThat(JitWatch.warmUpDone(2_000, 2_000, null, false)).isTrue();
    }
}
