package dev.comet.bencode;

import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The encoded length of a value, computed before encoding so that the encoder writes into one array of the right
 * size. What the encoder refuses (a bad type, a cycle) counts as nothing here: the encoder then throws.
 */
final class EncodedLength {
    private EncodedLength() {
    }

    /** The length of {@code v}'s encoding, nested {@code depth} deep. */
    static int of(Object v, int depth) {
        if (depth >= Bencode.MAX_ENCODE_DEPTH) {
            return 0;
        }
        long n;
        if (v instanceof byte[] b) {
            n = string(b.length);
        } else if (v instanceof String s) {
            n = string(utf8Length(s));
        } else if (v instanceof Long l) {
            n = 2 + digits(l);
        } else if (v instanceof Integer i) {
            n = 2 + digits(i);
        } else if (v instanceof List<?> list) {
            n = 2;
            if (list instanceof RandomAccess) {
                for (int i = 0, size = list.size(); i < size; i++) {
                    n += of(list.get(i), depth + 1);
                }
            } else {
                for (Object o : list) {
                    n += of(o, depth + 1);
                }
            }
        } else if (v instanceof BencodeMap map) {
            n = 2;
            for (int i = 0, size = map.size(); i < size; i++) {
                n += string(map.keyAt(i).length()) + of(map.valueAt(i), depth + 1);
            }
        } else if (v instanceof Map<?, ?> map) {
            n = 2;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                n += (e.getKey() instanceof String k ? string(k.length()) : 0) + of(e.getValue(), depth + 1);
            }
        } else {
            n = 0;
        }
        return (int) Math.min(n, Integer.MAX_VALUE - 8);
    }

    private static long string(int length) {
        return digits(length) + 1L + length;
    }

    private static int digits(long v) {
        int n = v < 0 ? 2 : 1; // a '-' and the last digit
        for (long t = v / 10; t != 0; t /= 10) {
            n++;
        }
        return n;
    }

    /** The length of {@code s} in UTF-8 as {@link String#getBytes} writes it (an unpaired surrogate as '?'). */
    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
