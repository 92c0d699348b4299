package dev.comet.aso;

import dev.comet.Lru;
import dev.comet.bencode.Bencode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.bencode.BencodeMap;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.owned.ObjectSignature;
import dev.comet.storage.StoredRecord;
import dev.comet.storage.Store;
import dev.comet.storage.StoreKeys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Active objects in a node's {@link Store}: under {@code 'A' + key}, a bencoded dictionary of the object's code, its
 * last saved state, its meta (timer interval, whether the node replicates it, its replica count), for a signed object
 * its owner's signature (pk, salt, seq, sig), and, as the record's expiry, the end of its lifetime. Used only on its
 * node's thread.
 */
public final class ObjectStorage {
    /**
     * Bounds for reading back what this class wrote: a dictionary of at most 11 strings and integers (code, state,
     * timer, replicate, replicas, version, and a signed object's pk, salt, seq, sig, w) and at most 16 writers in w:
     * 38 elements with the keys.
     */
    private static final BencodeLimits RECORD_LIMITS = new BencodeLimits(4, 1 << 20, 1 << 21, 64);

    /** Objects whose decoding is kept, the most recently used. */
    private static final int DECODED_KEPT = 64;

    private final Store store;
    /**
     * The objects last read or written, each with the record bytes it came from: a read whose record is byte for
     * byte the one kept skips decoding it (a comet_get reads its object before and after its handler runs, and the
     * write in between keeps what it wrote). Checked against the bytes, so a record changed by anyone else decodes.
     */
    private final Map<NodeId, Decoded> decoded = new Lru<>(DECODED_KEPT);

    private record Decoded(byte[] record, long expiresAtMillis, StoredObject object) {
    }

    /**
     * One stored object: its code, its state (canonical bytes from the runtime), meta, when it expires, the owner's
     * signature of its code ({@code signature}, null for an unsigned object) and the number of its value's version
     * (0 as put; each update a writer makes adds one, see {@link ObjectVersions}).
     */
    public record StoredObject(NodeId key, byte[] code, byte[] state, ObjectMeta meta, int replicas, long expiresAtMillis,
                               ObjectSignature signature, long version) {
        /** An unsigned object. */
        public StoredObject(NodeId key, byte[] code, byte[] state, ObjectMeta meta, int replicas, long expiresAtMillis) {
            this(key, code, state, meta, replicas, expiresAtMillis, null, 0);
        }

        /** An object as put: version 0 of its value. */
        public StoredObject(NodeId key, byte[] code, byte[] state, ObjectMeta meta, int replicas, long expiresAtMillis,
                            ObjectSignature signature) {
            this(key, code, state, meta, replicas, expiresAtMillis, signature, 0);
        }

        /** This object with another state and meta, the rest unchanged. */
        public StoredObject with(byte[] newState, ObjectMeta newMeta) {
            return new StoredObject(key, code, newState, newMeta, replicas, expiresAtMillis, signature, version);
        }

        /** This object at version {@code newVersion} of its value, with the state that holds it. */
        public StoredObject atVersion(long newVersion, byte[] newState, ObjectMeta newMeta) {
            return new StoredObject(key, code, newState, newMeta, replicas, expiresAtMillis, signature, newVersion);
        }

        /** This object living until {@code newExpiry}, the rest unchanged. */
        public StoredObject expiringAt(long newExpiry) {
            return new StoredObject(key, code, state, meta, replicas, newExpiry, signature, version);
        }

        public boolean signed() {
            return signature != null;
        }
    }

    public ObjectStorage(Store store) {
        this.store = store;
    }

    public Optional<StoredObject> get(NodeId key, long now) {
        return store.get(StoreKeys.of(StoreKeys.OBJECT, key), now).map(r -> {
            Decoded kept = decoded.get(key);
            if (kept != null && kept.expiresAtMillis == r.expiresAtMillis() && Arrays.equals(kept.record, r.value())) {
                return kept.object;
            }
            StoredObject o = decode(r);
            decoded.put(key, new Decoded(r.value(), r.expiresAtMillis(), o));
            return o;
        });
    }

    /** Up to {@code limit} live objects, in key order. */
    public List<StoredObject> all(long now, int limit) {
        List<StoredObject> out = new ArrayList<>();
        for (StoredRecord r : store.scan(new byte[] {StoreKeys.OBJECT}, now, limit)) {
            out.add(decode(r));
        }
        return out;
    }

    /** Stores or replaces the object; throws a StoreFullException when a new one does not fit the quota. */
    public void put(StoredObject o) {
        // a BencodeMap, not a TreeMap: a get that changes its object's state writes it again, and these keys put in
        // their sorted order are appended (a signature's fields are inserted among them)
        BencodeMap m = new BencodeMap(o.signed() ? 12 : 6);
        m.put("code", o.code());
        m.put("replicas", (long) o.replicas());
        m.put("replicate", o.meta().replicate() ? 1L : 0L);
        m.put("state", o.state());
        m.put("timer", o.meta().timerMillis());
        if (o.version() > 0) {
            m.put("version", o.version());
        }
        if (o.signed()) {
            m.putAll(o.signature().addTo(Dict.builder()).build().map());
        }
        byte[] record = Bencode.encode(m);
        store.put(StoreKeys.of(StoreKeys.OBJECT, o.key()), record, o.expiresAtMillis());
        decoded.put(o.key(), new Decoded(record, o.expiresAtMillis(), o)); // not reached when the store refuses it
    }

    public boolean delete(NodeId key) {
        decoded.remove(key);
        return store.delete(StoreKeys.of(StoreKeys.OBJECT, key));
    }

    @SuppressWarnings("unchecked")
    private StoredObject decode(StoredRecord r) {
        Dict d = Dict.of((Map<String, Object>) Bencode.decode(r.value(), RECORD_LIMITS));
        ObjectMeta meta = new ObjectMeta(d.optionalInteger("timer", 0), d.optionalInteger("replicate", 1) == 1);
        return new StoredObject(StoreKeys.id(r.key()), d.bytes("code"), d.bytes("state"), meta,
                (int) d.optionalInteger("replicas", ObjectConfig.defaults().replicas()), r.expiresAtMillis(),
                ObjectSignature.from(d), d.optionalInteger("version", 0));
    }
}
