package dev.comet.bencode;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A bencode dictionary as a map: keys (raw bytes as ISO-8859-1 chars) in canonical order, each followed by its
 * value in one array.
 *
 * <p>Every KRPC datagram is a few small dictionaries; a sorted tree spent an entry object and a rebalancing per key on
 * them, while a decoded dictionary arrives already sorted and is only appended to here. Iteration is in key order,
 * as the encoder wants. Not thread-safe: owned by whoever built it, until {@link #readOnly()} makes it immutable.
 */
public final class BencodeMap extends AbstractMap<String, Object> {
    private static final Object[] EMPTY = new Object[0];

    /** Key {@code i} at {@code 2i}, its value at {@code 2i + 1}. */
    private Object[] slots;
    private int size;
    private int modifications;
    private boolean readOnly;

    public BencodeMap() {
        slots = EMPTY;
    }

    /** An empty map with room for {@code capacity} keys before it grows. */
    public BencodeMap(int capacity) {
        slots = new Object[2 * capacity];
    }

    /** A copy of {@code other}'s entries, in key order. */
    public BencodeMap(Map<String, ?> other) {
        this(other.size());
        other.forEach(this::put);
    }

    /** Forbids every later change and returns this map: a decoded message's dictionary is shared, not copied. */
    public BencodeMap readOnly() {
        readOnly = true;
        return this;
    }

    /** The key at {@code index}, 0 being the smallest. */
    String keyAt(int index) {
        return (String) slots[2 * index];
    }

    /** The value at {@code index}, 0 being that of the smallest key. */
    Object valueAt(int index) {
        return slots[2 * index + 1];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i >= 0 ? slots[2 * i + 1] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object put(String key, Object value) {
        Objects.requireNonNull(key, "a bencode dictionary key");
        checkWritable();
        // a decoded dictionary's keys come in order: appending needs no search
        int i = size > 0 && keyAt(size - 1).compareTo(key) < 0 ? -(size + 1) : search(key);
        if (i >= 0) {
            Object old = slots[2 * i + 1];
            slots[2 * i + 1] = value;
            return old;
        }
        insertAt(-(i + 1), key, value);
        return null;
    }

    @Override
    public Object remove(Object key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        checkWritable();
        Object old = slots[2 * i + 1];
        removeAt(i);
        return old;
    }

    @Override
    public void clear() {
        checkWritable();
        Arrays.fill(slots, 0, 2 * size, null);
        size = 0;
        modifications++;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < size; i++) {
            action.accept(keyAt(i), slots[2 * i + 1]);
        }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Entries();
            }
        };
    }

    private int indexOf(Object key) {
        return key instanceof String s ? search(s) : -1;
    }

    /** The index of {@code key}, or {@code -(insertion point) - 1} when absent, as {@link Arrays#binarySearch} says. */
    private int search(String key) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = keyAt(mid).compareTo(key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private void insertAt(int at, String key, Object value) {
        if (2 * size == slots.length) {
            slots = Arrays.copyOf(slots, 2 * Math.max(4, size * 2));
        }
        System.arraycopy(slots, 2 * at, slots, 2 * at + 2, 2 * (size - at));
        slots[2 * at] = key;
        slots[2 * at + 1] = value;
        size++;
        modifications++;
    }

    private void removeAt(int at) {
        System.arraycopy(slots, 2 * at + 2, slots, 2 * at, 2 * (size - at - 1));
        size--;
        slots[2 * size] = null;
        slots[2 * size + 1] = null;
        modifications++;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new UnsupportedOperationException("a read-only bencode dictionary");
        }
    }

    /** Iterates in key order; its entries write through to the map. */
    private final class Entries implements Iterator<Entry<String, Object>> {
        private int next;
        private int last = -1;
        private int expected = modifications;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Entry<String, Object> next() {
            if (expected != modifications) {
                throw new ConcurrentModificationException();
            }
            if (next >= size) {
                throw new NoSuchElementException();
            }
            last = next++;
            return new SimpleEntry<>(keyAt(last), slots[2 * last + 1]) {
                @Override
                public Object setValue(Object value) {
                    Object old = put(getKey(), value);
                    super.setValue(value);
                    return old;
                }
            };
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException();
            }
            if (expected != modifications) {
                throw new ConcurrentModificationException();
            }
            checkWritable();
            removeAt(last);
            next = last;
            last = -1;
            expected = modifications;
        }
    }
}
