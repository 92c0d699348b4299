package dev.comet.client;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A BEP 44 item to store: an immutable string value, or a mutable one signed by its owner (the signature is made
 * on the client: the private key never leaves it). Also the JSON body of {@code PUT /v1/items}.
 *
 * @param value      the string value (stored bencoded)
 * @param publicKey  a mutable item's ed25519 public key, 64 hex digits (null: immutable)
 * @param signature  its signature over (salt, seq, value), 128 hex digits
 * @param seq        its sequence number
 * @param salt       its salt, a string of up to 64 bytes (null: none)
 * @param ttlSeconds lifetime asked of the storing nodes (null: theirs, 2 h)
 */
public record ItemSpec(String value, String publicKey, String signature, Long seq, String salt, Long ttlSeconds) {
    private static final HexFormat HEX = HexFormat.of();

    /** An immutable item holding {@code value}. */
    public static ItemSpec immutable(String value) {
        return new ItemSpec(value, null, null, null, null, null);
    }

    /** A mutable item holding {@code value}, signed here with {@code keys}. */
    public static ItemSpec signed(Ed25519.RawKeyPair keys, String salt, long seq, String value) {
        Item item = Item.signed(keys, salt == null ? null : salt.getBytes(StandardCharsets.UTF_8), seq, Bencode.encode(value));
        return new ItemSpec(value, HEX.formatHex(item.publicKey()), HEX.formatHex(item.signature()), seq, salt, null);
    }

    /** This spec with a lifetime of {@code seconds} asked of the storing nodes. */
    public ItemSpec withTtlSeconds(long seconds) {
        return new ItemSpec(value, publicKey, signature, seq, salt, seconds);
    }

    /** The item this spec describes, validated (size, salt, signature); {@link CometClientException} otherwise. */
    public Item toItem() {
        if (value == null) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "an item needs a value");
        }
        byte[] bencoded = Bencode.encode(value);
        Item item;
        if (publicKey == null) {
            if (signature != null || seq != null || salt != null) {
                throw new CometClientException(ErrorCode.BAD_INPUT, "signature, seq and salt need a publicKey (mutable item)");
            }
            item = Item.immutable(bencoded);
        } else {
            if (signature == null || seq == null) {
                throw new CometClientException(ErrorCode.BAD_INPUT, "a mutable item needs publicKey, signature and seq");
            }
            if (seq < 0) {
                throw new CometClientException(ErrorCode.BAD_INPUT, "seq must not be negative, got " + seq);
            }
            item = new Item(bencoded, hex("publicKey", publicKey, Ed25519.PUBLIC_KEY_BYTES),
                    salt == null ? null : salt.getBytes(StandardCharsets.UTF_8), seq, hex("signature", signature, Ed25519.SIGNATURE_BYTES));
        }
        try {
            return item.validate();
        } catch (CometException e) {
            throw CometClientException.of(e);
        }
    }

    /** The lifetime in seconds, -1 for the nodes' default. */
    public long ttl() {
        if (ttlSeconds != null && ttlSeconds < 1) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "ttlSeconds must be at least 1, got " + ttlSeconds);
        }
        return ttlSeconds == null ? -1 : ttlSeconds;
    }

    /** {@code text} as {@code bytes} bytes of hex; {@link ErrorCode#BAD_INPUT} naming {@code field} otherwise. */
    static byte[] hex(String field, String text, int bytes) {
        try {
            byte[] out = HEX.parseHex(text);
            if (out.length == bytes) {
                return out;
            }
        } catch (IllegalArgumentException e) {
            // reported below with the field's name
        }
        throw new CometClientException(ErrorCode.BAD_INPUT, field + " must be " + (2 * bytes) + " hex digits");
    }
}
