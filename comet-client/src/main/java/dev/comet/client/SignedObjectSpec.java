package dev.comet.client;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.items.Ed25519;
import dev.comet.owned.ObjectSignature;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * A signed object to store (docs/owned-objects.md): its whole code (the Lua source, a given value and timer included,
 * exactly the bytes signed) and its owner's signature. It is signed on the client, so the private key never leaves it;
 * every node checks it again. Also the JSON body of {@code PUT /v1/signed-objects}.
 *
 * @param code       the object's Lua source, as signed (UTF-8)
 * @param publicKey  the owner's ed25519 public key, 64 hex digits
 * @param salt       the salt, a string of up to 64 bytes (null: none); the key is SHA-1(public key ‖ salt)
 * @param seq        the version's sequence number: a stored version is replaced only by a higher one
 * @param signature  the owner's signature of (code, salt, seq), 128 hex digits
 * @param replicas   how many of the closest nodes store it (null: 8)
 * @param ttlSeconds lifetime in seconds (null: the nodes' default, 2 h)
 * @param writers    public keys (64 hex digits each) that may update, delete and read the object besides its owner,
 *                   signed with the version (null or empty: none)
 */
public record SignedObjectSpec(String code, String publicKey, String salt, Long seq, String signature, Integer replicas,
                               Long ttlSeconds, List<String> writers) {
    private static final HexFormat HEX = HexFormat.of();

    /** A signed object that names no writer. */
    public SignedObjectSpec(String code, String publicKey, String salt, Long seq, String signature, Integer replicas,
                            Long ttlSeconds) {
        this(code, publicKey, salt, seq, signature, replicas, ttlSeconds, null);
    }

    /**
     * {@code spec} (value, code, timer, replicas, lifetime) as version {@code seq} of the object {@code keys} owns
     * under {@code salt}, signed here.
     */
    public static SignedObjectSpec signed(Ed25519.RawKeyPair keys, String salt, long seq, ObjectSpec spec) {
        return signed(keys, salt, seq, List.of(), spec);
    }

    /**
     * As {@link #signed(Ed25519.RawKeyPair, String, long, ObjectSpec)}, naming {@code writers} (public keys, 64 hex
     * digits each): they may update, delete and read the object too. Naming other writers is signing a new version.
     */
    public static SignedObjectSpec signed(Ed25519.RawKeyPair keys, String salt, long seq, List<String> writers,
                                          ObjectSpec spec) {
        spec.validate();
        byte[] code = ObjectSource.of(spec);
        ObjectSignature signature;
        try {
            signature = ObjectSignature.sign(keys, saltBytes(salt), seq, writerKeys(writers), code);
        } catch (CometException e) {
            throw CometClientException.of(e);
        }
        return new SignedObjectSpec(new String(code, StandardCharsets.UTF_8), HEX.formatHex(keys.publicKey()), salt, seq,
                HEX.formatHex(signature.signature()), spec.replicas(), spec.ttlSeconds(),
                writers.isEmpty() ? null : List.copyOf(writers));
    }

    /** Writers' public keys from their hex forms; {@link ErrorCode#BAD_INPUT} for one that is not 64 hex digits. */
    static List<byte[]> writerKeys(List<String> writers) {
        List<byte[]> keys = new java.util.ArrayList<>();
        if (writers != null) {
            for (String w : writers) {
                keys.add(ItemSpec.hex("writer", w == null ? "" : w, Ed25519.PUBLIC_KEY_BYTES));
            }
        }
        return keys;
    }

    /** The code's bytes, as signed. */
    public byte[] codeBytes() {
        if (code == null || code.isEmpty()) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "a signed object needs its code");
        }
        return code.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The owner's signature, checked here as every node will check it (the key it names, the signature): bad fields
     * are {@link ErrorCode#BAD_INPUT}, a signature that does not verify {@link ErrorCode#INVALID_SIGNATURE}.
     */
    public ObjectSignature toSignature() {
        if (publicKey == null || signature == null || seq == null) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "a signed object needs publicKey, seq and signature");
        }
        if (seq < 0) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "seq must not be negative, got " + seq);
        }
        if (replicas != null && (replicas < 1 || replicas > ObjectSpec.MAX_REPLICAS)) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "replicas must be 1 to " + ObjectSpec.MAX_REPLICAS
                    + ", got " + replicas);
        }
        if (writers != null && writers.size() > ObjectSignature.MAX_WRITERS) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "a signed object names at most "
                    + ObjectSignature.MAX_WRITERS + " writers, not " + writers.size());
        }
        ObjectSignature s = new ObjectSignature(ItemSpec.hex("publicKey", publicKey, Ed25519.PUBLIC_KEY_BYTES),
                saltBytes(salt), seq, writerKeys(writers), ItemSpec.hex("signature", signature, Ed25519.SIGNATURE_BYTES));
        try {
            s.verify(s.key(), codeBytes());
        } catch (CometException e) {
            throw CometClientException.of(e);
        }
        return s;
    }

    /** The replicas to ask for. */
    public int replicaCount() {
        return replicas == null ? ObjectSpec.DEFAULT_REPLICAS : replicas;
    }

    /** The lifetime in seconds, -1 for the nodes' default. */
    public long ttl() {
        if (ttlSeconds != null && ttlSeconds < 1) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "ttlSeconds must be at least 1, got " + ttlSeconds);
        }
        return ttlSeconds == null ? -1 : ttlSeconds;
    }

    /** An owner's public key from its 64 hex digits; {@link ErrorCode#BAD_INPUT} otherwise. */
    public static byte[] publicKeyOf(String hex) {
        return ItemSpec.hex("publicKey", hex == null ? "" : hex, Ed25519.PUBLIC_KEY_BYTES);
    }

    /** A salt as bytes: its UTF-8 encoding, or none. */
    static byte[] saltBytes(String salt) {
        return salt == null ? new byte[0] : salt.getBytes(StandardCharsets.UTF_8);
    }
}
