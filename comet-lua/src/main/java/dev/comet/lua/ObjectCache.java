package dev.comet.lua;

import dev.comet.id.NodeId;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * The loaded objects a {@link LuaAsoRuntime} keeps between invocations, bounded: at most {@code maxObjects}
 * entries and {@code maxBytes} of estimated footprint ({@link ObjectFootprint}), least recently used dropped first;
 * an entry is also dropped when its object expires (the node's clock passes the expiry its calls carry), when the
 * node forgets the object, and when the sandbox it was loaded on was abandoned (its worker replaced: the instance
 * belongs to that sandbox and its thread). A dropped object is loaded again from the node's store when next
 * needed. Owns the entries; shared by every worker of the runtime, so every method is synchronized.
 */
final class ObjectCache {
    /** How often (on the node's clock) the whole cache is swept for expired objects. */
    private static final long SWEEP_EVERY_MILLIS = 1_000;

    /** One loaded object: the sandbox it lives on, the code it was loaded from, and its estimated bytes. */
    static final class Entry {
        final Sandbox sandbox;
        final byte[] code;
        final AsoInstance instance;
        long bytes;
        long expiresAtMillis;
        /**
         * Whether a get of it ran past the inline instruction or allocation bound: its gets then go to the pool while
         * it stays loaded. Guarded by the cache, like the two below.
         */
        boolean runsLong;
        /** Its gets that ran past the inline time bound, and how many of its next gets go to the pool for that. */
        int timeYields;
        int getsOnThePool;

        Entry(Sandbox sandbox, byte[] code, AsoInstance instance, long bytes, long expiresAtMillis) {
            this.sandbox = sandbox;
            this.code = code;
            this.instance = instance;
            this.bytes = bytes;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    private final int maxObjects;
    private final long maxBytes;
    private final LinkedHashMap<NodeId, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long nextSweep = Long.MIN_VALUE;

    ObjectCache(int maxObjects, long maxBytes) {
        this.maxObjects = maxObjects;
        this.maxBytes = maxBytes;
    }

    /**
     * The entry of {@code key} usable on {@code sandbox} at {@code now}, or null: absent, expired, or loaded on
     * another sandbox (which then loses it: objects are pinned to one worker slot, so it belonged to a replaced one).
     */
    synchronized Entry get(NodeId key, Sandbox sandbox, long now) {
        sweep(now);
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.sandbox != sandbox || e.sandbox.abandoned() || e.expiresAtMillis <= now) {
            remove(key);
            return null;
        }
        return e;
    }

    /**
     * Whether a get of {@code key} may be tried on the caller's thread: it is held loaded from {@code code}, its gets
     * have kept within the inline bounds, and it is not backing off after a time yield (this get counts toward that).
     */
    synchronized boolean runsShort(NodeId key, byte[] code) {
        Entry e = entries.get(key);
        if (e == null || e.runsLong || !Arrays.equals(e.code, code)) {
            return false;
        }
        if (e.getsOnThePool > 0) {
            e.getsOnThePool--;
            return false;
        }
        return true;
    }

    /** Whether {@code entry}'s gets are kept off the caller's thread for good (while it is loaded); read by tests. */
    synchronized boolean runsLong(Entry entry) {
        return entry.runsLong;
    }

    /**
     * A get of {@code entry}'s object crossed an inline bound: past the instructions or the allocation
     * ({@code timeOnly} false) its gets stay on the pool while it is loaded; past the time only, the next
     * {@code backOff(n)} gets do, n counting its time yields.
     */
    synchronized void crossedInlineBounds(Entry entry, boolean timeOnly, IntUnaryOperator backOff) {
        if (!timeOnly) {
            entry.runsLong = true;
            return;
        }
        entry.timeYields++;
        entry.getsOnThePool = backOff.applyAsInt(entry.timeYields);
    }

    /** Whether {@code key} is held loaded and runs compiled (HandlerEngine); read by tests. */
    synchronized boolean runsCompiled(NodeId key) {
        Entry e = entries.get(key);
        return e != null && e.instance.compiled;
    }

    /** Whether {@code key} is held loaded from {@code code} (for estimates only: it may turn out unusable). */
    synchronized boolean holds(NodeId key, byte[] code) {
        Entry e = entries.get(key);
        return e != null && Arrays.equals(e.code, code);
    }

    /**
     * Keeps {@code instance}, the same object as {@code earlier}'s loaded again (compiled), in its place: its inline
     * gets' standing carries over.
     */
    synchronized Entry replace(NodeId key, Entry earlier, AsoInstance instance, long bytes, long now) {
        if (entries.get(key) != earlier) {
            return earlier; // dropped or replaced meanwhile: nothing to bring back
        }
        Entry entry = new Entry(earlier.sandbox, earlier.code, instance, bytes, earlier.expiresAtMillis);
        entry.runsLong = earlier.runsLong;
        entry.timeYields = earlier.timeYields;
        entry.getsOnThePool = earlier.getsOnThePool;
        put(key, entry, now);
        return entry;
    }

    /** Keeps {@code entry} under {@code key}, then drops the least recently used past either bound. */
    synchronized void put(NodeId key, Entry entry, long now) {
        if (entry.sandbox.abandoned()) {
            return; // a late write from an abandoned worker: its instance must not be used again
        }
        remove(key);
        entries.put(key, entry);
        bytes += entry.bytes;
        sweep(now);
        evictOverBounds();
    }

    /** After an invocation: the object's new estimated size and expiry (a re-store may extend it). */
    synchronized void update(NodeId key, Entry entry, long newBytes, long expiresAtMillis) {
        if (entries.get(key) != entry) {
            return; // dropped or replaced meanwhile
        }
        bytes += newBytes - entry.bytes;
        entry.bytes = newBytes;
        entry.expiresAtMillis = expiresAtMillis;
        evictOverBounds();
    }

    synchronized void remove(NodeId key) {
        Entry e = entries.remove(key);
        if (e != null) {
            bytes -= e.bytes;
        }
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    private void evictOverBounds() {
        Iterator<Map.Entry<NodeId, Entry>> eldest = entries.entrySet().iterator();
        while ((entries.size() > maxObjects || bytes > maxBytes) && eldest.hasNext()) {
            bytes -= eldest.next().getValue().bytes;
            eldest.remove();
        }
    }

    /** Drops expired objects, at most once a second of the node's clock (a sweep visits every entry). */
    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + SWEEP_EVERY_MILLIS;
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.expiresAtMillis <= now || e.sandbox.abandoned()) {
                bytes -= e.bytes;
                it.remove();
            }
        }
    }
}
