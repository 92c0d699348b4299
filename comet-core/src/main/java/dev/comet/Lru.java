package dev.comet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that keeps at most {@code max} entries, dropping the least recently used (read or written) first: the
 * bounded caches and per-source records of a node, whose memory must not grow with what peers send.
 */
public final class Lru<K, V> extends LinkedHashMap<K, V> {
    private final int max;

    public Lru(int max) {
        super(16, 0.75f, true); // grows as entries come: a simulated network holds thousands of these per map
        this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
    }
}
