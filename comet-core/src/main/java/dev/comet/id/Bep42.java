package dev.comet.id;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.random.RandomGenerator;
import java.util.zip.CRC32C;

/**
 * BEP 42: a node id bound to the node's IP address. The first 21 bits of the id are the CRC32C of the masked
 * address with 3 random bits {@code r} mixed in, and the id's last byte carries {@code r}; so an address can take
 * only 8 × 2^139 ids, and no address can choose an id next to a given key. Local addresses (loopback, private
 * ranges, link-local) are exempt, as the BEP says. Pure functions.
 */
public final class Bep42 {
    private static final byte[] V4_MASK = {0x03, 0x0f, 0x3f, (byte) 0xff};
    private static final byte[] V6_MASK = {0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, (byte) 0xff};

    private Bep42() {
    }

    /** A random id valid for {@code ip} (a random id when {@code ip} is exempt). */
    public static NodeId idFor(InetAddress ip, RandomGenerator random) {
        byte[] id = NodeId.random(random).toBytes();
        return exempt(ip) ? NodeId.fromBytes(id) : idFor(ip, id);
    }

    /** {@code id} with its first 21 bits set for {@code ip} and the random bits its last byte carries. */
    static NodeId idFor(InetAddress ip, byte[] id) {
        byte[] bound = id.clone();
        int crc = crc(ip, bound[NodeId.BYTES - 1] & 0x7);
        bound[0] = (byte) (crc >>> 24);
        bound[1] = (byte) (crc >>> 16);
        bound[2] = (byte) (((crc >>> 8) & 0xF8) | (bound[2] & 0x07));
        return NodeId.fromBytes(bound);
    }

    /** True when {@code id} is one {@code ip} may take, or {@code ip} is exempt. */
    public static boolean valid(NodeId id, InetAddress ip) {
        if (exempt(ip)) {
            return true;
        }
        byte[] bytes = id.toBytes();
        int crc = crc(ip, bytes[NodeId.BYTES - 1] & 0x7);
        return bytes[0] == (byte) (crc >>> 24)
                && bytes[1] == (byte) (crc >>> 16)
                && (bytes[2] & 0xF8) == ((crc >>> 8) & 0xF8);
    }

    /** Loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local and unspecified addresses. */
    public static boolean exempt(InetAddress ip) {
        if (ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || ip.isAnyLocalAddress()) {
            return true;
        }
        return ip instanceof Inet6Address && (ip.getAddress()[0] & 0xFE) == 0xFC; // unique local addresses
    }

    private static int crc(InetAddress ip, int r) {
        byte[] address = ip.getAddress();
        byte[] mask = ip instanceof Inet4Address ? V4_MASK : V6_MASK;
        byte[] masked = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            masked[i] = (byte) (address[i] & mask[i]);
        }
        masked[0] |= (byte) (r << 5);
        CRC32C crc = new CRC32C();
        crc.update(masked);
        return (int) crc.getValue();
    }
}
