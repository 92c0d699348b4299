package dev.comet.routing;

import dev.comet.id.NodeId;

/**
 * One k-bucket of a {@link RoutingTable}: its contacts, its replacement cache (the most recently heard from last)
 * and when it last changed. Owned by its table, touched only on the node's thread.
 */
final class Bucket {
    final EntryList entries = new EntryList(8);
    /** The replacement cache, the least recently heard from first. */
    final EntryList replacements = new EntryList(8);
    long lastChanged;

    Bucket(long now) {
        lastChanged = now;
    }

    /**
     * Splits this bucket, the last of a table at {@code depth}: it keeps the contacts sharing exactly {@code depth}
     * leading bits with {@code self} (entries and replacements, in their order), and the new bucket it returns, the
     * table's new last, takes the others.
     */
    Bucket splitOff(NodeId self, int depth) {
        Bucket near = new Bucket(lastChanged);
        entries.removeIf(e -> self.commonPrefixLength(e.id()) > depth && near.entries.add(e));
        replacements.removeIf(e -> self.commonPrefixLength(e.id()) > depth && near.replacements.add(e));
        return near;
    }

    /** A copy of this bucket, its entries and replacements copied too (in their order). */
    Bucket copy() {
        Bucket b = new Bucket(lastChanged);
        entries.forEach(e -> b.entries.add(new ContactEntry(e)));
        replacements.forEach(e -> b.replacements.add(new ContactEntry(e)));
        return b;
    }

    /**
     * Puts {@code contact} last in the replacement cache (the end it promotes from and never evicts), in
     * {@code replacement}'s entry when it has one, dropping the oldest beyond {@code maxReplacements}.
     */
    ContactEntry cache(ContactEntry replacement, Contact contact, boolean responded, boolean speaksComet, long now,
                       int maxReplacements) {
        ContactEntry entry = replacement != null ? replacement : new ContactEntry(contact);
        entry.update(contact);
        entry.touch(responded, speaksComet, now);
        replacements.removeEntry(entry);
        replacements.add(entry);
        if (replacements.size() > maxReplacements) {
            replacements.remove(0);
        }
        return entry;
    }

    /** The most recent replacement not being pinged already ({@code pending}), marked as pinged now; or null. */
    Contact verifyReplacement(java.util.function.Predicate<ContactEntry> pending, long now) {
        for (int i = replacements.size() - 1; i >= 0; i--) {
            ContactEntry e = replacements.get(i);
            if (!pending.test(e)) {
                e.pingSentAt = now;
                return e.contact();
            }
        }
        return null;
    }

    /** The least recently seen entry that {@code test} accepts, or null. */
    ContactEntry stalest(java.util.function.Predicate<ContactEntry> test) {
        ContactEntry stalest = null;
        for (ContactEntry e : entries) {
            if (test.test(e) && (stalest == null || e.lastSeen < stalest.lastSeen)) {
                stalest = e;
            }
        }
        return stalest;
    }

    ContactEntry find(NodeId id) {
        return entries.find(id);
    }

    /** The first entry (in the order contacts entered) that {@code test} accepts, or null. */
    ContactEntry first(java.util.function.Predicate<ContactEntry> test) {
        for (ContactEntry e : entries) {
            if (test.test(e)) {
                return e;
            }
        }
        return null;
    }

    ContactEntry findReplacement(NodeId id) {
        return replacements.find(id);
    }

    /** The most recently seen replacement that has answered us, removed from the cache; null when none has. */
    ContactEntry bestReplacement() {
        for (int i = replacements.size() - 1; i >= 0; i--) {
            ContactEntry e = replacements.get(i);
            if (e.lastResponse() >= 0) {
                replacements.remove(i);
                return e;
            }
        }
        return null;
    }
}
