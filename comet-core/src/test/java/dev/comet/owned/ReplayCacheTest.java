package dev.comet.owned;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.owned.ReplayCache.Outcome;
import org.junit.jupiter.api.Test;

/** The replay cache: a pair is refused while remembered, forgotten once expired, and a full cache refuses new pairs. */
class ReplayCacheTest {
    private static final byte[] SIGNER = new byte[32];
    private static final byte[] OTHER_SIGNER = {1, 2, 3};

    private static byte[] nonce(int i) {
        return new byte[] {(byte) i, 0, 0, 0, 0, 0, 0, 0};
    }

    @Test
    void aPairIsRememberedOnceAndReplayedUntilItExpires() {
        ReplayCache cache = new ReplayCache(10);

        assertThat(cache.remember(SIGNER, nonce(1), 1_000, 0)).isEqualTo(Outcome.REMEMBERED);
        assertThat(cache.remember(SIGNER, nonce(1), 1_000, 500)).isEqualTo(Outcome.REPLAYED);
        assertThat(cache.remember(SIGNER, nonce(1), 1_000, 1_000)).as("still inside at its expiry").isEqualTo(Outcome.REPLAYED);
        assertThat(cache.remember(SIGNER, nonce(1), 2_001, 1_001)).as("forgotten after it").isEqualTo(Outcome.REMEMBERED);
    }

    @Test
    void theSameNonceOfAnotherSignerIsAnotherPair() {
        ReplayCache cache = new ReplayCache(10);
        cache.remember(SIGNER, nonce(1), 1_000, 0);

        assertThat(cache.remember(OTHER_SIGNER, nonce(1), 1_000, 0)).isEqualTo(Outcome.REMEMBERED);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void aFullCacheRefusesNewPairsWithoutForgettingAndMakesRoomAsPairsExpire() {
        ReplayCache cache = new ReplayCache(3);
        cache.remember(SIGNER, nonce(1), 1_000, 0);
        cache.remember(SIGNER, nonce(2), 3_000, 0);
        cache.remember(SIGNER, nonce(3), 2_000, 0);

        assertThat(cache.remember(SIGNER, nonce(4), 3_000, 10)).isEqualTo(Outcome.FULL);
        assertThat(cache.remember(SIGNER, nonce(1), 1_000, 10)).as("nothing was forgotten to make room")
                .isEqualTo(Outcome.REPLAYED);
        assertThat(cache.size()).isEqualTo(3);

        // the pair that expires first (not the first remembered) makes room
        assertThat(cache.remember(SIGNER, nonce(4), 3_000, 1_001)).isEqualTo(Outcome.REMEMBERED);
        assertThat(cache.remember(SIGNER, nonce(5), 3_000, 1_001)).isEqualTo(Outcome.FULL);
        assertThat(cache.remember(SIGNER, nonce(3), 2_000, 1_001)).isEqualTo(Outcome.REPLAYED);
        assertThat(cache.remember(SIGNER, nonce(5), 3_000, 2_001)).isEqualTo(Outcome.REMEMBERED);
        assertThat(cache.size()).isEqualTo(3);
    }
}
