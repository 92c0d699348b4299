package dev.comet.core;

import dev.comet.CometError;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.util.List;
import java.util.Map;

/**
 * Where one write (an item or object put, an object delete) went: the nodes that did it, and each refusal or
 * failure with its error. A node that answered but had nothing to do (a delete of an object it does not hold) is in
 * neither.
 */
public record WriteOutcome(NodeId target, List<Contact> accepted, Map<Contact, CometError> refused) {
    public WriteOutcome {
        accepted = List.copyOf(accepted);
        refused = Map.copyOf(refused);
    }
}
