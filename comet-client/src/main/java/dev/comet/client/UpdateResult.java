package dev.comet.client;

/**
 * How a guarded update of a signed object ended (docs/owned-objects.md). Also a JSON body of the gateway.
 *
 * @param key     the object, as its owner's public key and salt ({@code PUBHEX/salt})
 * @param target  the object's key in hex
 * @param version the version of its value afterwards: the new one, or the one held when no clause held
 * @param hash    that version's SHA-256, 64 hex digits
 * @param clause  the clause applied, counted from 1 (0: none held, the update aborted)
 * @param applied whether the value changed
 * @param primary the replica that ordered the update, {@code ip:port}
 */
public record UpdateResult(String key, String target, long version, String hash, int clause, boolean applied,
                           String primary) {
}
