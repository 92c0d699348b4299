package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.NodeOperations;
import dev.comet.client.SignedRequest;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;

import java.nio.file.Path;
import java.util.HexFormat;

/** An owner's key file and the salt of one of their objects: what the CLI signs requests with, here. An immutable value. */
record OwnerKey(Ed25519.RawKeyPair keys, String salt) {
    /** The key in {@code keyFile} for the object under {@code salt} (BAD_INPUT when there is no salt). */
    static OwnerKey of(Path keyFile, String salt) {
        if (salt == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "give --salt S: the salt names the object among its owner's");
        }
        OwnerKey owner = new OwnerKey(KeyFile.read(keyFile), salt);
        owner.key(); // a salt too long fails here, before joining
        return owner;
    }

    String publicKeyHex() {
        return HexFormat.of().formatHex(keys.publicKey());
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
