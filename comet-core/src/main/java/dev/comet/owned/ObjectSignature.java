package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import dev.comet.krpc.Dict;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The owner's signature of one version of a signed active object (docs/owned-objects.md): the owner's ed25519 public
 * key, the salt that, with it, names the object's key (SHA-1(public key ‖ salt), BEP 44's rule for mutable items),
 * the version's sequence number and the signature of {@link #signable}. An immutable value; the node checks it with
 * {@link #verify} before it stores the object or runs any of its handlers.
 */
public record ObjectSignature(byte[] publicKey, byte[] salt, long seq, List<byte[]> writers, byte[] signature) {
    /** What the signed dictionary says it is, so that no other signed message of an owner reads as an object version. */
    public static final String TYPE = "comet object";
    /** Most writers one version names: each is checked against every update, and the list travels with each re-store. */
    public static final int MAX_WRITERS = 16;

    public ObjectSignature {
        salt = salt == null ? new byte[0] : salt;
        writers = sorted(writers == null ? List.of() : writers);
    }

    /** A version that names no writer: only its owner may update it. */
    public ObjectSignature(byte[] publicKey, byte[] salt, long seq, byte[] signature) {
        this(publicKey, salt, seq, List.of(), signature);
    }

    /** The version {@code seq} of {@code code}, signed with {@code keys}: done by the owner's client, never by a node. */
    public static ObjectSignature sign(Ed25519.RawKeyPair keys, byte[] salt, long seq, byte[] code) {
        return sign(keys, salt, seq, List.of(), code);
    }

    /**
     * The version {@code seq} of {@code code} naming {@code writers} (ed25519 public keys that may update it besides
     * the owner), signed with {@code keys}. Changing the writers is signing a new version: the seq rule makes it
     * impossible to replay an old list.
     */
    public static ObjectSignature sign(Ed25519.RawKeyPair keys, byte[] salt, long seq, List<byte[]> writers, byte[] code) {
        byte[] s = salt == null ? new byte[0] : salt;
        if (seq < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "seq must not be negative, got " + seq);
        }
        if (s.length > Item.MAX_SALT_BYTES) {
            throw new CometException(ErrorCode.SALT_TOO_BIG, "salt too big: " + s.length + " bytes, limit " + Item.MAX_SALT_BYTES);
        }
        checkWriters(writers, ErrorCode.BAD_INPUT);
        List<byte[]> w = sorted(writers);
        return new ObjectSignature(keys.publicKey(), s, seq, w, Ed25519.sign(keys.seed(), signable(s, seq, w, code)));
    }

    /**
     * The signed bytes: the canonical bencoding of {@code {"code": code, "salt": salt, "seq": seq, "type":
     * "comet object"}} (keys sorted, the salt always present, empty when there is none). Bencoding makes every field's
     * length explicit, so no two versions share their bytes; it starts with {@code d}, where BEP 44's signed bytes
     * start with {@code 4:salt} or {@code 3:seq}, so an item's signature never verifies as an object's, nor the reverse.
     */
    public static byte[] signable(byte[] salt, long seq, byte[] code) {
        return signable(salt, seq, List.of(), code);
    }

    /**
     * The signed bytes of a version naming writers: as {@link #signable(byte[], long, byte[])} with a {@code writers}
     * entry, the keys in byte order, when there is at least one (so a version without writers signs the same bytes
     * as before writers existed).
     */
    public static byte[] signable(byte[] salt, long seq, List<byte[]> writers, byte[] code) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("code", code);
        m.put("salt", salt == null ? new byte[0] : salt);
        m.put("seq", seq);
        m.put("type", TYPE.getBytes(StandardCharsets.US_ASCII));
        if (!writers.isEmpty()) {
            m.put("writers", sorted(writers));
        }
        return Bencode.encode(m);
    }

    /** True when {@code key} may update objects of this version: the owner's key or a writer's. */
    public boolean mayWrite(byte[] key) {
        if (Arrays.equals(publicKey, key)) {
            return true;
        }
        for (byte[] w : writers) {
            if (Arrays.equals(w, key)) {
                return true;
            }
        }
        return false;
    }

    private static void checkWriters(List<byte[]> writers, ErrorCode error) {
        if (writers.size() > MAX_WRITERS) {
            throw new CometException(error, "a signed object names at most " + MAX_WRITERS + " writers, not "
                    + writers.size());
        }
        for (byte[] w : writers) {
            if (w == null || w.length != Ed25519.PUBLIC_KEY_BYTES) {
                throw new CometException(error, "a writer must be a 32-byte ed25519 public key");
            }
        }
    }

    private static List<byte[]> sorted(List<byte[]> keys) {
        List<byte[]> copy = new java.util.ArrayList<>(keys.size());
        for (byte[] k : keys) {
            copy.add(k.clone());
        }
        copy.sort(Arrays::compareUnsigned);
        return List.copyOf(copy);
    }

    /** The key this owner and salt name: SHA-1(public key ‖ salt). */
    public NodeId key() {
        return Item.mutableTarget(publicKey, salt);
    }

    /**
     * Checks that this signature makes {@code code} a valid version of the object under {@code key}: the salt's size,
     * the key (341 when it is not SHA-1(public key ‖ salt)), then the signature (206). The key is checked first
     * because it is cheap and says more.
     */
    public void verify(NodeId key, byte[] code) {
        if (salt.length > Item.MAX_SALT_BYTES) {
            throw new CometException(ErrorCode.SALT_TOO_BIG, "salt (salt field) too big: " + salt.length + " bytes, limit "
                    + Item.MAX_SALT_BYTES);
        }
        if (seq < 0) {
            throw new CometException(ErrorCode.PROTOCOL, "seq must not be negative");
        }
        NodeId named = key();
        if (!named.equals(key)) {
            throw new CometException(ErrorCode.KEY_NOT_OWNERS, "the key " + key.toHex()
                    + " is not SHA-1(public key ‖ salt) of this signed object, which is " + named.toHex());
        }
        checkWriters(writers, ErrorCode.PROTOCOL);
        if (!Ed25519.verify(publicKey, signable(salt, seq, writers, code), signature)) {
            throw new CometException(ErrorCode.INVALID_SIGNATURE, "invalid signature: the object's code and seq are "
                    + "not signed by its public key");
        }
    }

    /** True when {@code other} is signed by the same owner for the same key (public key and salt). */
    public boolean sameOwner(ObjectSignature other) {
        return other != null && Arrays.equals(publicKey, other.publicKey) && Arrays.equals(salt, other.salt);
    }

    /**
     * Adds this signature's fields ({@code pk}, {@code salt} when not empty, {@code seq}, {@code sig}, and {@code w},
     * the writers, when there are any) to {@code to}.
     */
    public Dict.Builder addTo(Dict.Builder to) {
        to.put("pk", publicKey).put("seq", seq).put("sig", signature);
        if (salt.length > 0) {
            to.put("salt", salt);
        }
        if (!writers.isEmpty()) {
            to.put("w", List.copyOf(writers));
        }
        return to;
    }

    /**
     * The signature a {@code comet_put} (or a stored record) carries, or null when it has no {@code pk}: an unsigned
     * object. Malformed fields are protocol errors (203); whether it verifies is {@link #verify}'s question.
     */
    public static ObjectSignature from(Dict fields) {
        if (!fields.has("pk")) {
            return null;
        }
        byte[] pk = fields.bytes("pk");
        if (pk.length != Ed25519.PUBLIC_KEY_BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "'pk' must be a 32-byte ed25519 public key");
        }
        byte[] salt = fields.has("salt") ? fields.bytes("salt") : new byte[0];
        List<byte[]> writers = new java.util.ArrayList<>();
        if (fields.has("w")) {
            List<?> w = fields.list("w");
            if (w.size() > MAX_WRITERS) {
                throw new CometException(ErrorCode.PROTOCOL, "'w' names more than " + MAX_WRITERS + " writers");
            }
            for (Object o : w) {
                if (!(o instanceof byte[] b) || b.length != Ed25519.PUBLIC_KEY_BYTES) {
                    throw new CometException(ErrorCode.PROTOCOL, "'w' must be a list of 32-byte ed25519 public keys");
                }
                writers.add(b);
            }
        }
        return new ObjectSignature(pk, salt, fields.integer("seq"), writers, fields.bytes("sig"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectSignature s && seq == s.seq && Arrays.equals(publicKey, s.publicKey)
                && Arrays.equals(salt, s.salt) && Arrays.equals(signature, s.signature)
                && Arrays.deepEquals(writers.toArray(), s.writers.toArray());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "ObjectSignature[pk=" + java.util.HexFormat.of().formatHex(publicKey) + ", seq=" + seq
                + (writers.isEmpty() ? "" : ", writers=" + writers.size()) + "]";
    }
}
