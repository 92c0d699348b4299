package dev.comet.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When `bench items` stops warming up: after the pairs asked for, once the JIT settles or the time is up. */
class BenchItemsWarmUpTest {
    @Test
    void theJitHasSettledWhenItCompiledForLessThanATwentiethOfTheBatch() {
        assertThat(BenchItemsCommand.jitSettled(49, 1_000)).isTrue();
        assertThat(BenchItemsCommand.jitSettled(50, 1_000)).isFalse();
        assertThat(BenchItemsCommand.jitSettled(600, 577)).isFalse();
        assertThat(BenchItemsCommand.jitSettled(0, 0)).isFalse();
    }

    @Test
    void theWarmUpRunsThePairsAskedForWhateverTheJit() {
        assertThat(BenchItemsCommand.warmUpDone(1_500, 2_000, true, true)).isFalse();
        assertThat(BenchItemsCommand.warmUpDone(1_500, 2_000, null, false)).isFalse();
    }

    @Test
    void afterThePairsItGoesOnOnlyWhileTheJitCompilesAndTimeIsLeft() {
        assertThat(BenchItemsCommand.warmUpDone(2_000, 2_000, false, false)).isFalse();
        assertThat(BenchItemsCommand.warmUpDone(2_000, 2_000, true, false)).isTrue();
        assertThat(BenchItemsCommand.warmUpDone(9_500, 2_000, false, true)).isTrue();
    }

    @Test
    void aJvmThatCannotTellItsCompilationTimeStopsAfterThePairs() {
        assertThat(BenchItemsCommand.warmUpDone(2_000, 2_000, null, false)).isTrue();
    }
}
