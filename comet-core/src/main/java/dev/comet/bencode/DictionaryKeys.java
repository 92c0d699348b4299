package dev.comet.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The String of a raw dictionary key, shared for the keys KRPC and Comet messages use: decoding a datagram then makes
 * no String for its keys, which were a third of its objects. Immutable; any other key gets a String of its own.
 */
final class DictionaryKeys {
    /** Keys of BEP 5, 32, 33, 42, 44 and of Comet's queries, answers and stored records. */
    static final String[] KNOWN = {
            "a", "e", "id", "ip", "nodes", "nodes6", "q", "r", "ro", "t", "target", "token", "v", "values", "y",
            "info_hash", "implied_port", "port", "want", "seed", "name", "n", "samples", "interval", "num",
            "k", "salt", "seq", "sig", "cas", "ver", "pk", "h", "w", "ttl", "state", "code", "vc", "b", "aso",
            "version", "u", "type", "nonce", "maxage", "found", "f", "cm", "vh", "versions", "s", "replica",
            "minver", "if", "i", "do", "deleted", "d", "timer", "size", "replicate", "replicas", "op", "key",
            "far", "clause", "other", "unchecked", "truncate", "replace", "insert", "contains"};
    private static final int SLOTS = 256;
    private static final String[] BY_HASH = new String[SLOTS];
    private static final byte[][] RAW_BY_HASH = new byte[SLOTS][];

    static {
        for (String key : KNOWN) {
            byte[] raw = key.getBytes(StandardCharsets.ISO_8859_1);
            int slot = hash(raw, 0, raw.length);
            // a key whose slot is taken simply is not shared: the table only saves allocations
            if (BY_HASH[slot] == null) {
                BY_HASH[slot] = key;
                RAW_BY_HASH[slot] = raw;
            }
        }
    }

    private DictionaryKeys() {
    }

    /** The key {@code data[start, end)} as one ISO-8859-1 char per byte. */
    static String key(byte[] data, int start, int end) {
        int slot = hash(data, start, end);
        byte[] raw = RAW_BY_HASH[slot];
        if (raw != null && Arrays.equals(raw, 0, raw.length, data, start, end)) {
            return BY_HASH[slot];
        }
        return new String(data, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static int hash(byte[] data, int start, int end) {
        int n = end - start;
        if (n == 0) {
            return 0;
        }
        int h = n * 31 + (data[start] & 0xFF);
        h = h * 31 + (data[end - 1] & 0xFF);
        h = h * 31 + (data[start + n / 2] & 0xFF);
        return (h ^ (h >>> 8)) & (SLOTS - 1);
    }
}
