package dev.comet.aso;

import dev.comet.bencode.Bencode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.storage.Store;
import dev.comet.storage.StoreKeys;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Active objects in a node's {@link Store}: under {@code 'A' + key}, a bencoded dictionary of the object's code and
 * its last saved state. Used only on its node's thread.
 */
public final class ObjectStorage {
    /** Bounds for reading back what this class wrote: a flat dictionary of two strings. */
    private static final BencodeLimits RECORD_LIMITS = new BencodeLimits(4, 1 << 20, 1 << 21, 16);

    private final Store store;

    /** One stored object: its code, its state (canonical bytes from the runtime) and when it expires. */
    public record StoredObject(byte[] code, byte[] state, long expiresAtMillis) {
    }

    public ObjectStorage(Store store) {
        this.store = store;
    }

    @SuppressWarnings("unchecked")
    public Optional<StoredObject> get(NodeId key, long now) {
        return store.get(StoreKeys.of(StoreKeys.OBJECT, key), now).map(r -> {
            Dict d = Dict.of((Map<String, Object>) Bencode.decode(r.value(), RECORD_LIMITS));
            return new StoredObject(d.bytes("code"), d.bytes("state"), r.expiresAtMillis());
        });
    }

    public void put(NodeId key, byte[] code, byte[] state, long expiresAtMillis) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("code", code);
        m.put("state", state);
        store.put(StoreKeys.of(StoreKeys.OBJECT, key), Bencode.encode(m), expiresAtMillis);
    }

    public boolean delete(NodeId key) {
        return store.delete(StoreKeys.of(StoreKeys.OBJECT, key));
    }
}
