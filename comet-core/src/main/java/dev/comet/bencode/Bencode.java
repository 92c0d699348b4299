package dev.comet.bencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.SortedMap;

/** Canonical bencode encoding and strict, bounded decoding (BEP 3), as used by KRPC messages. */
public final class Bencode {
    /** Deepest nesting the encoder follows before refusing (guards against cyclic structures). */
    static final int MAX_ENCODE_DEPTH = 512;

    private static final Comparator<Map.Entry<?, ?>> BY_KEY =
            (a, b) -> ((String) a.getKey()).compareTo((String) b.getKey());

    private Bencode() {
    }

    // ------------------------------------------------------------------ keys

    /** The dictionary-key String for raw key bytes: one ISO-8859-1 char per byte. */
    public static String key(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** The raw bytes of a dictionary-key String; a char above 0xFF is a {@link BencodeException} (offset -1). */
    public static byte[] keyBytes(String key) {
        byte[] out = new byte[key.length()];
        for (int i = 0; i < out.length; i++) {
            char c = key.charAt(i);
            if (c > 0xFF) {
                throw badKeyChar(c);
            }
            out[i] = (byte) c;
        }
        return out;
    }

    private static BencodeException badKeyChar(char c) {
        return new BencodeException(String.format("dictionary key char U+%04X is not a raw byte (> 0xFF)", (int) c), -1);
    }

    // ------------------------------------------------------------------ encode

    /**
     * Encodes {@code byte[]}, {@code String} (UTF-8), {@code Long}/{@code Integer}, {@code List<?>} and
     * {@code Map<String, ?>} (keys are raw bytes as ISO-8859-1 chars) canonically: dictionary keys sorted by raw
     * unsigned bytes. Any other type, null included, is a {@link BencodeException} with offset -1.
     */
    public static byte[] encode(Object value) {
        Encoder e = new Encoder(Math.max(1, EncodedLength.of(value, 0)));
        e.value(value, 0);
        return e.toByteArray();
    }

    private static final class Encoder {
        private byte[] buf;
        private int len;

        /** An encoder whose buffer holds {@code capacity} bytes: the value's exact length, so nothing is copied. */
        Encoder(int capacity) {
            buf = new byte[capacity];
        }

        byte[] toByteArray() {
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }

        private void ensure(int extra) {
            int need = len + extra;
            if (need < 0) {
                throw new BencodeException("encoded value too large", -1);
            }
            if (need > buf.length) {
                int cap = Math.max(need, buf.length << 1);
                if (cap < 0) {
                    cap = Integer.MAX_VALUE - 8;
                }
                buf = Arrays.copyOf(buf, cap);
            }
        }

        private void put(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        /** Writes the decimal digits of v (with '-' if negative), Long.MIN_VALUE included, without allocating. */
        private void writeLong(long v) {
            if (v == 0) {
                put((byte) '0');
                return;
            }
            int digits = 0;
            for (long t = v; t != 0; t /= 10) {
                digits++;
            }
            // only the room it takes: the buffer is sized to the value's exact length
            ensure(digits + (v < 0 ? 1 : 0));
            if (v < 0) {
                buf[len++] = '-';
            } else {
                v = -v; // work on the negative side so Long.MIN_VALUE needs no special case
            }
            int end = len + digits;
            for (int p = end - 1; p >= len; p--) {
                buf[p] = (byte) ('0' - (v % 10));
                v /= 10;
            }
            len = end;
        }

        private void bytes(byte[] b) {
            writeLong(b.length);
            ensure(1 + b.length);
            buf[len++] = ':';
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        private void key(Object k) {
            if (!(k instanceof String s)) {
                throw new BencodeException("dictionary key must be a String, got "
                        + (k == null ? "null" : k.getClass().getName()), -1);
            }
            int n = s.length();
            writeLong(n);
            ensure(1 + n);
            buf[len++] = ':';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c > 0xFF) {
                    throw badKeyChar(c);
                }
                buf[len++] = (byte) c;
            }
        }

        void value(Object v, int depth) {
            if (v instanceof byte[] b) {
                bytes(b);
            } else if (v instanceof String s) {
                bytes(s.getBytes(StandardCharsets.UTF_8));
            } else if (v instanceof Long l) {
                put((byte) 'i');
                writeLong(l);
                put((byte) 'e');
            } else if (v instanceof Integer i) {
                put((byte) 'i');
                writeLong(i);
                put((byte) 'e');
            } else if (v instanceof List<?> list) {
                checkDepth(depth);
                put((byte) 'l');
                if (list instanceof RandomAccess) {
                    for (int i = 0, n = list.size(); i < n; i++) {
                        value(list.get(i), depth + 1);
                    }
                } else {
                    for (Object o : list) {
                        value(o, depth + 1);
                    }
                }
                put((byte) 'e');
            } else if (v instanceof Map<?, ?> map) {
                checkDepth(depth);
                put((byte) 'd');
                if (map instanceof BencodeMap sorted) {
                    for (int i = 0, n = sorted.size(); i < n; i++) {
                        key(sorted.keyAt(i));
                        value(sorted.valueAt(i), depth + 1);
                    }
                } else if (map instanceof SortedMap<?, ?> sorted && sorted.comparator() == null) {
                    // Natural String order equals unsigned byte order for chars <= 0xFF (others are refused).
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        key(e.getKey());
                        value(e.getValue(), depth + 1);
                    }
                } else {
                    Map.Entry<?, ?>[] entries = map.entrySet().toArray(new Map.Entry<?, ?>[0]);
                    for (Map.Entry<?, ?> e : entries) {
                        if (!(e.getKey() instanceof String)) {
                            key(e.getKey()); // throws with a clear message
                        }
                    }
                    Arrays.sort(entries, BY_KEY);
                    for (Map.Entry<?, ?> e : entries) {
                        key(e.getKey());
                        value(e.getValue(), depth + 1);
                    }
                }
                put((byte) 'e');
            } else {
                throw new BencodeException("cannot encode "
                        + (v == null ? "null" : "type " + v.getClass().getName()), -1);
            }
        }

        private static void checkDepth(int depth) {
            if (depth >= MAX_ENCODE_DEPTH) {
                throw new BencodeException("nesting deeper than " + MAX_ENCODE_DEPTH + " (cyclic structure?)", -1);
            }
        }
    }

