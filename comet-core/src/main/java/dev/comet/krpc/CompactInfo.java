package dev.comet.krpc;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BEP 5 and BEP 32 compact encodings: peer info (an IPv4 address and port in 6 bytes, an IPv6 one in 18) and node
 * info (id and peer info: 26 bytes under {@code nodes}, 38 under {@code nodes6}).
 */
public final class CompactInfo {
    public static final int PEER_BYTES = 6;
    public static final int NODE_BYTES = NodeId.BYTES + PEER_BYTES;
    public static final int PEER6_BYTES = 18;
    public static final int NODE6_BYTES = NodeId.BYTES + PEER6_BYTES;

    private CompactInfo() {
    }

    /** True when the address can be written compactly: an IPv4 or an IPv6 address (not an unresolved name). */
    public static boolean encodable(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address || address.getAddress() instanceof Inet6Address;
    }

    /** True for an IPv6 address: its node info goes under {@code nodes6} (BEP 32), an IPv4 one's under {@code nodes}. */
    public static boolean ipv6(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address;
    }

    /** The 6-byte (IPv4) or 18-byte (IPv6) peer info of {@code address}. */
    public static byte[] peer(InetSocketAddress address) {
        byte[] out = new byte[ipv6(address) ? PEER6_BYTES : PEER_BYTES];
        writePeer(address, out, 0);
        return out;
    }

    /** The address in a 6-byte (IPv4) or 18-byte (IPv6) peer info. */
    public static InetSocketAddress peer(byte[] data) {
        if (data.length != PEER_BYTES && data.length != PEER6_BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "compact peer info must be 6 or 18 bytes, got " + data.length);
        }
        return readPeer(data, 0, data.length - 2);
    }

    /** Concatenated node infos of the IPv4 contacts among {@code contacts} (the {@code nodes} of BEP 5). */
    public static byte[] nodes(List<Contact> contacts) {
        return nodes(contacts, false);
    }

    /** Concatenated node infos of the IPv6 contacts among {@code contacts} (the {@code nodes6} of BEP 32). */
    public static byte[] nodes6(List<Contact> contacts) {
        return nodes(contacts, true);
    }

    /** The contacts in a {@code nodes} value (26 bytes each); those with port 0 are left out. */
    public static List<Contact> nodes(byte[] data) {
        return nodes(data, NODE_BYTES, "nodes");
    }

    /** The contacts in a {@code nodes6} value (38 bytes each); those with port 0 are left out. */
    public static List<Contact> nodes6(byte[] data) {
        return nodes(data, NODE6_BYTES, "nodes6");
    }

    /**
     * Puts {@code contacts} into an answer to {@code query}: the IPv4 ones under {@code nodes}, the IPv6 ones under
     * {@code nodes6} when there are any. A query's BEP 32 {@code want} ({@code n4}, {@code n6}) leaves out the family
     * it does not list; {@code nodes} is always there otherwise, as BEP 5 clients expect it.
     */
    public static Dict.Builder putNodes(Dict.Builder reply, List<Contact> contacts, Dict query) {
        List<?> want = query.has("want") && query.map().get("want") instanceof List<?> l ? l : null;
        if (want == null || wants(want, "n4")) {
            reply.put("nodes", nodes(contacts));
        }
        if (anyIpv6(contacts) && (want == null || wants(want, "n6"))) {
            reply.put("nodes6", nodes6(contacts));
        }
        return reply;
    }

    /** A loop, not a stream: every answer to a lookup's query asks this (a stream was 7 % of a comet_get's work). */
    private static boolean anyIpv6(List<Contact> contacts) {
        for (int i = 0, n = contacts.size(); i < n; i++) {
            if (ipv6(contacts.get(i).address())) {
                return true;
            }
        }
        return false;
    }

    /** The contacts an answer names, under {@code nodes} and {@code nodes6}; throws 203 when either is malformed. */
    public static List<Contact> nodesIn(Dict answer) {
        List<Contact> v4 = answer.has("nodes") ? nodes(answer.bytes("nodes")) : List.of();
        if (!answer.has("nodes6")) {
            return v4;
        }
        List<Contact> all = new ArrayList<>(v4);
        all.addAll(nodes6(answer.bytes("nodes6")));
        return all;
    }

    /** True when {@code query} carries a BEP 32 {@code want} that lists {@code family} ({@code n4} or {@code n6}). */
    public static boolean wants(Dict query, String family) {
        return query.has("want") && query.map().get("want") instanceof List<?> l && wants(l, family);
    }

    private static boolean wants(List<?> want, String family) {
        for (Object w : want) {
            if (w instanceof byte[] b && new String(b, StandardCharsets.ISO_8859_1).equals(family)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] nodes(List<Contact> contacts, boolean ipv6) {
        int size = ipv6 ? NODE6_BYTES : NODE_BYTES;
        int n = 0;
        for (Contact c : contacts) {
            if (encodable(c.address()) && ipv6(c.address()) == ipv6) {
                n++;
            }
        }
        byte[] out = new byte[n * size];
        int off = 0;
        for (Contact c : contacts) {
            if (encodable(c.address()) && ipv6(c.address()) == ipv6) {
                c.id().writeTo(out, off);
                writePeer(c.address(), out, off + NodeId.BYTES);
                off += size;
            }
        }
        return out;
    }

    private static List<Contact> nodes(byte[] data, int size, String key) {
        if (data.length % size != 0) {
            throw new CometException(ErrorCode.PROTOCOL, "compact node info length " + data.length + " under " + key
                    + " is not a multiple of " + size);
        }
        List<Contact> out = new ArrayList<>(data.length / size);
        for (int off = 0; off < data.length; off += size) {
            InetSocketAddress address = readPeer(data, off + NodeId.BYTES, size - NodeId.BYTES - 2);
            if (address.getPort() != 0) {
                out.add(new Contact(NodeId.fromBytes(data, off), address));
            }
        }
        return out;
    }

    private static void writePeer(InetSocketAddress address, byte[] out, int off) {
        byte[] ip = address.getAddress().getAddress();
        System.arraycopy(ip, 0, out, off, ip.length);
        out[off + ip.length] = (byte) (address.getPort() >>> 8);
        out[off + ip.length + 1] = (byte) address.getPort();
    }

    private static InetSocketAddress readPeer(byte[] data, int off, int ipBytes) {
        byte[] ip = Arrays.copyOfRange(data, off, off + ipBytes);
        int port = ((data[off + ipBytes] & 0xFF) << 8) | (data[off + ipBytes + 1] & 0xFF);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always a valid address", e);
        }
    }
}
