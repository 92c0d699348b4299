package dev.comet.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link Store} in a sorted map: for tests and the simulator, where durability is the simulated node's memory. */
public final class InMemoryStore implements Store {
    private final TreeMap<byte[], StoredRecord> records = new TreeMap<>(Arrays::compareUnsigned);
    private final long maxRecords;
    private final long maxBytes;
    private long bytes;

    public InMemoryStore(long maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    @Override
    public void put(byte[] key, byte[] value, long expiresAtMillis) {
        StoredRecord record = new StoredRecord(key.clone(), value.clone(), expiresAtMillis);
        StoredRecord old = records.get(key);
        long newBytes = bytes - (old == null ? 0 : old.size()) + record.size();
        if (old == null && records.size() >= maxRecords) {
            throw new StoreFullException("store full: " + records.size() + " of " + maxRecords + " records used");
        }
        if (newBytes > maxBytes) {
            throw new StoreFullException("store full: " + bytes + " of " + maxBytes + " bytes used, record needs " + record.size());
        }
        records.put(record.key(), record);
        bytes = newBytes;
    }

    @Override
    public Optional<StoredRecord> get(byte[] key, long now) {
        StoredRecord r = records.get(key);
        return r != null && r.expiresAtMillis() > now ? Optional.of(copy(r)) : Optional.empty();
    }

    @Override
    public List<StoredRecord> scan(byte[] prefix, long now, int limit) {
        List<StoredRecord> out = new ArrayList<>();
        for (Map.Entry<byte[], StoredRecord> e : records.tailMap(prefix, true).entrySet()) {
            if (out.size() >= limit || !startsWith(e.getKey(), prefix)) {
                break;
            }
            if (e.getValue().expiresAtMillis() > now) {
                out.add(copy(e.getValue()));
            }
        }
        return out;
    }

    @Override
    public boolean delete(byte[] key) {
        StoredRecord old = records.remove(key);
        if (old != null) {
            bytes -= old.size();
        }
        return old != null;
    }

    @Override
    public int purgeExpired(long now) {
        int n = 0;
        for (Iterator<StoredRecord> it = records.values().iterator(); it.hasNext(); ) {
            StoredRecord r = it.next();
            if (r.expiresAtMillis() <= now) {
                it.remove();
                bytes -= r.size();
                n++;
            }
        }
        return n;
    }

    @Override
    public StoreUsage usage() {
        return new StoreUsage(records.size(), bytes, maxRecords, maxBytes);
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** Callers get copies: a changed array must not change the store, let alone a key inside the map. */
    private static StoredRecord copy(StoredRecord r) {
        return new StoredRecord(r.key().clone(), r.value().clone(), r.expiresAtMillis());
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
