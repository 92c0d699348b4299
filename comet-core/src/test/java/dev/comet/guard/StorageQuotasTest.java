package dev.comet.guard;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-source storage quotas on their own: shares in records and bytes, the peer's share, lazy reconciliation. */
class StorageQuotasTest {
    private final Map<ByteBuffer, Integer> store = new HashMap<>();
    private final InetSocketAddress source = new InetSocketAddress("203.0.113.7", 6881);
    private final InetSocketAddress peer = new InetSocketAddress("203.0.113.8", 6881);
    /** 1 % of 1,000 records and 100,000 bytes: 10 records, 1,000 bytes; a peer 25 %. */
    private final StorageQuotas quotas = new StorageQuotas(GuardConfig.defaults(), 1_000, 100_000, peer::equals,
            key -> store.getOrDefault(ByteBuffer.wrap(key), -1));

    private static byte[] key(int i) {
        return ("key " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void storeFrom(InetSocketAddress from, int i, int bytes, long now) {
        quotas.store(from, key(i), bytes, now, () -> store.put(ByteBuffer.wrap(key(i)), bytes));
    }

    private static void assertRefused(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOf(CometException.class)
                .satisfies(e -> assertThat(((CometException) e).error().code()).isEqualTo(ErrorCode.SOURCE_STORE_FULL));
    }

    @Test
    void aSourceMayCreateItsShareOfRecordsAndNoMore() {
        for (int i = 0; i < 10; i++) {
            storeFrom(source, i, 10, 0);
        }
        assertRefused(() -> storeFrom(source, 10, 10, 0));
        assertThat(store).hasSize(10);
        assertThat(quotas.refused()).isEqualTo(1);
        storeFrom(source, 3, 10, 0); // held already: a refresh, not a new record
        assertThat(quotas.recordsOf(source)).isEqualTo(10);
    }

    @Test
    void aSourceMayCreateItsShareOfBytesAndNoMore() {
        storeFrom(source, 0, 900, 0);
        assertRefused(() -> storeFrom(source, 1, 200, 0));
        storeFrom(source, 1, 100, 0);
    }

    @Test
    void aPeerHasTheLargerShare() {
        for (int i = 0; i < 250; i++) {
            storeFrom(peer, i, 10, 0);
        }
        assertRefused(() -> storeFrom(peer, 250, 10, 0));
    }

    @Test
    void recordsNoLongerHeldAreForgottenAtMostOncePerReconcileInterval() {
        for (int i = 0; i < 10; i++) {
            storeFrom(source, i, 10, 0);
        }
        assertRefused(() -> storeFrom(source, 10, 10, 0)); // reconciled now: all ten still held
        store.remove(ByteBuffer.wrap(key(0)));
        assertRefused(() -> storeFrom(source, 10, 10, StorageQuotas.RECONCILE_MILLIS - 1));
        storeFrom(source, 10, 10, StorageQuotas.RECONCILE_MILLIS);
        assertThat(quotas.recordsOf(source)).isEqualTo(10);
    }

    @Test
    void aShareOfAHundredPercentIsNoShareAtAll() {
        StorageQuotas off = new StorageQuotas(GuardConfig.defaults().withStorePercent(100, 100), 3, 100_000,
                peer::equals, key -> store.getOrDefault(ByteBuffer.wrap(key), -1));
        for (int i = 0; i < 5; i++) {
            int k = i;
            off.store(source, key(k), 10, 0, () -> store.put(ByteBuffer.wrap(key(k)), 10));
        }
        assertThat(off.recordsOf(source)).as("only the store's own quota refuses, not the share").isEqualTo(5);
    }

    @Test
    void theNodesOwnAddressHasNoShare() {
        quotas.exempt(source);
        for (int i = 0; i < 20; i++) {
            storeFrom(source, i, 10, 0);
        }
        assertThat(store).hasSize(20);
    }

    @Test
    void aStoreThatStoredNothingChargesNothing() {
        quotas.store(source, key(0), 10, 0, () -> { });
        assertThat(quotas.recordsOf(source)).isZero();
    }
}
