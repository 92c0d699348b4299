package dev.comet.aso;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.util.List;
import java.util.Map;

/** A request a handler asked its node to send ({@code comet.put}, {@code comet.get}); fire and forget. */
public sealed interface AsoRequest {
    /** The nodes the handler named (none when the node finds them). */
    List<Contact> to();

    /** How many of the handler's requests this one counts for against its limits. */
    default int count() {
        return to().size();
    }

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

    /**
     * Ask the replicas of the object under {@code key}, which the node finds with a lookup of its own as it does for
     * a client's get: the closest replica that answers runs its onGet, and its answer (or why none came) arrives as a
     * call of {@code handler}. The targets are the node's choice, never the handler's; it counts as {@link #COUNT}
     * requests, so with the default limits an invocation asks at most two keys' replicas, and an object two a second.
     */
    record GetFromReplicas(NodeId key, Map<String, byte[]> args, String handler) implements AsoRequest {
        public GetFromReplicas {
            args = Map.copyOf(args);
        }

        @Override
        public List<Contact> to() {
            return List.of();
        }

        /** What one costs against a handler's request limits: a lookup is a dozen small requests and a get. */
        public static final int COUNT = 4;

        @Override
        public int count() {
            return COUNT;
        }
    }
}
