package dev.comet.core;

import dev.comet.aso.AsoRuntime;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import dev.comet.storage.Store;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Everything a {@link Node} needs from the world (DESIGN.md §2.1). The real runtime binds it to a UDP socket, an
 * event loop and RocksDB; the simulator to an in-memory network and a virtual clock. Every callback it runs (timers) runs
 * on the node's own thread.
 */
public interface Environment {
    /** Current time in milliseconds (virtual in the simulator); only differences are meaningful. */
    long now();

    /** Runs {@code task} on the node's thread after {@code delayMillis}. */
    Timer schedule(long delayMillis, Runnable task);

    /** Sends one datagram; delivery is not guaranteed. */
    void send(InetSocketAddress to, byte[] datagram);

    /** The node's source of randomness (seeded in the simulator). */
    RandomGenerator random();

    /** The node's durable records (RocksDB for a real node, memory in the simulator). */
    Store store();

    /** Where the node's active objects run; by default nowhere (the node refuses Comet object requests). */
    default AsoRuntime asoRuntime() {
        return AsoRuntime.NONE;
    }

    /**
     * The contact of the node {@code id} at {@code address}, as a message from it or a list naming it gives them. A
     * real node makes a new one; the simulator hands out the one it keeps for the live node there, so the routing
     * tables, lookups and guards of thousands of simulated nodes share one contact (id and address) per node instead
     * of each holding copies. Equal either way: nothing may depend on which.
     */
    default Contact contact(NodeId id, InetSocketAddress address) {
        return new Contact(id, address);
    }

    /** {@code decoded} (a list {@code CompactInfo} made) with each contact replaced, in place, by {@link #contact}'s. */
    default List<Contact> contacts(List<Contact> decoded) {
        for (int i = 0; i < decoded.size(); i++) {
            Contact c = decoded.get(i);
            decoded.set(i, contact(c.id(), c.address()));
        }
        return decoded;
    }

    /** A scheduled task that may be cancelled. */
    interface Timer {
        void cancel();
    }
}
