package dev.comet.fragments;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.krpc.Dict;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One piece of a Comet message too large for one datagram (docs/protocol.md, "Fragments"): a bencoded dictionary
 * {@code {"f": {"d": bytes, "i": index, "n": count, "s": size}, "t": message id, "y": "f"}}. A message of
 * {@code size} bytes is cut into {@code count} pieces sent in order; the receiver puts them back by index.
 *
 * @param messageId the sender's id for the message, 1 to 8 bytes, unique among its messages to one receiver for a while
 * @param index     this piece's place, 0 to {@code count - 1}
 * @param count     how many pieces the message has, 2 to {@link #MAX_COUNT}
 * @param size      the whole message's length in bytes
 * @param data      this piece's bytes
 */
public record Fragment(byte[] messageId, int index, int count, int size, byte[] data) {
    /** Room a fragment's dictionary takes beside its data, at most (measured by {@code FragmentTest}). */
    public static final int HEADER_BYTES = 80;
    /** The most pieces a message may have: 1,024 pieces of the smallest fragments carry 440 KiB. */
    public static final int MAX_COUNT = 1024;
    private static final byte[] PREFIX = "d1:fd".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE = {'f'};

    public Fragment {
        if (messageId.length < 1 || messageId.length > 8) {
            throw invalid("message id 't' must be 1 to 8 bytes");
        }
        if (count < 2 || count > MAX_COUNT || index < 0 || index >= count) {
            throw invalid("piece " + index + " of " + count + ": a message has 2 to " + MAX_COUNT + " pieces");
        }
        if (data.length < 1 || size < data.length) {
            throw invalid("a piece of " + data.length + " bytes in a message of " + size);
        }
    }

    /**
     * True when {@code datagram} starts as a fragment does. No KRPC message does: their first key is {@code a},
     * {@code e}, {@code ip} or {@code r}, never {@code f}.
     */
    public static boolean looksLike(byte[] datagram) {
        return datagram.length > PREFIX.length && Arrays.equals(datagram, 0, PREFIX.length, PREFIX, 0, PREFIX.length);
    }

    /** Decodes a fragment strictly; anything else is a {@link CometException} with code 203. */
    @SuppressWarnings("unchecked")
    public static Fragment decode(byte[] datagram, BencodeLimits limits) {
        if (!(Bencode.decode(datagram, limits) instanceof Map<?, ?> root)) {
            throw invalid("a fragment must be a dictionary");
        }
        Dict message = Dict.of((Map<String, Object>) root);
        byte[] type = message.optionalBytes("y");
        // compared by hand: Jazzer's hook of Arrays.equals crashed the JVM on a null array (a missing "y")
        if (type == null || type.length != 1 || type[0] != TYPE[0]) {
            throw invalid("a fragment's 'y' must be 'f'");
        }
        Dict piece = message.dict("f");
        return new Fragment(message.bytes("t"), smallInt(piece, "i"), smallInt(piece, "n"), smallInt(piece, "s"),
                piece.bytes("d"));
    }

    /** {@code message} cut into fragments of at most {@code fragmentBytes} bytes each; itself alone if it fits. */
    public static List<byte[]> split(byte[] message, byte[] messageId, int fragmentBytes) {
        if (message.length <= fragmentBytes) {
            return List.of(message);
        }
        int piece = fragmentBytes - HEADER_BYTES;
        int count = (message.length + piece - 1) / piece;
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] data = Arrays.copyOfRange(message, i * piece, Math.min(message.length, (i + 1) * piece));
            out.add(new Fragment(messageId, i, count, message.length, data).encode());
        }
        return out;
    }

    public byte[] encode() {
        Map<String, Object> piece = new TreeMap<>();
        piece.put("d", data);
        piece.put("i", (long) index);
        piece.put("n", (long) count);
        piece.put("s", (long) size);
        Map<String, Object> message = new TreeMap<>();
        message.put("f", piece);
        message.put("t", messageId);
        message.put("y", TYPE);
        return Bencode.encode(message);
    }

    private static int smallInt(Dict d, String key) {
        long v = d.integer(key);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw invalid("'" + key + "' out of range: " + v);
        }
        return (int) v;
    }

    private static CometException invalid(String message) {
        return new CometException(ErrorCode.PROTOCOL, message);
    }
}
