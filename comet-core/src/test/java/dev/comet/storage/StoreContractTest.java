package dev.comet.storage;

import dev.comet.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link Store}, run against every implementation: a subclass supplies {@link #newStore}.
 * Stores it creates are closed after each test.
 */
public abstract class StoreContractTest {
    /** Far in the future: a record that never expires during a test. */
    protected static final long NEVER = Long.MAX_VALUE;
    protected static final long NOW = 1_700_000_000_000L;
    private static final long BIG = 1L << 40;

    private final List<Store> opened = new ArrayList<>();

    /** A new, empty store with the given quota. */
    protected abstract Store newStore(long maxRecords, long maxBytes);

    /** A new store tracked for closing after the test. */
    protected final Store store(long maxRecords, long maxBytes) {
        Store s = newStore(maxRecords, maxBytes);
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        for (Store s : opened) {
            s.close();
        }
        opened.clear();
    }

    protected static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    protected static byte[] allByteValues() {
        byte[] out = new byte[256];
        for (int i = 0; i < 256; i++) {
            out[i] = (byte) i;
        }
        return out;
    }

    protected static byte[] filled(int length, int value) {
        byte[] out = new byte[length];
        java.util.Arrays.fill(out, (byte) value);
        return out;
    }

    protected static List<byte[]> keys(List<StoredRecord> records) {
        return records.stream().map(StoredRecord::key).toList();
    }

    @Test
    void roundTripsBinaryKeysAndValues() {
        Store s = store(100, BIG);
        byte[] key = allByteValues();
        byte[] value = allByteValues();
        s.put(key, value, NEVER);
        s.put(bytes(0x00), bytes(0xFF, 0x00, 0x80), NOW + 1000);
        s.put(bytes(0xFF, 0xFF), new byte[0], NOW + 1000);

        StoredRecord r = s.get(allByteValues(), NOW).orElseThrow();
        assertThat(r.key()).isEqualTo(allByteValues());
        assertThat(r.value()).isEqualTo(allByteValues());
        assertThat(r.expiresAtMillis()).isEqualTo(NEVER);
        assertThat(s.get(bytes(0x00), NOW).orElseThrow().value()).isEqualTo(bytes(0xFF, 0x00, 0x80));
        assertThat(s.get(bytes(0x00), NOW).orElseThrow().expiresAtMillis()).isEqualTo(NOW + 1000);
        assertThat(s.get(bytes(0xFF, 0xFF), NOW).orElseThrow().value()).isEmpty();
        assertThat(s.get(bytes(0xFF), NOW)).isEmpty();
        assertThat(s.get(bytes(0x00, 0x00), NOW)).isEmpty();
        assertThat(s.usage()).isEqualTo(new StoreUsage(3, 256 + 256 + 1 + 3 + 2, 100, BIG));
    }

    @Test
    void replacesAnExistingKey() {
        Store s = store(100, BIG);
        s.put(bytes(1, 2), bytes(10, 11, 12), NOW + 10);
        s.put(bytes(1, 2), bytes(20), NOW + 20);

        StoredRecord r = s.get(bytes(1, 2), NOW).orElseThrow();
        assertThat(r.value()).isEqualTo(bytes(20));
        assertThat(r.expiresAtMillis()).isEqualTo(NOW + 20);
        assertThat(s.usage().records()).isEqualTo(1);
        assertThat(s.usage().bytes()).isEqualTo(3);
    }

    @Test
    void expiredRecordsAreNotServedButCountUntilPurged() {
        Store s = store(100, BIG);
        s.put(bytes(1, 1), bytes(7), NOW + 100);
        s.put(bytes(1, 2), bytes(8), NOW + 200);

        assertThat(s.get(bytes(1, 1), NOW + 99)).isPresent();
        assertThat(s.get(bytes(1, 1), NOW + 100)).as("expired at its expiry time").isEmpty();
        assertThat(s.get(bytes(1, 1), NOW + 150)).isEmpty();
        assertThat(keys(s.scan(bytes(1), NOW + 150, 10))).containsExactly(bytes(1, 2));
        assertThat(s.scan(bytes(1), NOW + 200, 10)).isEmpty();
        assertThat(s.usage().records()).isEqualTo(2);
        assertThat(s.usage().bytes()).isEqualTo(6);
    }

    @Test
    void purgeExpiredRemovesOnlyExpiredRecordsAndFreesQuota() {
        Store s = store(3, BIG);
        s.put(bytes(1), bytes(1, 1), NOW + 100);
        s.put(bytes(2), bytes(2, 2, 2), NOW + 100);
        s.put(bytes(3), bytes(3), NOW + 300);
        assertThatThrownBy(() -> s.put(bytes(4), bytes(4), NEVER)).isInstanceOf(StoreFullException.class);

        assertThat(s.purgeExpired(NOW + 99)).isZero();
        assertThat(s.purgeExpired(NOW + 100)).isEqualTo(2);
        assertThat(s.purgeExpired(NOW + 100)).isZero();

        assertThat(s.usage().records()).isEqualTo(1);
        assertThat(s.usage().bytes()).isEqualTo(2);
        assertThat(s.get(bytes(3), NOW).orElseThrow().value()).isEqualTo(bytes(3));
        assertThat(s.get(bytes(1), NOW)).as("purged, even at an earlier time").isEmpty();
        s.put(bytes(4), bytes(4), NEVER);
        s.put(bytes(5), bytes(5), NEVER);
        assertThat(s.usage().records()).isEqualTo(3);
    }

    @Test
    void scanReturnsOnlyThePrefixInUnsignedKeyOrder() {
        Store s = store(100, BIG);
        byte[][] inserted = {
                bytes(0x01, 0xFF), bytes(0x02), bytes(0x01), bytes(0x01, 0x7F), bytes(0x00, 0x01),
                bytes(0x01, 0x80), bytes(0x01, 0x00), bytes(0x01, 0x00, 0x05), bytes(0xFF), bytes(0xFF, 0xFF, 0x01),
        };
        for (byte[] k : inserted) {
            s.put(k, k, NEVER);
        }

        assertThat(keys(s.scan(bytes(0x01), NOW, 100))).containsExactly(
                bytes(0x01), bytes(0x01, 0x00), bytes(0x01, 0x00, 0x05), bytes(0x01, 0x7F), bytes(0x01, 0x80),
                bytes(0x01, 0xFF));
        assertThat(keys(s.scan(bytes(0x01, 0x00), NOW, 100))).containsExactly(bytes(0x01, 0x00), bytes(0x01, 0x00, 0x05));
        assertThat(keys(s.scan(bytes(0xFF), NOW, 100))).containsExactly(bytes(0xFF), bytes(0xFF, 0xFF, 0x01));
        assertThat(keys(s.scan(bytes(0xFF, 0xFF), NOW, 100))).containsExactly(bytes(0xFF, 0xFF, 0x01));
        assertThat(s.scan(bytes(0x03), NOW, 100)).isEmpty();
        assertThat(s.scan(bytes(0x01, 0x00, 0x05, 0x00), NOW, 100)).isEmpty();
        assertThat(keys(s.scan(new byte[0], NOW, 100))).containsExactly(
                bytes(0x00, 0x01), bytes(0x01), bytes(0x01, 0x00), bytes(0x01, 0x00, 0x05), bytes(0x01, 0x7F),
                bytes(0x01, 0x80), bytes(0x01, 0xFF), bytes(0x02), bytes(0xFF), bytes(0xFF, 0xFF, 0x01));
        for (StoredRecord r : s.scan(new byte[0], NOW, 100)) {
            assertThat(r.value()).isEqualTo(r.key());
            assertThat(r.expiresAtMillis()).isEqualTo(NEVER);
        }
    }

    @Test
    void scanRespectsTheLimitAndSkipsExpiredRecordsWithoutCountingThem() {
        Store s = store(100, BIG);
        for (int i = 0; i < 10; i++) {
            s.put(bytes(7, i), bytes(i), i % 2 == 0 ? NOW - 1 : NEVER);
        }
        assertThat(keys(s.scan(bytes(7), NOW, 3))).containsExactly(bytes(7, 1), bytes(7, 3), bytes(7, 5));
        assertThat(s.scan(bytes(7), NOW, 100)).hasSize(5);
        assertThat(s.scan(bytes(7), NOW, 1)).hasSize(1);
        assertThat(s.scan(bytes(7), NOW, 0)).isEmpty();
        assertThat(s.scan(bytes(7), NOW - 2, 100)).hasSize(10);
    }

    @Test
    void deleteRemovesARecordAndItsQuota() {
        Store s = store(100, BIG);
        s.put(bytes(1), bytes(1, 2, 3), NEVER);
        s.put(bytes(2), bytes(4), NEVER);

        assertThat(s.delete(bytes(1))).isTrue();
        assertThat(s.delete(bytes(1))).isFalse();
        assertThat(s.delete(bytes(9))).isFalse();
        assertThat(s.get(bytes(1), NOW)).isEmpty();
        assertThat(keys(s.scan(new byte[0], NOW, 10))).containsExactly(bytes(2));
        assertThat(s.usage().records()).isEqualTo(1);
        assertThat(s.usage().bytes()).isEqualTo(2);
    }

    @Test
    void deleteRemovesAnExpiredRecordToo() {
        Store s = store(100, BIG);
        s.put(bytes(1), bytes(1), NOW - 1);
        assertThat(s.delete(bytes(1))).isTrue();
        assertThat(s.usage().records()).isZero();
        assertThat(s.usage().bytes()).isZero();
    }

    @Test
    void recordQuotaRefusesNewKeysAndKeepsEarlierRecords() {
        Store s = store(3, BIG);
        s.put(bytes(1), bytes(10), NEVER);
        s.put(bytes(2), bytes(20), NEVER);
        s.put(bytes(3), bytes(30), NEVER);

        assertThatThrownBy(() -> s.put(bytes(4), bytes(40), NEVER))
                .isInstanceOf(StoreFullException.class)
                .satisfies(e -> assertThat(((StoreFullException) e).code()).isEqualTo(ErrorCode.STORE_FULL))
                .hasMessageContaining("3 of 3 records");
        assertThat(s.get(bytes(4), NOW)).isEmpty();
        assertThat(s.usage()).isEqualTo(new StoreUsage(3, 6, 3, BIG));
        for (int i = 1; i <= 3; i++) {
            assertThat(s.get(bytes(i), NOW).orElseThrow().value()).isEqualTo(bytes(i * 10));
        }

        s.put(bytes(2), bytes(21, 22, 23), NEVER);
        assertThat(s.get(bytes(2), NOW).orElseThrow().value()).isEqualTo(bytes(21, 22, 23));
        assertThat(s.usage()).isEqualTo(new StoreUsage(3, 8, 3, BIG));

        assertThat(s.delete(bytes(1))).isTrue();
        s.put(bytes(4), bytes(40), NEVER);
        assertThat(s.get(bytes(4), NOW).orElseThrow().value()).isEqualTo(bytes(40));
        assertThatThrownBy(() -> s.put(bytes(5), bytes(50), NEVER)).isInstanceOf(StoreFullException.class);
    }

    @Test
    void expiredButUnpurgedRecordsStillCountAgainstTheQuota() {
        Store s = store(1, BIG);
        s.put(bytes(1), bytes(1), NOW - 1);
        assertThatThrownBy(() -> s.put(bytes(2), bytes(2), NEVER)).isInstanceOf(StoreFullException.class);
        s.put(bytes(1), bytes(3), NEVER);
        assertThat(s.get(bytes(1), NOW).orElseThrow().value()).isEqualTo(bytes(3));
    }

    @Test
    void byteQuotaRefusesNewRecordsAndAllowsReplacementsThatFit() {
        // each record: 4-byte key + 26-byte value = 30 bytes; three fit in 100
        Store s = store(1000, 100);
        for (int i = 0; i < 3; i++) {
            s.put(filled(4, i), filled(26, i), NEVER);
        }
        assertThat(s.usage().bytes()).isEqualTo(90);

        assertThatThrownBy(() -> s.put(filled(4, 9), filled(26, 9), NEVER))
                .isInstanceOf(StoreFullException.class)
                .hasMessageContaining("bytes");
        assertThat(s.usage()).isEqualTo(new StoreUsage(3, 90, 1000, 100));
        for (int i = 0; i < 3; i++) {
            assertThat(s.get(filled(4, i), NOW).orElseThrow().value()).isEqualTo(filled(26, i));
        }

        // replacing within the quota: 90 - 30 + 40 = 100 fits exactly
        s.put(filled(4, 1), filled(36, 7), NEVER);
        assertThat(s.get(filled(4, 1), NOW).orElseThrow().value()).isEqualTo(filled(36, 7));
        assertThat(s.usage().bytes()).isEqualTo(100);

        // replacing beyond it is refused and leaves the old value
        assertThatThrownBy(() -> s.put(filled(4, 2), filled(27, 8), NEVER)).isInstanceOf(StoreFullException.class);
        assertThat(s.get(filled(4, 2), NOW).orElseThrow().value()).isEqualTo(filled(26, 2));
        assertThat(s.usage().bytes()).isEqualTo(100);

        assertThat(s.delete(filled(4, 0))).isTrue();
        s.put(filled(4, 9), filled(26, 9), NEVER);
        assertThat(s.get(filled(4, 9), NOW).orElseThrow().value()).isEqualTo(filled(26, 9));
        assertThat(s.usage()).isEqualTo(new StoreUsage(3, 100, 1000, 100));
    }

    @Test
    void valuesAreDefensiveCopies() {
        Store s = store(100, BIG);
        byte[] key = bytes(1, 2, 3);
        byte[] value = bytes(4, 5, 6);
        s.put(key, value, NEVER);
        key[0] = 99;
        value[0] = 99;

        assertThat(s.get(bytes(99, 2, 3), NOW)).isEmpty();
        StoredRecord got = s.get(bytes(1, 2, 3), NOW).orElseThrow();
        assertThat(got.value()).isEqualTo(bytes(4, 5, 6));
        got.value()[1] = 99;
        got.key()[1] = 99;
        assertThat(s.get(bytes(1, 2, 3), NOW).orElseThrow().value()).isEqualTo(bytes(4, 5, 6));

        StoredRecord scanned = s.scan(bytes(1), NOW, 10).get(0);
        scanned.value()[2] = 99;
        scanned.key()[2] = 99;
        Optional<StoredRecord> again = s.get(bytes(1, 2, 3), NOW);
        assertThat(again.orElseThrow().value()).isEqualTo(bytes(4, 5, 6));
        assertThat(keys(s.scan(bytes(1), NOW, 10))).containsExactly(bytes(1, 2, 3));
    }
}
