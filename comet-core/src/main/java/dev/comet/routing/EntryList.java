package dev.comet.routing;

import dev.comet.id.NodeId;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * A bucket's entries or its replacement cache, in order, with their ids' hashes beside them in an array of their
 * own. Every datagram a node hears searches its bucket for the sender, and most senders are not there: the search
 * reads one small array instead of every entry, each of which is a cache miss in a simulation of thousands of
 * nodes (the search was 4 % of a 10,000-node run). Read as a {@link java.util.List}; changed only through its own
 * methods, which keep the hashes in step. Owned by its bucket.
 */
final class EntryList extends AbstractList<ContactEntry> {
    private ContactEntry[] entries;
    private int[] hashes;
    private int size;
    /**
     * No entry here was last seen before this time: a bound kept on every entry added and every entry seen again
     * ({@link #seen}), made exact by {@link #oldestSeen(long)} after a scan. The table's scan for questionable
     * contacts skips a bucket whose entries were all seen too recently to be questionable (it visited every entry
     * of the table every minute: 2 % of a 10,000-node run).
     */
    private long oldestSeen = Long.MAX_VALUE;

    EntryList(int capacity) {
        entries = new ContactEntry[capacity];
        hashes = new int[capacity];
    }

    @Override
    public ContactEntry get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index + " of " + size);
        }
        return entries[index];
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * An iterator of this class's own, which the compiler can inline: the table's walks for the closest entries and
     * the questionable ones go through every bucket they visit, and {@code AbstractList}'s iterator, shared by every
     * list class, reached the entries through calls it could not.
     */
    @Override
    public Iterator<ContactEntry> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public ContactEntry next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return entries[next++];
            }
        };
    }

    /** The entry of {@code id}, or null. */
    ContactEntry find(NodeId id) {
        int hash = id.hashCode();
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash && entries[i].is(id, hash)) {
                return entries[i];
            }
        }
        return null;
    }

    /** Puts {@code e} last. */
    @Override
    public boolean add(ContactEntry e) {
        if (size == entries.length) {
            int capacity = Math.max(4, size * 2);
            entries = Arrays.copyOf(entries, capacity);
            hashes = Arrays.copyOf(hashes, capacity);
        }
        entries[size] = e;
        hashes[size] = e.idHash();
        size++;
        oldestSeen = Math.min(oldestSeen, e.lastSeen);
        return true;
    }

    /** An entry of this list was seen at {@code now}: keeps the bound true even if the clock stepped back. */
    void seen(long now) {
        oldestSeen = Math.min(oldestSeen, now);
    }

    /** Whether some entry may have been last seen at or before {@code time}: a bound, so false is certain, true not. */
    boolean anySeenBy(long time) {
        return oldestSeen <= time;
    }

    /** After a scan of every entry: the earliest time one was last seen (Long.MAX_VALUE for none). */
    void oldestSeen(long time) {
        oldestSeen = time;
    }

    /** Removes this very entry (by identity); whether it was here. */
    boolean removeEntry(ContactEntry e) {
        for (int i = 0; i < size; i++) {
            if (entries[i] == e) {
                removeAt(i);
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean remove(Object o) {
        return o instanceof ContactEntry e && removeEntry(e);
    }

    /** Removes the entry at {@code index}; those after it move up. */
    @Override
    public ContactEntry remove(int index) {
        ContactEntry e = get(index);
        removeAt(index);
        return e;
    }

    private void removeAt(int index) {
        int after = size - index - 1;
        System.arraycopy(entries, index + 1, entries, index, after);
        System.arraycopy(hashes, index + 1, hashes, index, after);
        entries[--size] = null;
    }

    /** Removes every entry {@code doomed} accepts, keeping the others' order. */
    @Override
    public boolean removeIf(Predicate<? super ContactEntry> doomed) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!doomed.test(entries[i])) {
                entries[kept] = entries[i];
                hashes[kept] = hashes[i];
                kept++;
            }
        }
        boolean removed = kept < size;
        Arrays.fill(entries, kept, size, null);
        size = kept;
        return removed;
    }
}
