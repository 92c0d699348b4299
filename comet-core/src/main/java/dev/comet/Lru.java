package dev.comet.guard;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that keeps at most {@code max} entries, dropping the least recently used: the guard's memory stays bounded. */
final class Lru<K, V> extends LinkedHashMap<K, V> {
    private final int max;

    Lru(int max) {
        super(16, 0.75f, true); // grows as sources come: a simulated network holds thousands of guards
        this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
    }
}
