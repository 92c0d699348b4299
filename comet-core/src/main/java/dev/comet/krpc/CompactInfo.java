package dev.comet.krpc;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** BEP 5 compact encodings: 6-byte peer info (IPv4 + port) and 26-byte node info (id + peer info). */
public final class CompactInfo {
    public static final int PEER_BYTES = 6;
    public static final int NODE_BYTES = NodeId.BYTES + PEER_BYTES;

    private CompactInfo() {
    }

    /** True when the address can be written compactly (IPv4; the DHT here speaks BEP 5's IPv4 form). */
    public static boolean encodable(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address;
    }

    public static byte[] peer(InetSocketAddress address) {
        byte[] out = new byte[PEER_BYTES];
        writePeer(address, out, 0);
        return out;
    }

    public static InetSocketAddress peer(byte[] data) {
        if (data.length != PEER_BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "compact peer info must be 6 bytes, got " + data.length);
        }
        return readPeer(data, 0);
    }

    /** Concatenated node infos of the IPv4 contacts among {@code contacts}. */
    public static byte[] nodes(List<Contact> contacts) {
        int n = 0;
        for (Contact c : contacts) {
            if (encodable(c.address())) {
                n++;
            }
        }
        byte[] out = new byte[n * NODE_BYTES];
        int off = 0;
        for (Contact c : contacts) {
            if (encodable(c.address())) {
                c.id().writeTo(out, off);
                writePeer(c.address(), out, off + NodeId.BYTES);
                off += NODE_BYTES;
            }
        }
        return out;
    }

    public static List<Contact> nodes(byte[] data) {
        if (data.length % NODE_BYTES != 0) {
            throw new CometException(ErrorCode.PROTOCOL, "compact node info length " + data.length + " is not a multiple of 26");
        }
        List<Contact> out = new ArrayList<>(data.length / NODE_BYTES);
        for (int off = 0; off < data.length; off += NODE_BYTES) {
            InetSocketAddress address = readPeer(data, off + NodeId.BYTES);
            if (address.getPort() != 0) {
                out.add(new Contact(NodeId.fromBytes(data, off), address));
            }
        }
        return out;
    }

    private static void writePeer(InetSocketAddress address, byte[] out, int off) {
        byte[] ip = address.getAddress().getAddress();
        if (ip.length != 4) {
            throw new CometException(ErrorCode.PROTOCOL, "compact peer info holds IPv4 addresses only: " + address);
        }
        System.arraycopy(ip, 0, out, off, 4);
        out[off + 4] = (byte) (address.getPort() >>> 8);
        out[off + 5] = (byte) address.getPort();
    }

    private static InetSocketAddress readPeer(byte[] data, int off) {
        byte[] ip = {data[off], data[off + 1], data[off + 2], data[off + 3]};
        int port = ((data[off + 4] & 0xFF) << 8) | (data[off + 5] & 0xFF);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always a valid address", e);
        }
    }
}
