package dev.comet.lua;

import dev.comet.id.NodeId;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The node-wide object memory budget of a {@link LuaAsoRuntime} (DESIGN.md §4.1): the estimated bytes
 * ({@link ObjectFootprint}) every object this node holds retains, added up; an object new on the node that would
 * take the total over {@code maxBytes} is refused, objects already held never are (their state is bounded by the
 * state limit). It counts the objects the runtime has seen since it started (after a restart, an object counts
 * from its first call) until the node forgets them or they expire. Owns that ledger; thread-safe.
 */
final class ObjectMemoryBudget {
    private static final long SWEEP_EVERY_MILLIS = 1_000;

    private final long maxBytes;
    /** Per object: {estimated bytes, expiry on the node's clock}. */
    private final Map<NodeId, long[]> objects = new HashMap<>();
    private long bytes;
    private long nextSweep = Long.MIN_VALUE;

    ObjectMemoryBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    /**
     * Counts {@code key} at {@code objectBytes} until {@code expiresAtMillis}. An object not held yet is refused
     * (false, nothing counted) when {@code admitNew} and it does not fit.
     */
    synchronized boolean count(NodeId key, long objectBytes, long expiresAtMillis, long now, boolean admitNew) {
        sweep(now);
        long[] held = objects.get(key);
        if (held == null) {
            if (admitNew && bytes + objectBytes > maxBytes) {
                return false;
            }
            objects.put(key, new long[] {objectBytes, expiresAtMillis});
            bytes += objectBytes;
            return true;
        }
        bytes += objectBytes - held[0];
        held[0] = objectBytes;
        held[1] = expiresAtMillis;
        return true;
    }

    synchronized void remove(NodeId key) {
        long[] held = objects.remove(key);
        if (held != null) {
            bytes -= held[0];
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + SWEEP_EVERY_MILLIS;
        Iterator<long[]> it = objects.values().iterator();
        while (it.hasNext()) {
            long[] held = it.next();
            if (held[1] <= now) {
                bytes -= held[0];
                it.remove();
            }
        }
    }
}
