package dev.comet.lookup;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.util.List;

/** How a {@link Lookup} asks one contact for the nodes it knows closest to a target (find_node or a kin of it). */
public interface LookupTransport {
    void request(Contact to, NodeId target, Reply reply);

    /** The fate of one request; exactly one of {@link #responded} or {@link #failed} is called, once. */
    interface Reply {
        /** The contact answered with these nodes; {@code from} carries the id it answered with. */
        void responded(Contact from, List<Contact> nodes);

        /**
         * The contact answered but is not what the lookup looks for (a node that does not speak Comet, for a lookup
         * of an object's replicas): the nodes it gave are followed, but it is not among the closest found.
         */
        void respondedNotCounting(Contact from, List<Contact> nodes);

        /** The request was sent again after a silent attempt: the contact is slow, maybe dead. */
        void retried();

        /** No usable answer: every attempt timed out, or the contact answered with an error. */
        void failed();
    }
}
