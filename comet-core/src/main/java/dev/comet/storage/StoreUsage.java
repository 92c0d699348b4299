package dev.comet.storage;

/** How much of its quota a {@link Store} uses. */
public record StoreUsage(long records, long bytes, long maxRecords, long maxBytes) {
}
