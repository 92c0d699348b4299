package dev.comet.routing;

import dev.comet.id.NodeId;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A DHT node as others know it: its id and the UDP address it answers on. */
public record Contact(NodeId id, InetSocketAddress address) {
    public Contact {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return id.toHex().substring(0, 8) + "@" + hostPort(address);
    }

    /** {@code address} as people write it: {@code 10.0.0.1:6881}, an IPv6 host in brackets ({@code [::1]:6881}). */
    public static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
