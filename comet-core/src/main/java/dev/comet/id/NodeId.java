package dev.comet.id;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A 160-bit Kademlia identifier (node id, info hash or key), compared by the XOR metric.
 *
 * <p>Held as three primitive words rather than a byte array: ids are compared millions of times per
 * simulated second, and unsigned word compares of the XOR are both the fastest and the clearest form.
 */
public final class NodeId implements Comparable<NodeId> {
    public static final int BYTES = 20;
    public static final int BITS = 160;
    private static final HexFormat HEX = HexFormat.of();

    private final long high;   // bits 0..63 (most significant first)
    private final long middle; // bits 64..127
    private final int low;     // bits 128..159

    private NodeId(long high, long middle, int low) {
        this.high = high;
        this.middle = middle;
        this.low = low;
    }

    /** The id whose big-endian bytes are {@code bytes[offset..offset+20)}. */
    public static NodeId fromBytes(byte[] bytes, int offset) {
        if (bytes == null || offset < 0 || bytes.length - offset < BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "a node id must be " + BYTES + " bytes");
        }
        return new NodeId(readLong(bytes, offset), readLong(bytes, offset + 8), (int) readBits(bytes, offset + 16, 4));
    }

    public static NodeId fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "a node id must be exactly " + BYTES + " bytes");
        }
        return fromBytes(bytes, 0);
    }

    /** Parses 40 hexadecimal digits. */
    public static NodeId fromHex(String hex) {
        if (hex == null || hex.length() != 2 * BYTES) {
            throw new CometException(ErrorCode.BAD_INPUT, "a node id is 40 hex digits, got: " + hex);
        }
        try {
            return fromBytes(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "a node id is 40 hex digits, got: " + hex);
        }
    }

    public static NodeId random(RandomGenerator random) {
        return new NodeId(random.nextLong(), random.nextLong(), random.nextInt());
    }

    /** The key of a user string: SHA-1 of its UTF-8 bytes (DESIGN.md §3). */
    public static NodeId ofKey(String key) {
        return sha1(key.getBytes(StandardCharsets.UTF_8));
    }

    public static NodeId sha1(byte[] data) {
        try {
            return fromBytes(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /**
     * A random id that shares exactly its first {@code prefixLength} bits with this one and differs in the next
     * (or equals this id's prefix entirely when prefixLength is 160): a random target inside one k-bucket.
     */
    public NodeId randomWithSharedPrefix(int prefixLength, RandomGenerator random) {
        if (prefixLength < 0 || prefixLength > BITS) {
            throw new IllegalArgumentException("prefix length out of range: " + prefixLength);
        }
        if (prefixLength == BITS) {
            return this;
        }
        byte[] mine = toBytes();
        byte[] noise = new byte[BYTES];
        random.nextBytes(noise);
        byte[] out = new byte[BYTES];
        for (int i = 0; i < BITS; i++) {
            boolean noiseBit = ((noise[i >>> 3] >>> (7 - (i & 7))) & 1) == 1;
            boolean value = i < prefixLength ? bit(i) : i == prefixLength ? !bit(i) : noiseBit;
            if (value) {
                out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
            }
        }
        return fromBytes(out);
    }

    /** Bit {@code index} (0 = most significant). */
    public boolean bit(int index) {
        if (index < 64) {
            return (high << index) < 0;
        } else if (index < 128) {
            return (middle << (index - 64)) < 0;
        }
        return (low << (index - 128)) < 0;
    }

    /** The XOR distance to {@code other}, itself an id. */
    public NodeId xor(NodeId other) {
        return new NodeId(high ^ other.high, middle ^ other.middle, low ^ other.low);
    }

    /** Number of leading bits this id shares with {@code other} (160 when equal). */
    public int commonPrefixLength(NodeId other) {
        long h = high ^ other.high;
        if (h != 0) {
            return Long.numberOfLeadingZeros(h);
        }
        long m = middle ^ other.middle;
        if (m != 0) {
            return 64 + Long.numberOfLeadingZeros(m);
        }
        int l = low ^ other.low;
        return l != 0 ? 128 + Integer.numberOfLeadingZeros(l) : BITS;
    }

    /** Negative when {@code a} is closer to this id than {@code b}, zero when equally close (a equals b). */
    public int compareDistance(NodeId a, NodeId b) {
        int c = Long.compareUnsigned(high ^ a.high, high ^ b.high);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(middle ^ a.middle, middle ^ b.middle);
        if (c != 0) {
            return c;
        }
        return Integer.compareUnsigned(low ^ a.low, low ^ b.low);
    }

    /**
     * The id's first 64 bits, the most significant word of every distance to it: a routing table keeps it beside each
     * entry, so its walk for the closest entries compares distances without reaching the ids (each one a cache miss in
     * a simulation of thousands of nodes) unless two share these bits.
     */
    public long prefix64() {
        return high;
    }

    /** Bits 64 to 127 of the id: with {@link #prefix64} and {@link #last32}, all of it, for a copy kept by value. */
    public long middle64() {
        return middle;
    }

    /** The id's last 32 bits. */
    public int last32() {
        return low;
    }

    /**
     * As {@link #compareDistance(NodeId, NodeId)}, for ids whose distances' first words ({@link #prefix64} XOR this
     * id's) the caller keeps beside them: the ids are read only when the words tie.
     */
    public int compareDistance(NodeId a, long aFirstWord, NodeId b, long bFirstWord) {
        int c = Long.compareUnsigned(aFirstWord, bFirstWord);
        return c != 0 ? c : compareDistance(a, b);
    }

    /** Orders ids by XOR distance to this one, closest first. */
    public Comparator<NodeId> byDistance() {
        return this::compareDistance;
    }

    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        writeTo(out, 0);
        return out;
    }

    public void writeTo(byte[] out, int offset) {
        for (int i = 0; i < 8; i++) {
            out[offset + i] = (byte) (high >>> (56 - 8 * i));
            out[offset + 8 + i] = (byte) (middle >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[offset + 16 + i] = (byte) (low >>> (24 - 8 * i));
        }
    }

    public String toHex() {
        return HEX.formatHex(toBytes());
    }

    private static long readLong(byte[] b, int off) {
        return readBits(b, off, 8);
    }

    private static long readBits(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    @Override
    public int compareTo(NodeId o) {
        int c = Long.compareUnsigned(high, o.high);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(middle, o.middle);
        return c != 0 ? c : Integer.compareUnsigned(low, o.low);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && n.high == high && n.middle == middle && n.low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high) * 31 + Long.hashCode(middle) * 17 + low;
    }

    @Override
    public String toString() {
        return toHex();
    }
}
