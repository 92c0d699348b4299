package dev.comet.fragments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import dev.comet.bencode.Bencode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The fragment format: every piece fits the datagram size asked for, decodes strictly, and no KRPC message looks like one. */
class FragmentTest {
    private static final byte[] ID = {1, 2, 3, 4};

    private static byte[] message(int length, long seed) {
        byte[] m = new byte[length];
        new Random(seed).nextBytes(m);
        return m;
    }

    @Test
    void everyPieceFitsTheDatagramSizeAndThePiecesAddUpToTheMessage() {
        for (int fragmentBytes : new int[] {FragmentConfig.MIN_FRAGMENT_BYTES, 1_400, 9_000}) {
            for (int length : new int[] {fragmentBytes + 1, 16_384, 65_536, 200_000}) {
                byte[] m = message(length, length);
                List<byte[]> pieces = Fragment.split(m, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, fragmentBytes);
                int total = 0;
                for (int i = 0; i < pieces.size(); i++) {
                    assertThat(pieces.get(i).length).as("piece %d of a %d-byte message", i, length)
                            .isLessThanOrEqualTo(fragmentBytes);
                    Fragment f = Fragment.decode(pieces.get(i), BencodeLimits.DEFAULT);
                    assertThat(f.index()).isEqualTo(i);
                    assertThat(f.count()).isEqualTo(pieces.size());
                    assertThat(f.size()).isEqualTo(length);
                    total += f.data().length;
                }
                assertThat(total).isEqualTo(length);
            }
        }
    }

    @Test
    void aMessageThatFitsGoesAsItIs() {
        byte[] m = message(1_400, 1);
        assertThat(Fragment.split(m, ID, 1_400)).containsExactly(m);
    }

    @Test
    void fragmentsAreRecognisedAndNoKrpcMessageLooksLikeOne() {
        assertThat(Fragment.looksLike(Fragment.split(message(3_000, 2), ID, 1_400).get(0))).isTrue();
        KrpcCodec codec = new KrpcCodec(BencodeLimits.DEFAULT);
        byte[] tid = {9, 9};
        Dict args = Dict.builder().put("id", new byte[20]).put("f", new byte[3]).build();
        assertThat(Fragment.looksLike(codec.encode(new KrpcQuery(tid, "comet_get", args, null, false)))).isFalse();
        assertThat(Fragment.looksLike(codec.encode(new KrpcResponse(tid, args, null,
                new InetSocketAddress("10.0.0.1", 1))))).isFalse();
        assertThat(Fragment.looksLike(codec.encode(new KrpcResponse(tid, args, null, null)))).isFalse();
        assertThat(Fragment.looksLike(codec.encode(new KrpcError(tid, 203, "no", null)))).isFalse();
        assertThat(Fragment.looksLike("d1:fd".getBytes(StandardCharsets.US_ASCII))).as("the prefix alone").isFalse();
    }

    @Test
    void malformedFragmentsAreRefusedWithAProtocolError() {
        byte[] data = {7};
        assertRefused(fragment(ID, 0, 2, 2, data, "z"), "no type y");
        assertRefused(fragment(ID, 2, 2, 2, data, "y"), "index past the count");
        assertRefused(fragment(ID, 0, 1, 1, data, "y"), "a message of one piece");
        assertRefused(fragment(ID, 0, Fragment.MAX_COUNT + 1, 5_000, data, "y"), "too many pieces");
        assertRefused(fragment(ID, 0, 2, 0, data, "y"), "a piece larger than its message");
        assertRefused(fragment(new byte[0], 0, 2, 2, data, "y"), "an empty message id");
        assertRefused(fragment(new byte[9], 0, 2, 2, data, "y"), "a message id of 9 bytes");
        assertRefused(fragment(ID, -1, 2, 2, data, "y"), "a negative index");
        assertRefused(fragment(ID, 0, 2, 2, new byte[0], "y"), "an empty piece");
        assertRefused("d1:fd1:di3ee1:t1:x1:y1:fe".getBytes(StandardCharsets.US_ASCII), "data that is not a string");
        assertRefused("d1:fd1:d1:x1:ii0e1:ni2e1:si3ee1:t1:x1:y1:f".getBytes(StandardCharsets.US_ASCII), "truncated");
        assertThat(Fragment.decode(fragment(ID, 1, 2, 2, data, "y"), BencodeLimits.DEFAULT).index()).isEqualTo(1);
    }

    /** A fragment's dictionary as a peer could send it; {@code y} is the key its type goes under ("y" when valid). */
    private static byte[] fragment(byte[] id, long index, long count, long size, byte[] data, String y) {
        TreeMap<String, Object> piece = new TreeMap<>();
        piece.put("d", data);
        piece.put("i", index);
        piece.put("n", count);
        piece.put("s", size);
        TreeMap<String, Object> message = new TreeMap<>();
        message.put("f", piece);
        message.put("t", id);
        message.put(y, new byte[] {'f'});
        return Bencode.encode(message);
    }

    private static void assertRefused(byte[] datagram, String what) {
        assertThatThrownBy(() -> Fragment.decode(datagram, BencodeLimits.DEFAULT)).as(what)
                .isInstanceOf(CometException.class)
                .satisfies(e -> assertThat(((CometException) e).code().krpcCode()).isEqualTo(203));
    }
}
