package dev.comet.aso;

import dev.comet.bencode.Bencode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.owned.SignedDelete;
import dev.comet.storage.Store;
import dev.comet.storage.StoreKeys;
import dev.comet.storage.StoredRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tombstones of deleted active objects in a node's {@link Store}: under {@code 'D' + key}, a bencoded dictionary of
 * the replica count and, for a signed object, the {@link SignedDelete} that removed it; the record's expiry is the
 * tombstone's. Used only on its node's thread.
 */
public final class TombstoneStorage {
    /** Bounds for reading back what this class wrote: a flat dictionary of at most 7 strings and integers. */
    private static final BencodeLimits RECORD_LIMITS = new BencodeLimits(4, 4096, 4096, 16);

    private final Store store;

    /**
     * A deleted object's tombstone: how many replicas the object had (the tombstone replicates like it), when the
     * tombstone expires, and for a signed object the owner's delete ({@code signed}, null for an unsigned object).
     */
    public record Tombstone(NodeId key, int replicas, long expiresAtMillis, SignedDelete signed) {
        /** The dictionary fields of this tombstone: {@code n}, and a signed delete's fields. */
        public Dict.Builder addTo(Dict.Builder to) {
            to.put("n", (long) replicas);
            if (signed != null) {
                signed.addTo(to);
            }
            return to;
        }
    }

    public TombstoneStorage(Store store) {
        this.store = store;
    }

    public Optional<Tombstone> get(NodeId key, long now) {
        return store.get(StoreKeys.of(StoreKeys.TOMBSTONE, key), now).map(this::decode);
    }

    /** Up to {@code limit} live tombstones, in key order. */
    public List<Tombstone> all(long now, int limit) {
        List<Tombstone> out = new ArrayList<>();
        for (StoredRecord r : store.scan(new byte[] {StoreKeys.TOMBSTONE}, now, limit)) {
            out.add(decode(r));
        }
        return out;
    }

    /** Stores or replaces the tombstone; throws a StoreFullException when a new one does not fit the quota. */
    public void put(Tombstone t) {
        store.put(StoreKeys.of(StoreKeys.TOMBSTONE, t.key()), Bencode.encode(t.addTo(Dict.builder()).build().map()),
                t.expiresAtMillis());
    }

    public boolean delete(NodeId key) {
        return store.delete(StoreKeys.of(StoreKeys.TOMBSTONE, key));
    }

    @SuppressWarnings("unchecked")
    private Tombstone decode(StoredRecord r) {
        NodeId key = StoreKeys.id(r.key());
        Dict d = Dict.of((Map<String, Object>) Bencode.decode(r.value(), RECORD_LIMITS));
        return new Tombstone(key, (int) d.optionalInteger("n", ObjectConfig.defaults().replicas()), r.expiresAtMillis(),
                SignedDelete.from(d, key));
    }
}
