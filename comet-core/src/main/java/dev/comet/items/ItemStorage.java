package dev.comet.items;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.storage.Store;
import dev.comet.storage.StoreKeys;
import dev.comet.storage.StoredRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The storing side of BEP 44 on top of a node's {@link Store}: accepts a put when its limits, signature, sequence
 * number and {@code cas} allow it, and reads items back. Each item lives under {@code 'I' + target}, encoded as a
 * bencoded dictionary (v, and for mutable items k, salt, seq, sig). Used only on its node's thread.
 */
public final class ItemStorage {
    private final Store store;

    /** An item and the wall-clock time it expires. */
    public record StoredItem(Item item, long expiresAtMillis) {
    }

    public ItemStorage(Store store) {
        this.store = store;
    }

    /**
     * Stores {@code item} (already built from a put's arguments) if BEP 44's rules allow; {@code cas} is the
     * expected current sequence number or null. Throws the BEP 44 error otherwise, or
     * {@link dev.comet.storage.StoreFullException} when the store's quota is used up.
     */
    public void put(Item item, Long cas, long now, long expiresAtMillis) {
        item.validate();
        NodeId target = item.target();
        Optional<Item> current = get(target, now);
        if (item.isMutable() && current.isPresent() && current.get().isMutable()) {
            Item old = current.get();
            if (cas != null && cas != old.seq()) {
                throw new CometException(ErrorCode.CAS_MISMATCH, "CAS mismatch: stored seq is " + old.seq() + ", cas was " + cas);
            }
            if (item.seq() < old.seq()) {
                throw new CometException(ErrorCode.SEQ_TOO_LOW, "sequence number less than current (" + old.seq() + ")");
            }
            if (item.seq() == old.seq() && !Arrays.equals(item.value(), old.value())) {
                throw new CometException(ErrorCode.SEQ_TOO_LOW, "sequence number equal to current with another value");
            }
        }
        store.put(StoreKeys.of(StoreKeys.ITEM, target), encode(item), expiresAtMillis);
    }

    public Optional<Item> get(NodeId target, long now) {
        return store.get(StoreKeys.of(StoreKeys.ITEM, target), now).map(r -> decode(r.value()));
    }

    /** The item under {@code target} with its expiry, if one is stored and live. */
    public Optional<StoredItem> stored(NodeId target, long now) {
        return store.get(StoreKeys.of(StoreKeys.ITEM, target), now)
                .map(r -> new StoredItem(decode(r.value()), r.expiresAtMillis()));
    }

    /** Live items with their expiry, for republishing. */
    public List<StoredItem> all(long now, int limit) {
        List<StoredItem> out = new ArrayList<>();
        for (StoredRecord r : store.scan(new byte[] {StoreKeys.ITEM}, now, limit)) {
            out.add(new StoredItem(decode(r.value()), r.expiresAtMillis()));
        }
        return out;
    }

    /** An item as the fields of a put query or get response ({@code v}, {@code k}, {@code salt}, {@code seq}, {@code sig}). */
    public static Map<String, Object> fields(Item item) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("v", Bencode.decode(item.value()));
        if (item.isMutable()) {
            m.put("k", item.publicKey());
            if (item.salt().length > 0) {
                m.put("salt", item.salt());
            }
            m.put("seq", item.seq());
            m.put("sig", item.signature());
        }
        return m;
    }

    /**
     * The item carried in {@code fields} (a put's arguments or a get's response), not yet validated; {@code salt}
     * is the salt the reader expects, used when a get response leaves it out (BEP 44 get responses carry none).
     */
    public static Item fromFields(Dict fields, byte[] expectedSalt) {
        if (!fields.has("v")) {
            throw new CometException(ErrorCode.PROTOCOL, "'v' is missing");
        }
        byte[] value = Bencode.encode(fields.map().get("v"));
        if (!fields.has("k")) {
            return Item.immutable(value);
        }
        byte[] k = fields.bytes("k");
        if (k.length != Ed25519.PUBLIC_KEY_BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "'k' must be a 32-byte ed25519 public key");
        }
        byte[] salt = fields.has("salt") ? fields.bytes("salt") : expectedSalt;
        return new Item(value, k, salt, fields.integer("seq"), fields.bytes("sig"));
    }

    private static byte[] encode(Item item) {
        return Bencode.encode(fields(item));
    }

    @SuppressWarnings("unchecked")
    private static Item decode(byte[] record) {
        return fromFields(Dict.of((Map<String, Object>) Bencode.decode(record)), null);
    }
}
