package dev.comet.aso;

import dev.comet.bencode.Bencode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.storage.Store;
import dev.comet.storage.StoreKeys;
import dev.comet.storage.StoredRecord;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The versions of signed objects' values a node keeps (docs/owned-objects.md): under {@code 'V' + key + version}
 * (8 bytes, big-endian, so a scan lists them in order), a bencoded dictionary of the value's bytes, their SHA-256,
 * the key of the writer whose update made it and when it was applied. A version lives as long as its object. Used
 * only on its node's thread; owns nothing but the records it writes.
 */
public final class ObjectVersions {
    /** The namespace byte of version records. */
    public static final byte NAMESPACE = 'V';
    private static final BencodeLimits RECORD_LIMITS = new BencodeLimits(4, 1 << 20, 1 << 21, 32);

    private final Store store;

    /** One version of an object's value: its number, its bytes and their SHA-256, who wrote it and when. */
    public record Version(long number, byte[] value, byte[] hash, byte[] writer, long appliedAtMillis) {
        /** A version of {@code value}, its hash computed here. */
        public static Version of(long number, byte[] value, byte[] writer, long appliedAtMillis) {
            return new Version(number, value.clone(), sha256(value), writer.clone(), appliedAtMillis);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Version v && number == v.number && appliedAtMillis == v.appliedAtMillis
                    && Arrays.equals(value, v.value) && Arrays.equals(hash, v.hash) && Arrays.equals(writer, v.writer);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(number) * 31 + Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return "Version[" + number + ", " + value.length + " bytes, sha256 " + java.util.HexFormat.of().formatHex(hash)
                    + "]";
        }
    }

    public ObjectVersions(Store store) {
        this.store = store;
    }

    /** The SHA-256 of {@code bytes}: the name of a version's content. */
    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Stores {@code version} of the object under {@code key}, living until {@code expiresAtMillis}. */
    public void put(NodeId key, Version version, long expiresAtMillis) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("c", version.value());
        m.put("h", version.hash());
        m.put("t", version.appliedAtMillis());
        m.put("w", version.writer());
        store.put(recordKey(key, version.number()), Bencode.encode(m), expiresAtMillis);
    }

    public Optional<Version> get(NodeId key, long number, long now) {
        return store.get(recordKey(key, number), now).map(ObjectVersions::decode);
    }

    /** The kept version of the object under {@code key} whose content has SHA-256 {@code hash}, the newest if several. */
    public Optional<Version> byHash(NodeId key, byte[] hash, long now, int kept) {
        Version found = null;
        for (Version v : all(key, now, kept)) {
            if (Arrays.equals(v.hash(), hash)) {
                found = v;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The kept versions of the object under {@code key}, oldest first (at most {@code limit}). */
    public List<Version> all(NodeId key, long now, int limit) {
        List<Version> out = new ArrayList<>();
        for (StoredRecord r : store.scan(StoreKeys.of(NAMESPACE, key), now, limit)) {
            out.add(decode(r));
        }
        return out;
    }

    /** Removes the versions of {@code key} numbered {@code upTo} and below: those older than the kept ones. */
    public void dropUpTo(NodeId key, long upTo, long now, int limit) {
        for (StoredRecord r : store.scan(StoreKeys.of(NAMESPACE, key), now, limit)) {
            if (number(r.key()) <= upTo) {
                store.delete(r.key());
            }
        }
    }

    /** Removes every version of {@code key}: the object was deleted or replaced by a new signed version. */
    public void dropAll(NodeId key, long now, int limit) {
        dropUpTo(key, Long.MAX_VALUE, now, limit);
    }

    private static byte[] recordKey(NodeId key, long number) {
        return StoreKeys.of(NAMESPACE, key, ByteBuffer.allocate(Long.BYTES).putLong(number).array());
    }

    private static long number(byte[] recordKey) {
        return ByteBuffer.wrap(recordKey, 1 + NodeId.BYTES, Long.BYTES).getLong();
    }

    @SuppressWarnings("unchecked")
    private static Version decode(StoredRecord r) {
        Dict d = Dict.of((Map<String, Object>) Bencode.decode(r.value(), RECORD_LIMITS));
        return new Version(number(r.key()), d.bytes("c"), d.bytes("h"), d.bytes("w"), d.integer("t"));
    }
}
