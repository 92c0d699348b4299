package dev.comet.core;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Remembered answers' keys: spread over the map's bins, equal only for the same query, ordered consistently. */
class RequestIdTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.7", 6881);

    /** A comet_get query as a counting client sends it: the same bytes but for a 2-byte transaction id. */
    private static byte[] query(int tid) {
        byte[] q = "d1:ad2:id20:abcdefghij0123456789e1:q9:comet_get1:t2:XX1:y1:qe".getBytes(StandardCharsets.ISO_8859_1);
        int at = q.length - 9; // the id, before "1:y1:qe"
        q[at] = (byte) (tid >> 8);
        q[at + 1] = (byte) tid;
        return q;
    }

    private static RequestId key(int tid) {
        return new RequestId(CLIENT, new byte[] {(byte) (tid >> 8), (byte) tid}, query(tid));
    }

    @Test
    void queriesThatDifferOnlyInACountingTransactionIdHaveDistinctHashes() {
        Set<Integer> hashes = new HashSet<>();
        for (int tid = 0; tid < 65_536; tid++) {
            hashes.add(key(tid).hashCode());
        }
        // a hash linear in the bytes (Arrays.hashCode) gives about 8,200 distinct values here; a random one about
        // 65,535 (a collision among 65,536 draws from 2^32 is likely once or not at all)
        assertThat(hashes.size()).isGreaterThanOrEqualTo(65_530);
    }

    @Test
    void theSameQueryIsTheSameKeyAndAnotherQueryUnderTheSameIdIsNot() {
        RequestId first = key(7);
        RequestId retry = new RequestId(new InetSocketAddress("10.0.0.7", 6881), new byte[] {0, 7}, query(7));
        assertThat(retry).isEqualTo(first).hasSameHashCodeAs(first);
        assertThat(retry.compareTo(first)).isZero();

        byte[] reused = query(7);
        reused[10] ^= 1; // another query that reuses id 7
        RequestId other = new RequestId(CLIENT, new byte[] {0, 7}, reused);
        assertThat(other).isNotEqualTo(first);
        assertThat(other.compareTo(first)).isNotZero();
        RequestId elsewhere = new RequestId(new InetSocketAddress("10.0.0.8", 6881), new byte[] {0, 7}, query(7));
        assertThat(elsewhere).isNotEqualTo(first);
        assertThat(elsewhere.compareTo(first)).isNotZero().isEqualTo(-first.compareTo(elsewhere));
    }

    /**
     * Two queries under one id whose bytes a linear hash cannot tell apart: a sender forging the requester's address
     * could otherwise have its query's answer replayed to the requester.
     */
    @Test
    void queriesThatALinearHashConfusesAreDifferentKeys() {
        byte[] asked = query(7);
        byte[] forged = query(7);
        int at = 12; // in the node id: (a, b) and (a + 1, b - 31) add the same to a polynomial hash with base 31
        forged[at] += 1;
        forged[at + 1] -= 31;
        assertThat(java.util.Arrays.hashCode(forged)).isEqualTo(java.util.Arrays.hashCode(asked));
        RequestId first = new RequestId(CLIENT, new byte[] {0, 7}, asked);
        RequestId second = new RequestId(CLIENT, new byte[] {0, 7}, forged);
        assertThat(second).isNotEqualTo(first);
        assertThat(second.compareTo(first)).isNotZero();
    }

    @Test
    void theOrderAgreesWithEqualityAndIsTransitive() {
        SplittableRandom random = new SplittableRandom(3);
        RequestId[] keys = new RequestId[300];
        for (int i = 0; i < keys.length; i++) {
            // few distinct parts, so equal keys and equal hashes both occur
            byte[] tid = {(byte) random.nextInt(3)};
            byte[] datagram = {(byte) random.nextInt(2), 1, 2, 3, 4, 5, 6, 7, 8, (byte) random.nextInt(2)};
            keys[i] = new RequestId(new InetSocketAddress("10.0.0." + random.nextInt(1, 3), 6880 + random.nextInt(2)),
                    tid, datagram);
        }
        for (RequestId a : keys) {
            for (RequestId b : keys) {
                assertThat(a.compareTo(b) == 0).as("%s vs %s", a, b).isEqualTo(a.equals(b));
                assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
                for (int k = 0; k < 5; k++) {
                    RequestId c = keys[random.nextInt(keys.length)];
                    if (a.compareTo(b) < 0 && b.compareTo(c) < 0) {
                        assertThat(a.compareTo(c)).isNegative();
                    }
                }
            }
        }
    }

    @Test
    void theDatagramHashReadsEveryByte() {
        byte[] bytes = new byte[23];
        long base = RequestId.hashOf(bytes);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = 1;
            assertThat(RequestId.hashOf(bytes)).as("byte %d", i).isNotEqualTo(base);
            bytes[i] = 0;
        }
        assertThat(RequestId.hashOf(new byte[8])).isNotEqualTo(RequestId.hashOf(new byte[9]));
    }
}
