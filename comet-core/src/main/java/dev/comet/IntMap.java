package dev.comet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A map from non-negative {@code int} keys to values, open-addressed in two arrays: no boxed key and no entry object
 * per mapping. For a node's hot small maps keyed by small numbers (KRPC transaction ids), which a simulation of
 * thousands of nodes reads and writes for every datagram. Owns its slots; not thread-safe.
 */
public final class IntMap<V> {
    private static final int FREE = -1;

    private int[] keys;
    private Object[] values;
    private int size;

    public IntMap() {
        keys = new int[8];
        Arrays.fill(keys, FREE);
        values = new Object[8];
    }

    public int size() {
        return size;
    }

    public boolean containsKey(int key) {
        return slotOf(key) >= 0;
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(int key) {
        int slot = slotOf(key);
        return slot < 0 ? null : (V) values[slot];
    }

    /** Maps {@code key} (not negative) to {@code value} (not null), replacing what it had. */
    public void put(int key, V value) {
        if (key < 0 || value == null) {
            throw new IllegalArgumentException("keys are not negative and values not null");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int slot = mix(key) & mask;
        while (keys[slot] != FREE) {
            if (keys[slot] == key) {
                values[slot] = value;
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
        size++;
    }

    /** Removes {@code key}'s mapping; returns its value, or null. */
    @SuppressWarnings("unchecked")
    public V remove(int key) {
        int slot = slotOf(key);
        if (slot < 0) {
            return null;
        }
        V old = (V) values[slot];
        int mask = keys.length - 1;
        // backward-shift deletion: every key after the hole that would be found through it moves into it
        int hole = slot;
        int next = (hole + 1) & mask;
        while (keys[next] != FREE) {
            int home = mix(keys[next]) & mask;
            boolean reachableWithoutHole = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!reachableWithoutHole) {
                keys[hole] = keys[next];
                values[hole] = values[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        keys[hole] = FREE;
        values[hole] = null;
        size--;
        return old;
    }

    /** The values, in no particular order (a copy). */
    @SuppressWarnings("unchecked")
    public List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != FREE) {
                out.add((V) values[i]);
            }
        }
        return out;
    }

    public void clear() {
        Arrays.fill(keys, FREE);
        Arrays.fill(values, null);
        size = 0;
    }

    private int slotOf(int key) {
        if (key < 0) {
            return -1;
        }
        int mask = keys.length - 1;
        int slot = mix(key) & mask;
        while (keys[slot] != FREE) {
            if (keys[slot] == key) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private void grow() {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        Arrays.fill(keys, FREE);
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                @SuppressWarnings("unchecked")
                V v = (V) oldValues[i];
                put(oldKeys[i], v);
            }
        }
    }

    /** Spreads keys that differ in their high bits only (a counter's) over the low bits the slots use. */
    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
