package dev.comet.krpc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The KRPC methods a node answers, each with a small number: a decoded query of one of them carries this class's
 * one {@code String} of its name, and a node finds the method's handler by that number in an array. A per-node map
 * by name was a cache miss or two on every query in a simulation of thousands of nodes, where this table is shared.
 */
public final class KnownMethods {
    /** The names, most frequent first; a name's number is its place here. */
    private static final String[] NAMES = {"find_node", "ping", "get_peers", "get", "comet_get", "put",
            "announce_peer", "comet_put", "comet_update", "comet_delete", "comet_version", "sample_infohashes"};
    private static final byte[][] BYTES = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            BYTES[i] = NAMES[i].getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private KnownMethods() {
    }

    /** How many methods are known: their numbers are 0 to count() - 1. */
    public static int count() {
        return NAMES.length;
    }

    /** The name of the known method numbered {@code number}. */
    public static String name(int number) {
        return NAMES[number];
    }

    /** The number of the method named {@code name}, or -1 for a method not known. */
    public static int numberOf(String name) {
        // a decoded query's name of a known method is one of these very strings: found without reading any
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i] == name) {
                return i;
            }
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The shared name of a known method whose name is {@code q}, or null. */
    static String named(byte[] q) {
        for (int i = 0; i < BYTES.length; i++) {
            if (Arrays.equals(BYTES[i], q)) {
                return NAMES[i];
            }
        }
        return null;
    }
}
