package dev.comet.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A query as the node's remembered answers are keyed: who sent it, its transaction id, and a hash of its bytes (ids
 * are 16 or 32 bits and wrap, so a new query reusing an old id must not be answered from memory). Immutable.
 *
 * <p>Ordered as well as hashed: a map bin crowded by keys whose hashes collide (a sender choosing its transaction ids
 * to that end, say) is then searched as a tree, not entry by entry.
 */
final class RequestId implements Comparable<RequestId> {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    private final InetSocketAddress from;
    private final byte[] tid;
    private final int datagramHash;
    private final int hash;

    RequestId(InetSocketAddress from, byte[] tid, byte[] datagram) {
        this.from = from;
        this.tid = tid;
        this.datagramHash = hashOf(datagram);
        this.hash = mix(from.hashCode() * 31L + datagramHash);
    }

    /**
     * A hash of the datagram's bytes, eight at a time. Not {@code Arrays.hashCode}: that is linear in the bytes, so
     * queries that differ only in a counting transaction id collide in whole families ((a, b) and (a + 1, b - 31)).
     */
    static int hashOf(byte[] bytes) {
        long h = bytes.length * MULTIPLIER;
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            h = Long.rotateLeft(h ^ (long) LONGS.get(bytes, i) * MULTIPLIER, 31) * 0xBF58476D1CE4E5B9L;
        }
        long tail = 0;
        for (int shift = 0; i < bytes.length; i++, shift += 8) {
            tail |= (bytes[i] & 0xffL) << shift;
        }
        return mix(h ^ tail * MULTIPLIER);
    }

    /** Spreads every bit of {@code h} over the 32 returned (the finaliser of SplitMix64). */
    private static int mix(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return (int) (h ^ (h >>> 31));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestId r && datagramHash == r.datagramHash && Arrays.equals(tid, r.tid)
                && from.equals(r.from);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Any total order consistent with {@link #equals}: the map needs one only for keys whose hashes collide. */
    @Override
    public int compareTo(RequestId o) {
        int c = Integer.compare(datagramHash, o.datagramHash);
        if (c == 0) {
            c = Arrays.compare(tid, o.tid);
        }
        if (c == 0) {
            c = Integer.compare(from.getPort(), o.from.getPort());
        }
        if (c == 0) {
            c = Arrays.compare(addressOf(from), addressOf(o.from));
        }
        return c;
    }

    private static byte[] addressOf(InetSocketAddress a) {
        return a.getAddress() == null ? null : a.getAddress().getAddress();
    }
}
