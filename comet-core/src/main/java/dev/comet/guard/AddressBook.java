package dev.comet.guard;

import dev.comet.Lru;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

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
        /** Its key, for pruning from {@link #paced} (the field fits in the entry's padding). */
        final InetSocketAddress address;
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

        Entry(InetSocketAddress address) {
            this.address = address;
        }

        /** Nothing worth keeping: a new entry would behave the same. */
        boolean empty() {
            return !verified && credit == 0 && learnt == 0 && bucket == null;
        }
    }

    private final Lru<InetSocketAddress, Entry> entries;
    /**
     * The entries given a pacing bucket since the last prune, which visits only these: most entries hold only a mark
     * (a simulated node keeps a few hundred, and visiting them all every minute was 1 % of a run).
     */
    private final List<Entry> paced = new ArrayList<>();

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
            e = new Entry(address);
            entries.put(address, e);
        }
        return e;
    }

    /** Gives {@code e} a pacing bucket (it had none): the next prune looks at it. */
    void pace(Entry e, TokenBucket bucket) {
        e.bucket = bucket;
        paced.add(e);
    }

    /**
     * Forgets the pacing buckets that are full again (a full bucket is what a new one starts with), and the entries
     * that leaves with nothing: called from the node's maintenance, so memory follows the addresses in use.
     */
    void prune(long now) {
        int kept = 0;
        for (int i = 0; i < paced.size(); i++) {
            Entry e = paced.get(i);
            if (e.bucket != null && !e.bucket.full(now)) {
                paced.set(kept++, e);
                continue;
            }
            e.bucket = null;
            if (e.empty()) {
                entries.remove(e.address, e); // unless the LRU bound dropped it already
            }
        }
        paced.subList(kept, paced.size()).clear();
    }

    /** Addresses with an entry now. */
    int size() {
        return entries.size();
    }
}
