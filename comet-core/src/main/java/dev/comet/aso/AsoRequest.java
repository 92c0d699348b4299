package dev.comet.aso;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.util.List;
import java.util.Map;

/** A request a handler asked its node to send ({@code comet.put}, {@code comet.get}); fire and forget. */
public sealed interface AsoRequest {
    List<Contact> to();

    /**
     * Store an object on {@code to}: this object itself ({@code replica}: its code and current state, as a replica
     * would) or a new object with {@code code} under {@code key}.
     */
    record Put(NodeId key, byte[] code, byte[] state, boolean replica, List<Contact> to) implements AsoRequest {
        public Put {
            to = List.copyOf(to);
        }
    }

    /** Ask {@code to} for the object under {@code key}; each answer comes back as a call of {@code handler}. */
    record Get(NodeId key, Map<String, byte[]> args, String handler, List<Contact> to) implements AsoRequest {
        public Get {
            args = Map.copyOf(args);
            to = List.copyOf(to);
        }
    }
}
