package dev.comet.storage;

import java.util.List;
import java.util.Optional;

/**
 * A node's durable records: byte keys to byte values, each with an expiry time (wall-clock milliseconds). Expired
 * records are never served and are purged by {@link #purgeExpired}. Keys are composed by their owners with a
 * one-byte namespace first ({@link StoreKeys}), so one store holds items, peers and later active objects.
 *
 * <p>A quota on record count and bytes (key + value) refuses new records with {@link StoreFullException} once
 * reached; records already stored are never evicted to make room. Replacing an existing key is allowed when the
 * new size fits. {@link #put} returns only once the record is durable against a crash of the process
 * (for RocksDB: in the write-ahead log).
 *
 * <p>Implementations are called from one node's thread; they need not be thread-safe beyond that.
 */
public interface Store extends AutoCloseable {
    /** Stores or replaces {@code key}; throws {@link StoreFullException} when a new record does not fit the quota. */
    void put(byte[] key, byte[] value, long expiresAtMillis);

    /** The live record for {@code key} at time {@code now}, or empty. */
    Optional<StoredRecord> get(byte[] key, long now);

    /** Live records whose keys start with {@code prefix}, in key order, at most {@code limit}. */
    List<StoredRecord> scan(byte[] prefix, long now, int limit);

    /** Removes {@code key}; true when it was there. */
    boolean delete(byte[] key);

    /** Removes every record expired at {@code now}; returns how many. */
    int purgeExpired(long now);

    /** Records and bytes currently held (expired but not yet purged included). */
    StoreUsage usage();

    @Override
    void close();
}
