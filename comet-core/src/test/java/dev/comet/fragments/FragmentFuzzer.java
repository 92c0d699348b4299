package dev.comet.fragments;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.BencodeLimits;
import org.junit.jupiter.api.Tag;

import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Jazzer target for fragments and their reassembly: the input is a run of datagrams from four sources, each
 * {@code [source and clock byte][length: 2 bytes][datagram]}. Every datagram decodes as a fragment or fails with a
 * protocol error only; reassembly never throws, keeps its bytes within the bound after every piece, and every message
 * it completes is as long as its pieces announced and within the largest message. Tight bounds (2 messages a source,
 * 4 KiB in all, 50 ms) so that a short run reaches them.
 */
@Tag("jazzer-decoder")
public class FragmentFuzzer {
    private static final FragmentConfig TIGHT = new FragmentConfig(FragmentConfig.MIN_FRAGMENT_BYTES, 2, 4_096, 50);
    private static final int MAX_MESSAGE = 8_192;
    private static final InetSocketAddress[] SOURCES = {
        new InetSocketAddress("10.0.0.1", 1), new InetSocketAddress("10.0.0.2", 2),
        new InetSocketAddress("10.0.0.3", 3), new InetSocketAddress("10.0.0.4", 4)};

    @FuzzTest(maxDuration = "5s")
    void reassemble(byte[] input) {
        check(input);
    }

    /** The target's check of one input, also {@link dev.comet.CoreFuzzer}'s for its selector byte. */
    public static void check(byte[] input) {
        Reassembly reassembly = new Reassembly(TIGHT, MAX_MESSAGE);
        long now = 0;
        int at = 0;
        while (at + 3 <= input.length) {
            int head = input[at] & 0xff;
            int length = (input[at + 1] & 0xff) << 8 | (input[at + 2] & 0xff);
            byte[] datagram = Arrays.copyOfRange(input, at + 3, Math.min(input.length, at + 3 + length));
            at += 3 + length;
            now += head >>> 2; // up to 63 ms between datagrams: some messages time out
            Fragment piece;
            try {
                piece = Fragment.decode(datagram, BencodeLimits.DEFAULT);
            } catch (CometException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
                continue;
            }
            byte[] whole = reassembly.accept(SOURCES[head & 3], piece, now);
            if (whole != null) {
                assertThat(whole.length).isEqualTo(piece.size()).isLessThanOrEqualTo(MAX_MESSAGE);
            }
            assertThat(reassembly.bufferedBytes()).isBetween(0L, (long) TIGHT.maxPartialBytes());
        }
    }
}
