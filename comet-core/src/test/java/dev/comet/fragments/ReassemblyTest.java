package dev.comet.fragments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.bencode.BencodeLimits;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Putting messages back together: any order, duplicates ignored, contradictions dropped, memory bounded. */
class ReassemblyTest {
    private static final int MAX_MESSAGE = 16_384;
    private static final InetSocketAddress A = new InetSocketAddress("10.0.0.1", 6881);
    private static final InetSocketAddress B = new InetSocketAddress("10.0.0.2", 6881);
    private final FragmentConfig config = FragmentConfig.defaults();

    private static byte[] message(int length, long seed) {
        byte[] m = new byte[length];
        new Random(seed).nextBytes(m);
        return m;
    }

    private static List<Fragment> pieces(byte[] message, int id) {
        List<Fragment> out = new ArrayList<>();
        for (byte[] f : Fragment.split(message, new byte[] {(byte) id}, 1_400)) {
            out.add(Fragment.decode(f, BencodeLimits.DEFAULT));
        }
        return out;
    }

    @Test
    void piecesInAnyOrderAndRepeatedGiveTheMessageOnceOnItsLastNewPiece() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            Reassembly r = new Reassembly(config, MAX_MESSAGE);
            byte[] m = message(1_401 + random.nextInt(MAX_MESSAGE - 1_400), round);
            List<Fragment> shuffled = new ArrayList<>(pieces(m, round));
            shuffled.addAll(shuffled.subList(0, 1 + random.nextInt(shuffled.size()))); // retransmitted pieces
            Collections.shuffle(shuffled, random);
            List<byte[]> whole = new ArrayList<>();
            for (Fragment f : shuffled) {
                byte[] out = r.accept(A, f, 1_000);
                if (out != null) {
                    whole.add(out);
                }
            }
            assertThat(whole).as("round %d", round).hasSize(1);
            assertThat(whole.get(0)).isEqualTo(m);
            assertThat(r.completed()).isEqualTo(1);
            assertThat(r.partialCount()).as("a copy after the message was whole starts nothing").isZero();
            assertThat(r.bufferedBytes()).isZero();
        }
    }

    @Test
    void theSameMessageIdFromTwoSourcesIsTwoMessages() {
        Reassembly r = new Reassembly(config, MAX_MESSAGE);
        byte[] fromA = message(3_000, 1);
        byte[] fromB = message(3_000, 2);
        List<Fragment> a = pieces(fromA, 5);
        List<Fragment> b = pieces(fromB, 5);
        for (int i = 0; i < a.size() - 1; i++) {
            assertThat(r.accept(A, a.get(i), 0)).isNull();
            assertThat(r.accept(B, b.get(i), 0)).isNull();
        }
        assertThat(r.accept(B, b.get(b.size() - 1), 0)).isEqualTo(fromB);
        assertThat(r.accept(A, a.get(a.size() - 1), 0)).isEqualTo(fromA);
    }

    @Test
    void aMessageAnnouncedOverTheLimitIsRefusedBeforeAnythingIsKept() {
        Reassembly r = new Reassembly(config, MAX_MESSAGE);
        Fragment huge = new Fragment(new byte[] {1}, 0, 2, MAX_MESSAGE + 1, new byte[100]);
        assertThat(r.accept(A, huge, 0)).isNull();
        assertThat(r.partialCount()).isZero();
        assertThat(r.bufferedBytes()).isZero();
        assertThat(r.dropped()).isEqualTo(1);
    }

    @Test
    void piecesThatContradictEachOtherDropTheMessage() {
        byte[] m = message(3_000, 3);
        List<Fragment> p = pieces(m, 1);
        Fragment first = p.get(0);
        byte[] other = first.data().clone();
        other[0] ^= 1;

        Reassembly overlap = new Reassembly(config, MAX_MESSAGE);
        overlap.accept(A, first, 0);
        overlap.accept(A, new Fragment(first.messageId(), 0, first.count(), first.size(), other), 0);
        assertThat(feedRest(overlap, p)).as("another piece for a place already filled").isNull();

        Reassembly otherSize = new Reassembly(config, MAX_MESSAGE);
        otherSize.accept(A, first, 0);
        otherSize.accept(A, new Fragment(first.messageId(), 1, first.count(), first.size() + 1, p.get(1).data()), 0);
        assertThat(feedRest(otherSize, p)).as("another size for the same message").isNull();

        Reassembly tooMuch = new Reassembly(config, MAX_MESSAGE);
        tooMuch.accept(A, new Fragment(first.messageId(), 0, first.count(), 2_000, new byte[1_320]), 0);
        assertThat(tooMuch.accept(A, new Fragment(first.messageId(), 1, first.count(), 2_000, new byte[1_320]), 0))
                .as("pieces over the size announced").isNull();
        assertThat(tooMuch.partialCount()).isZero();

        Reassembly short_ = new Reassembly(config, MAX_MESSAGE);
        short_.accept(A, new Fragment(first.messageId(), 0, 2, 3_000, new byte[10]), 0);
        assertThat(short_.accept(A, new Fragment(first.messageId(), 1, 2, 3_000, new byte[10]), 0))
                .as("every place filled, the size not reached").isNull();
        assertThat(short_.partialCount()).isZero();
        assertThat(short_.bufferedBytes()).isZero();
    }

    /** Feeds the pieces after the first two; the message if it came out whole. */
    private static byte[] feedRest(Reassembly r, List<Fragment> p) {
        byte[] out = null;
        for (Fragment f : p.subList(2, p.size())) {
            out = r.accept(A, f, 0);
        }
        return out;
    }

    @Test
    void aMessageNotCompleteInTimeIsDropped() {
        Reassembly r = new Reassembly(config, MAX_MESSAGE);
        List<Fragment> p = pieces(message(3_000, 4), 1);
        r.accept(A, p.get(0), 0);
        r.accept(A, p.get(1), config.reassemblyTimeoutMillis() - 1);
        assertThat(r.partialCount()).isEqualTo(1);

        assertThat(r.accept(A, p.get(2), config.reassemblyTimeoutMillis())).as("too late").isNull();
        assertThat(r.dropped()).isEqualTo(1);
        assertThat(r.partialCount()).as("the late piece starts over").isEqualTo(1);
    }

    @Test
    void aSourcesFifthHalfMessagePushesOutItsOldestAndLeavesOtherSourcesAlone() {
        Reassembly r = new Reassembly(config, MAX_MESSAGE);
        List<List<Fragment>> fromA = new ArrayList<>();
        for (int id = 0; id < config.maxPartialPerSource() + 1; id++) {
            fromA.add(pieces(message(3_000, id), id));
        }
        List<Fragment> fromB = pieces(message(3_000, 99), 0);
        r.accept(B, fromB.get(0), 0);
        for (List<Fragment> p : fromA) {
            r.accept(A, p.get(0), 0);
        }
        assertThat(r.partialCount()).isEqualTo(config.maxPartialPerSource() + 1);

        byte[] second = null;
        for (Fragment f : fromA.get(1).subList(1, fromA.get(1).size())) {
            second = r.accept(A, f, 0);
        }
        assertThat(second).as("A's second").isNotNull();
        byte[] oldest = null;
        for (Fragment f : fromA.get(0).subList(1, fromA.get(0).size())) {
            oldest = r.accept(A, f, 0);
        }
        assertThat(oldest).as("A's oldest was pushed out: its first piece is gone").isNull();
        assertThat(r.accept(B, fromB.get(1), 0)).isNull();
        assertThat(r.accept(B, fromB.get(2), 0)).as("B's one message").isNotNull();
    }

    @Test
    void halfMessagesFromManySourcesStayWithinTheMemoryBound() {
        FragmentConfig tight = new FragmentConfig(1_400, 4, 64 * 1024, 5_000);
        Reassembly r = new Reassembly(tight, MAX_MESSAGE);
        for (int source = 0; source < 1_000; source++) {
            InetSocketAddress from = new InetSocketAddress("10.1." + source / 250 + "." + source % 250, 6881);
            List<Fragment> p = pieces(message(MAX_MESSAGE, source), source);
            for (Fragment f : p.subList(0, p.size() - 1)) { // never the last piece
                r.accept(from, f, 0);
                assertThat(r.bufferedBytes()).isLessThanOrEqualTo(tight.maxPartialBytes());
            }
        }
        assertThat(r.completed()).isZero();
        // a sender that finishes its message soon after it started still gets through
        byte[] m = message(5_000, 1);
        byte[] out = null;
        for (Fragment f : pieces(m, 1)) {
            out = r.accept(A, f, 1);
        }
        assertThat(out).isEqualTo(m);
    }
}
