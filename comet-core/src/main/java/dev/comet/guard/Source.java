package dev.comet.guard;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Who a datagram counts against: an IP address, and on a loopback address also the port ({@code port} is 0
 * otherwise), so that the nodes of a loopback cluster, all on 127.0.0.1, are told apart.
 */
public record Source(InetAddress ip, int port) {
    /** The source of {@code address}; its port counts only on loopback and when {@code loopbackPerPort}. */
    public static Source of(InetSocketAddress address, boolean loopbackPerPort) {
        InetAddress ip = address.getAddress();
        return new Source(ip, loopbackPerPort && ip.isLoopbackAddress() ? address.getPort() : 0);
    }

    /**
     * A map key equal for exactly the addresses of one source, made without allocating: the IP address, or on
     * loopback with {@code loopbackPerPort} the socket address itself. For the maps that hold an entry per source
     * heard (the throttle's, the routing table's), where a {@code Source} per entry was a fifth of their memory.
     */
    public static Object key(InetSocketAddress address, boolean loopbackPerPort) {
        InetAddress ip = address.getAddress();
        return loopbackPerPort && ip.isLoopbackAddress() ? address : ip;
    }

    @Override
    public String toString() {
        return ip.getHostAddress() + (port == 0 ? "" : ":" + port);
    }
}
