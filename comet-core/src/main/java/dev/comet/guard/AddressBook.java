package dev.comet.guard;

import java.net.InetSocketAddress;
import java.util.Iterator;

/**
 * What the guard knows of each address it talks with, one entry per address, shared by the {@link ReplyBudget} and
 * the {@link QueryPacer}: a datagram then costs one map look-up of its address, not one per rule (the guard's maps
 * were a sixth of a simulated network's time and its largest memory per node, four entries per address).
 *
 * <p>Owns the entries (at most {@code maxTrackedSources}, the least recently used forgotten first). Each field of an
 * entry has one writer, named on it. Called only on the node's thread.
 */
final class AddressBook {
    /** What the guard knows of one address. */
    static final class Entry {
        /** The address answered one of our queries (transaction id and address matched). Written by ReplyBudget. */
        boolean verified;
        /** Reply bytes an unverified address has earned with its queries. Written by ReplyBudget. */
        long credit;
        /** What the node there told us ({@link QueryPacer}'s bits). Written by QueryPacer. */
        byte learnt;
        /** Our queries' token bucket towards the address, null while it would be full. Written by QueryPacer. */
        TokenBucket bucket;
        /** The pacer's class of the node that {@link #bucket} was made for. Written by QueryPacer. */
        byte bucketKind;

        /** Nothing worth keeping: a new entry would behave the same. */
        boolean empty() {
            return !verified && credit == 0 && learnt == 0 && bucket == null;
        }
    }

    private final Lru<InetSocketAddress, Entry> entries;

    AddressBook(int maxAddresses) {
        entries = new Lru<>(maxAddresses);
    }

    /** The entry of {@code address}, or null when the book has none. */
    Entry find(InetSocketAddress address) {
        return entries.get(address);
    }

    /** The entry of {@code address}, made empty when the book had none. */
    Entry entry(InetSocketAddress address) {
        Entry e = entries.get(address);
        if (e == null) {
            e = new Entry();
            entries.put(address, e);
        }
        return e;
    }

    /**
     * Forgets the pacing buckets that are full again (a full bucket is what a new one starts with), then the entries
     * left with nothing: called from the node's maintenance, so memory follows the addresses in use.
     */
    void prune(long now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.bucket != null && e.bucket.full(now)) {
                e.bucket = null;
            }
            if (e.empty()) {
                it.remove();
            }
        }
    }

    /** Addresses with an entry now. */
    int size() {
        return entries.size();
    }
}
