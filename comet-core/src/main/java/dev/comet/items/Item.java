package dev.comet.items;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A BEP 44 item: an immutable value (its target is the SHA-1 of the bencoded value), or a mutable one signed by
 * an ed25519 key (target = SHA-1(public key ‖ salt)) with a sequence number. {@code value} is always the
 * bencoded form of {@code v}, the bytes that are hashed, signed and limited to 1,000.
 */
public record Item(byte[] value, byte[] publicKey, byte[] salt, long seq, byte[] signature) {
    /** Largest bencoded value BEP 44 allows (error 205 above it). */
    public static final int MAX_VALUE_BYTES = 1000;
    /** Largest salt BEP 44 allows (error 207 above it). */
    public static final int MAX_SALT_BYTES = 64;

    public Item {
        if (value == null || value.length == 0) {
            throw new CometException(ErrorCode.PROTOCOL, "an item needs a value");
        }
        salt = salt == null ? new byte[0] : salt;
    }

    public static Item immutable(byte[] bencodedValue) {
        return new Item(bencodedValue, null, null, 0, null);
    }

    /** A mutable item signed with {@code keys}. */
    public static Item signed(Ed25519.RawKeyPair keys, byte[] salt, long seq, byte[] bencodedValue) {
        byte[] s = salt == null ? new byte[0] : salt;
        byte[] signature = Ed25519.sign(keys.seed(), signable(s, seq, bencodedValue));
        return new Item(bencodedValue, keys.publicKey(), s, seq, signature);
    }

    public boolean isMutable() {
        return publicKey != null;
    }

    public NodeId target() {
        return isMutable() ? mutableTarget(publicKey, salt) : NodeId.sha1(value);
    }

    public static NodeId mutableTarget(byte[] publicKey, byte[] salt) {
        byte[] s = salt == null ? new byte[0] : salt;
        byte[] joined = Arrays.copyOf(publicKey, publicKey.length + s.length);
        System.arraycopy(s, 0, joined, publicKey.length, s.length);
        return NodeId.sha1(joined);
    }

    /** BEP 44's signed bytes: {@code 4:salt<len>:<salt>} (only for a non-empty salt), {@code 3:seqi<seq>e1:v<value>}. */
    public static byte[] signable(byte[] salt, long seq, byte[] bencodedValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bencodedValue.length + 96);
        if (salt != null && salt.length > 0) {
            out.writeBytes(("4:salt" + salt.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(salt);
        }
        out.writeBytes(("3:seqi" + seq + "e1:v").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bencodedValue);
        return out.toByteArray();
    }

    /**
     * Checks the limits and, for a mutable item, the signature; throws the BEP 44 error (205, 206, 207) otherwise.
     */
    public Item validate() {
        if (value.length > MAX_VALUE_BYTES) {
            throw new CometException(ErrorCode.ITEM_TOO_BIG, "message (v field) too big: " + value.length + " bytes bencoded, limit " + MAX_VALUE_BYTES);
        }
        Bencode.decode(value); // v must itself be one valid bencoded value
        if (isMutable()) {
            if (salt.length > MAX_SALT_BYTES) {
                throw new CometException(ErrorCode.SALT_TOO_BIG, "salt (salt field) too big: " + salt.length + " bytes, limit " + MAX_SALT_BYTES);
            }
            if (seq < 0) {
                throw new CometException(ErrorCode.PROTOCOL, "seq must not be negative");
            }
            if (!Ed25519.verify(publicKey, signable(salt, seq, value), signature)) {
                throw new CometException(ErrorCode.INVALID_SIGNATURE, "invalid signature");
            }
        }
        return this;
    }
}
