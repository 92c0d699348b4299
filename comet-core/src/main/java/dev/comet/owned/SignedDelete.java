package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import dev.comet.krpc.Dict;

import java.util.Arrays;

/**
 * What a signed object's tombstone carries so that any node can check it (docs/architecture.md, "Deletes"): the
 * owner's key and salt (which name the object's key), the seq of the version the delete removed, and the owner's
 * signed delete request. The request's signature proves the owner asked for the delete; the seq is the word of the
 * replica that took the delete, since the request does not name it. An immutable value.
 */
public record SignedDelete(byte[] publicKey, byte[] salt, long seq, OwnerRequest request) {
    public SignedDelete {
        salt = salt == null ? new byte[0] : salt;
    }

    /** The tombstone of {@code deleted} (the signature of the version held), removed by the owner's {@code request}. */
    public static SignedDelete of(ObjectSignature deleted, OwnerRequest request) {
        return new SignedDelete(deleted.publicKey(), deleted.salt(), deleted.seq(), request);
    }

    /**
     * Checks that this is a delete of the object under {@code key} by its owner: the key is SHA-1(public key ‖ salt)
     * (341), the request is a delete of that key signed by that key (345), and its signature verifies (206). The
     * request's window and nonce are not checked: they guard a command, and a tombstone is a record that replicas pass
     * on for as long as it lives.
     */
    public void verify(NodeId key) {
        if (publicKey.length != Ed25519.PUBLIC_KEY_BYTES || salt.length > Item.MAX_SALT_BYTES || seq < 0) {
            throw new CometException(ErrorCode.PROTOCOL, "a tombstone's pk, salt or seq is malformed");
        }
        if (!Item.mutableTarget(publicKey, salt).equals(key)) {
            throw new CometException(ErrorCode.KEY_NOT_OWNERS, "the tombstone's key " + key.toHex()
                    + " is not SHA-1(public key ‖ salt) of its owner");
        }
        if (!OwnerRequest.DELETE.equals(request.operation()) || !request.key().equals(key)
                || !request.signedBy(publicKey)) {
            throw new CometException(ErrorCode.REQUEST_NOT_OWNERS, "the tombstone's request is not its owner's delete "
                    + "of this key");
        }
        request.verifySignature();
    }

    /** True when {@code signature} is a version of the same owner's object (public key and salt). */
    public boolean sameOwner(ObjectSignature signature) {
        return signature != null && Arrays.equals(publicKey, signature.publicKey()) && Arrays.equals(salt, signature.salt());
    }

    /** Adds the fields: the request's ({@code pk}, {@code t}, {@code nonce}, {@code sig}), {@code salt}, {@code seq}. */
    public Dict.Builder addTo(Dict.Builder to) {
        request.addTo(to).put("seq", seq);
        if (salt.length > 0) {
            to.put("salt", salt);
        }
        return to;
    }

    /** The signed delete {@code fields} carry for {@code key}, or null when they carry none ({@code pk} absent). */
    public static SignedDelete from(Dict fields, NodeId key) {
        OwnerRequest request = OwnerRequest.from(fields, OwnerRequest.DELETE, key);
        if (request == null) {
            return null;
        }
        byte[] salt = fields.has("salt") ? fields.bytes("salt") : new byte[0];
        return new SignedDelete(request.signer(), salt, fields.integer("seq"), request);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedDelete d && seq == d.seq && Arrays.equals(publicKey, d.publicKey)
                && Arrays.equals(salt, d.salt) && request.equals(d.request);
    }

    @Override
    public int hashCode() {
        return request.hashCode();
    }
}
