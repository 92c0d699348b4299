package dev.comet.storage;

/** One record of a {@link Store}: key, value and wall-clock expiry in milliseconds. */
public record StoredRecord(byte[] key, byte[] value, long expiresAtMillis) {
    /** Bytes this record counts against a store's quota. */
    public long size() {
        return (long) key.length + value.length;
    }
}
