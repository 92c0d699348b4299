package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.NodeOperations;
import dev.comet.client.SignedObjectSpec;
import dev.comet.client.SignedRequest;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;

import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A key file that signs requests here, and the object they are about: its owner's public key (the key file's own, or
 * another's when the key file is a writer's) and its salt. An immutable value.
 */
record OwnerKey(Ed25519.RawKeyPair keys, String ownerHex, String salt) {
    /**
     * The key in {@code keyFile} for the object under {@code salt} owned by {@code ownerHex} (null: the key file's own
     * public key); BAD_INPUT when there is no salt or the owner's key is not 64 hex digits.
     */
    static OwnerKey of(Path keyFile, String salt, String ownerHex) {
        if (salt == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "give --salt S: the salt names the object among its owner's");
        }
        Ed25519.RawKeyPair keys = KeyFile.read(keyFile);
        String owner = ownerHex != null ? HexFormat.of().formatHex(SignedObjectSpec.publicKeyOf(ownerHex))
                : HexFormat.of().formatHex(keys.publicKey());
        OwnerKey key = new OwnerKey(keys, owner, salt);
        key.key(); // a salt too long fails here, before joining
        return key;
    }

    /** The owner's public key, 64 hex digits. */
    String publicKeyHex() {
        return ownerHex;
    }

    /** SHA-1(public key ‖ salt): the object's key. */
    NodeId key() {
        return NodeOperations.signedKey(publicKeyHex(), salt);
    }

    /** A request for {@code operation} on the object, signed here now with a fresh nonce. */
    SignedRequest sign(String operation) {
        return SignedRequest.sign(keys, operation, key());
    }
}
