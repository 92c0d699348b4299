package dev.comet.routing;

import dev.comet.id.NodeId;
import dev.comet.routing.RoutingTable.Entry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One k-bucket of a {@link RoutingTable}: its contacts, its replacement cache (the most recently heard from last)
 * and when it last changed. Owned by its table, touched only on the node's thread.
 */
final class Bucket {
    final List<Entry> entries = new ArrayList<>(8);
    final ArrayDeque<Entry> replacements = new ArrayDeque<>();
    long lastChanged;

    Bucket(long now) {
        lastChanged = now;
    }

    Entry find(NodeId id) {
        for (Entry e : entries) {
            if (e.contact().id().equals(id)) {
                return e;
            }
        }
        return null;
    }

    Entry findReplacement(NodeId id) {
        for (Entry e : replacements) {
            if (e.contact().id().equals(id)) {
                return e;
            }
        }
        return null;
    }

    /** The most recently seen verified replacement, else the most recent one; removed from the cache. */
    Entry bestReplacement() {
        Entry best = null;
        for (Iterator<Entry> it = replacements.descendingIterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.lastResponse() >= 0) {
                best = e;
                break;
            }
        }
        if (best == null) {
            best = replacements.peekLast();
        }
        replacements.remove(best);
        return best;
    }
}
