package dev.comet.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A query as the node's remembered answers are keyed: who sent it, its transaction id, and a hash of its bytes (ids
 * are a few bytes and wrap, so a new query reusing an old id must not be answered from memory). Not changed once
 * made (the id's bytes are the decoded query's, which nothing changes).
 *
 * <p>The hash is 64 bits and keyed with a secret of the process: a sender that forges a requester's address cannot
 * make another query look like that requester's next one (its answer would then be replayed to the requester), nor
 * crowd one map bin on purpose. The key is in no answer and changes only where a query lands in the map, never what
 * the node does, so simulations stay deterministic. Ordered as well as hashed: a bin crowded anyway is searched as a
 * tree, not entry by entry.
 */
final class RequestId implements Comparable<RequestId> {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;
    /** The hash's secret, drawn once per process. */
    private static final long KEY = new SecureRandom().nextLong();

    private final InetSocketAddress from;
    private final byte[] tid;
    private final long datagramHash;
    private final int hash;

    RequestId(InetSocketAddress from, byte[] tid, byte[] datagram) {
        this.from = from;
        this.tid = tid;
        this.datagramHash = hashOf(datagram);
        this.hash = (int) mix(from.hashCode() * 31L + datagramHash);
    }

    /**
     * A keyed hash of the datagram's bytes, eight at a time. Not {@code Arrays.hashCode}: that is linear in the
     * bytes, so queries that differ only in a counting transaction id collide in whole families ((a, b) and
     * (a + 1, b - 31)), and anyone can make two queries collide.
     */
    static long hashOf(byte[] bytes) {
        long h = KEY ^ bytes.length * MULTIPLIER;
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

    /** Spreads every bit of {@code h} over all 64 (the finaliser of SplitMix64). */
    private static long mix(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
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
        int c = Long.compare(datagramHash, o.datagramHash);
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