    // ------------------------------------------------------------------ decode

    /** Decodes with {@link BencodeLimits#DEFAULT}; see {@link #decode(byte[], BencodeLimits)}. */
    public static Object decode(byte[] data) {
        return decode(data, BencodeLimits.DEFAULT);
    }

    /**
     * Strictly decodes exactly one bencoded value filling all of {@code data}: {@code byte[]} for strings,
     * {@code Long} for integers, {@code ArrayList<Object>} for lists and {@link BencodeMap} for
     * dictionaries (keys as ISO-8859-1 strings of the raw key bytes, iterated in order). Anything that is not the unique canonical
     * encoding of a value, or exceeds {@code limits}, is a {@link BencodeException} carrying the offending offset.
     */
    public static Object decode(byte[] data, BencodeLimits limits) {
        if (data.length == 0) {
            throw new BencodeException("empty input", 0);
        }
        if (data.length > limits.maxInputLength()) {
            throw new BencodeException("input length " + data.length + " exceeds limit " + limits.maxInputLength(), 0);
        }
        Decoder d = new Decoder(data, limits);
        Object v = d.value();
        if (d.pos != data.length) {
            throw new BencodeException((data.length - d.pos) + " trailing bytes after value", d.pos);
        }
        return v;
    }

    private static final class Decoder {
        private final byte[] data;
        private final BencodeLimits limits;
        private int pos;
        private int items;

        Decoder(byte[] data, BencodeLimits limits) {
            this.data = data;
            this.limits = limits;
        }

        private int peek() {
            if (pos >= data.length) {
                throw new BencodeException("unexpected end of input", pos);
            }
            return data[pos] & 0xFF;
        }

        private void countItem() {
            if (++items > limits.maxItems()) {
                throw new BencodeException("more than " + limits.maxItems() + " items", pos);
            }
        }

