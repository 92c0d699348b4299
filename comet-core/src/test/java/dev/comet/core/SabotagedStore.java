package dev.comet.core;

import dev.comet.storage.InMemoryStore;
import dev.comet.storage.Store;
import dev.comet.storage.StoreUsage;
import dev.comet.storage.StoredRecord;

import java.util.List;
import java.util.Optional;

/** An in-memory store whose writes can be made to fail with any exception: how a test provokes an internal error. */
final class SabotagedStore implements Store {
    private final InMemoryStore inner = new InMemoryStore(100_000, 64L << 20);
    private RuntimeException failWrites;

    /** From now on every put throws {@code failure} (null: puts work again). */
    void failWrites(RuntimeException failure) {
        this.failWrites = failure;
    }

    @Override
    public void put(byte[] key, byte[] value, long expiresAtMillis) {
        if (failWrites != null) {
            throw failWrites;
        }
        inner.put(key, value, expiresAtMillis);
    }

    @Override
    public Optional<StoredRecord> get(byte[] key, long now) {
        return inner.get(key, now);
    }

    @Override
    public List<StoredRecord> scan(byte[] prefix, long now, int limit) {
        return inner.scan(prefix, now, limit);
    }

    @Override
    public boolean delete(byte[] key) {
        return inner.delete(key);
    }

    @Override
    public int purgeExpired(long now) {
        return inner.purgeExpired(now);
    }

    @Override
    public StoreUsage usage() {
        return inner.usage();
    }

    @Override
    public void close() {
        inner.close();
    }
}
