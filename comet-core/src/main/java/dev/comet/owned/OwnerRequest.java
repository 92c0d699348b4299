package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * A request about one owned object (delete it, read its state and log) signed by the key it names, for one operation
 * on one object at one time (docs/owned-objects.md): the operation, the object's key, the signer's ed25519 public key,
 * the time in milliseconds since the epoch, a nonce and the signature of {@link #signable}. An immutable value; a
 * node checks the window, the signer and the nonce ({@code dev.comet.core.OwnerRequests}) and the signature
 * ({@link #verifySignature}). The signer is named, not implied, so that a writer's key can be accepted later.
 */
public record OwnerRequest(String operation, NodeId key, byte[] signer, long timeMillis, byte[] nonce, byte[] signature,
                           byte[] body) {
    /** What the signed dictionary says it is: never an object version ({@code comet object}) nor a BEP 44 item. */
    public static final String TYPE = "comet request";
    /** Deleting the object ({@code comet_delete}). */
    public static final String DELETE = "delete";
    /** Reading the object's state and its log (the node's report of its replica). */
    public static final String STATE = "state";
    /** A guarded update of the object's value: its body is the update program ({@link UpdateProgram#encode}). */
    public static final String UPDATE = "update";
    /** A nonce's size bounds: long enough that a client's random ones never repeat, short enough to remember many. */
    public static final int MIN_NONCE_BYTES = 8;
    public static final int MAX_NONCE_BYTES = 32;

    /** A request without a body: a delete or a state read. */
    public OwnerRequest(String operation, NodeId key, byte[] signer, long timeMillis, byte[] nonce, byte[] signature) {
        this(operation, key, signer, timeMillis, nonce, signature, null);
    }

    public OwnerRequest {
        if (UPDATE.equals(operation) != (body != null)) {
            throw new CometException(ErrorCode.PROTOCOL, UPDATE.equals(operation)
                    ? "an update request carries its update ('u')" : "only an update request carries a body");
        }
        if (!DELETE.equals(operation) && !STATE.equals(operation) && !UPDATE.equals(operation)) {
            throw new CometException(ErrorCode.BAD_INPUT, "unknown request operation '" + operation + "'");
        }
        if (signer == null || signer.length != Ed25519.PUBLIC_KEY_BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "a request's signer ('pk') must be a 32-byte ed25519 public key");
        }
        if (nonce == null || nonce.length < MIN_NONCE_BYTES || nonce.length > MAX_NONCE_BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "a request's nonce must be " + MIN_NONCE_BYTES + " to "
                    + MAX_NONCE_BYTES + " bytes");
        }
        if (signature == null || signature.length != Ed25519.SIGNATURE_BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "a request's signature ('sig') must be 64 bytes");
        }
    }

    /** {@code operation} on the object under {@code key} at {@code timeMillis}, signed with {@code keys}: done by a client. */
    public static OwnerRequest sign(Ed25519.RawKeyPair keys, String operation, NodeId key, long timeMillis, byte[] nonce) {
        return sign(keys, operation, key, timeMillis, nonce, null);
    }

    /** As above, with a body (an update's program) that the signature covers too. */
    public static OwnerRequest sign(Ed25519.RawKeyPair keys, String operation, NodeId key, long timeMillis, byte[] nonce,
                                    byte[] body) {
        byte[] bytes = signable(operation, key, keys.publicKey(), timeMillis, nonce, body);
        return new OwnerRequest(operation, key, keys.publicKey(), timeMillis, nonce, Ed25519.sign(keys.seed(), bytes),
                body);
    }

    /**
     * The signed bytes: the canonical bencoding of {@code {"key": key, "nonce": nonce, "op": operation, "pk": signer,
     * "t": timeMillis, "type": "comet request"}}. Its own {@code type} keeps it apart from an object version's
     * signature ({@code comet object}); the operation and the key keep a signature for one operation or object from
     * serving for another; the time and nonce make each request once-only (the node's window and replay cache).
     */
    public static byte[] signable(String operation, NodeId key, byte[] signer, long timeMillis, byte[] nonce) {
        return signable(operation, key, signer, timeMillis, nonce, null);
    }

    /** The signed bytes of a request with a body: the dictionary above with {@code "u": body} when there is one. */
    public static byte[] signable(String operation, NodeId key, byte[] signer, long timeMillis, byte[] nonce, byte[] body) {
        TreeMap<String, Object> m = new TreeMap<>();
        if (body != null) {
            m.put("u", body);
        }
        m.put("key", key.toBytes());
        m.put("nonce", nonce);
        m.put("op", operation.getBytes(StandardCharsets.US_ASCII));
        m.put("pk", signer);
        m.put("t", timeMillis);
        m.put("type", TYPE.getBytes(StandardCharsets.US_ASCII));
        return Bencode.encode(m);
    }

    /** Throws {@link ErrorCode#INVALID_SIGNATURE} unless the signer signed this operation, key, time and nonce. */
    public void verifySignature() {
        if (!Ed25519.verify(signer, signable(operation, key, signer, timeMillis, nonce, body), signature)) {
            throw new CometException(ErrorCode.INVALID_SIGNATURE, "invalid signature: the request is not signed by its "
                    + "key for this operation, object, time and nonce");
        }
    }

    /** Adds the request's wire fields ({@code pk}, {@code t}, {@code nonce}, {@code sig}) to a query's arguments. */
    public Dict.Builder addTo(Dict.Builder to) {
        to.put("pk", signer).put("t", timeMillis).put("nonce", nonce).put("sig", signature);
        if (body != null) {
            to.put("u", body);
        }
        return to;
    }

    /**
     * The request a query about {@code key} carries for {@code operation}, or null when it carries none ({@code pk}
     * absent): an unsigned request. Malformed fields are protocol errors (203).
     */
    public static OwnerRequest from(Dict fields, String operation, NodeId key) {
        if (!fields.has("pk")) {
            return null;
        }
        return new OwnerRequest(operation, key, fields.bytes("pk"), fields.integer("t"), fields.bytes("nonce"),
                fields.bytes("sig"), UPDATE.equals(operation) ? fields.bytes("u") : null);
    }

    /** True when {@code publicKey} signed this request. */
    public boolean signedBy(byte[] publicKey) {
        return Arrays.equals(signer, publicKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OwnerRequest r && operation.equals(r.operation) && key.equals(r.key) && timeMillis == r.timeMillis
                && Arrays.equals(signer, r.signer) && Arrays.equals(nonce, r.nonce) && Arrays.equals(signature, r.signature)
                && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "OwnerRequest[" + operation + " " + key.toHex() + " by " + HexFormat.of().formatHex(signer) + " at "
                + timeMillis + "]";
    }
}