        /**
         * Decodes one value at pos. Iterative, with an explicit stack of open containers, so no input and no
         * limit can exhaust the Java stack; the depth is checked before a container is opened.
         */
        Object value() {
            Object[] open = new Object[4];          // open containers, innermost last
            String[] pendingKey = new String[4];    // per open dictionary: key awaiting its value
            int[] prevKeyStart = new int[4];        // per open dictionary: raw bytes of the previous key
            int[] prevKeyEnd = new int[4];
            int sp = 0;
            while (true) {
                Object v;
                int c = peek();
                if (sp > 0 && c == 'e') {
                    pos++;
                    v = open[--sp];
                    open[sp] = null;
                } else {
                    if (sp > 0 && open[sp - 1] instanceof BencodeMap) {
                        int f = sp - 1;
                        int keyAt = pos;
                        if (!isDigit(c)) {
                            throw new BencodeException("dictionary key must be a string, found byte 0x" + hex(c), pos);
                        }
                        countItem();
                        int start = stringHeader();
                        int end = pos;
                        if (prevKeyStart[f] >= 0) {
                            int cmp = Arrays.compareUnsigned(data, prevKeyStart[f], prevKeyEnd[f], data, start, end);
                            if (cmp == 0) {
                                throw new BencodeException("duplicate dictionary key", keyAt);
                            }
                            if (cmp > 0) {
                                throw new BencodeException("dictionary keys not in sorted order", keyAt);
                            }
                        }
                        if (pos >= data.length || data[pos] == 'e') {
                            throw new BencodeException("dictionary key without a value", pos);
                        }
                        prevKeyStart[f] = start;
                        prevKeyEnd[f] = end;
                        pendingKey[f] = DictionaryKeys.key(data, start, end);
                        c = data[pos] & 0xFF;
                    }
                    if (isDigit(c)) {
                        countItem();
                        int start = stringHeader();
                        v = Arrays.copyOfRange(data, start, pos);
                    } else if (c == 'i') {
                        countItem();
                        v = integer();
                    } else if (c == 'l' || c == 'd') {
                        if (sp + 1 > limits.maxDepth()) {
                            throw new BencodeException("nesting deeper than " + limits.maxDepth(), pos);
                        }
                        countItem();
                        if (sp == open.length) {
                            int cap = sp * 2;
                            open = Arrays.copyOf(open, cap);
                            pendingKey = Arrays.copyOf(pendingKey, cap);
                            prevKeyStart = Arrays.copyOf(prevKeyStart, cap);
                            prevKeyEnd = Arrays.copyOf(prevKeyEnd, cap);
                        }
                        open[sp] = c == 'l' ? new ArrayList<Object>() : new BencodeMap(6);
                        prevKeyStart[sp] = -1;
                        sp++;
                        pos++;
                        continue;
                    } else {
                        throw new BencodeException("unexpected byte 0x" + hex(c), pos);
                    }
                }
                if (sp == 0) {
                    return v;
                }
                Object parent = open[sp - 1];
                if (parent instanceof BencodeMap dict) {
                    dict.put(pendingKey[sp - 1], v);
                    pendingKey[sp - 1] = null;
                } else {
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) parent;
                    list.add(v);
                }
            }
        }

        /**
         * Parses a string's length prefix and colon at pos, checks the length against the limit and the remaining
         * input, and leaves pos just after the string; returns the offset of the string's first byte.
         */
        private int stringHeader() {
            int at = pos;
            if (data[pos] == '0' && pos + 1 < data.length && data[pos + 1] >= '0' && data[pos + 1] <= '9') {
                throw new BencodeException("string length with leading zero", at);
            }
            long n = 0;
            boolean huge = false;
            while (pos < data.length && data[pos] >= '0' && data[pos] <= '9') {
                if (!huge) {
                    n = n * 10 + (data[pos] - '0');
                    if (n > Integer.MAX_VALUE) {
                        huge = true;
                    }
                }
                pos++;
            }
            if (pos >= data.length) {
                throw new BencodeException("unexpected end of input in string length", pos);
            }
            if (data[pos] != ':') {
                throw new BencodeException("expected ':' after string length, found byte 0x" + hex(data[pos] & 0xFF), pos);
            }
            if (huge || n > limits.maxStringLength()) {
                throw new BencodeException("string length " + digits(at, pos) + " exceeds limit "
                        + limits.maxStringLength(), at);
            }
            pos++; // ':'
            int remaining = data.length - pos;
            if (n > remaining) {
                throw new BencodeException("string length " + n + " exceeds the " + remaining + " bytes remaining", at);
            }
            int start = pos;
            pos += (int) n;
            return start;
        }

        private Long integer() {
            int at = pos;
            pos++; // 'i'
            boolean negative = false;
            if (pos < data.length && data[pos] == '-') {
                negative = true;
                pos++;
            }
            int c = peek();
            if (c < '0' || c > '9') {
                throw new BencodeException(c == 'e' ? "integer without digits" : "invalid byte 0x" + hex(c) + " in integer", pos);
            }
            if (c == '0') {
                if (negative) {
                    throw new BencodeException("negative zero integer", at);
                }
                pos++;
                if (peek() != 'e') {
                    throw new BencodeException(isDigit(peek()) ? "integer with leading zero" : "invalid byte 0x"
                            + hex(peek()) + " in integer", isDigit(peek()) ? at : pos);
                }
                pos++;
                return 0L;
            }
            // Accumulate on the negative side so that Long.MIN_VALUE fits.
            long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
            long floor = limit / 10;
            long acc = 0;
            while (true) {
                c = peek();
                if (c == 'e') {
                    break;
                }
                if (!isDigit(c)) {
                    throw new BencodeException("invalid byte 0x" + hex(c) + " in integer", pos);
                }
                int digit = c - '0';
                if (acc < floor || acc * 10 < limit + digit) {
                    throw new BencodeException("integer overflows 64 bits", at);
                }
                acc = acc * 10 - digit;
                pos++;
            }
            pos++; // 'e'
            return negative ? acc : -acc;
        }

        private String digits(int from, int to) {
            int n = to - from;
            String s = new String(data, from, Math.min(n, 24), StandardCharsets.ISO_8859_1);
            return n > 24 ? s + "..." : s;
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        private static String hex(int c) {
            return Integer.toHexString(0x100 | c).substring(1);
        }
    }
}
