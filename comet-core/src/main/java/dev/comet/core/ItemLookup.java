package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.lookup.LookupResult;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a BEP 44 get lookup found: the best verified item (highest seq for mutable ones), the lookup behind it, the
 * write tokens of the nodes that answered and which of them are Comet nodes (by their {@code v}).
 */
public record ItemLookup(Optional<Item> item, LookupResult lookup, Map<NodeId, byte[]> tokens, Set<NodeId> comet) {
    /** The {@code n} closest Comet nodes the lookup found, closest first: where an object's replicas go. */
    public List<Contact> cometNodes(int n) {
        List<Contact> out = new ArrayList<>();
        for (Contact c : lookup.closest()) {
            if (comet.contains(c.id()) && out.size() < n) {
                out.add(c);
            }
        }
        return out;
    }
}
