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
        return id.toHex().substring(0, 8) + "@" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
