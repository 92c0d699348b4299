package dev.comet.core;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.owned.ObjectSignature;

import java.util.Arrays;
import java.util.Optional;

/**
 * The rules of owned objects (docs/owned-objects.md) that decide, before any handler runs, whether a put may reach the
 * object held under its key: a signed object's signature must verify under its key, and a signed object held here is
 * replaced only by its owner's version with a higher {@code seq}. Stateless.
 */
final class Ownership {
    private Ownership() {
    }

    /**
     * Throws the refusal when {@code incoming}, put by a replica ({@code replica}) or a client, may not reach
     * {@code held}: an invalid signature (206), a key its owner does not name (341), an object signed by its owner
     * met by a put its owner did not sign (342), or a version not newer than the held one (340). A replica's re-store
     * of the held version itself (same seq, same code) may reach it: that is how replication keeps copies alive.
     */
    static void admit(StoredObject incoming, Optional<StoredObject> held, boolean replica) {
        // a verification costs about half a millisecond (JDK 17's ed25519); the version held here was verified when it
        // was stored, so the hourly re-stores of that same version by the other replicas are not verified again
        boolean verifiedBefore = held.isPresent() && incoming.signed() && incoming.signature().equals(held.get().signature())
                && Arrays.equals(incoming.code(), held.get().code());
        if (incoming.signed() && !verifiedBefore) {
            incoming.signature().verify(incoming.key(), incoming.code());
        }
        mayReplace(incoming, held, replica);
    }

    /**
     * {@link #admit}'s rules between an already verified {@code incoming} and {@code held}. Checked again just before
     * a put is stored, because another put of the same key may have been stored while its handlers ran.
     */
    static void mayReplace(StoredObject incoming, Optional<StoredObject> held, boolean replica) {
        ObjectSignature signature = incoming.signature();
        if (held.isEmpty() || !held.get().signed()) {
            return; // an unsigned object has no owner to protect: a signed one takes its key (see takesOver)
        }
        ObjectSignature current = held.get().signature();
        if (!current.sameOwner(signature)) {
            throw new CometException(ErrorCode.NOT_OWNER, signature == null
                    ? "the object under this key is signed by its owner; a put its owner did not sign cannot replace it"
                    : "the object under this key is signed by another owner");
        }
        if (signature.seq() < current.seq()) {
            throw new CometException(ErrorCode.SEQ_NOT_NEWER, "seq " + signature.seq() + " is lower than the stored seq "
                    + current.seq());
        }
        if (signature.seq() == current.seq() && !(replica && Arrays.equals(incoming.code(), held.get().code()))) {
            throw new CometException(ErrorCode.SEQ_NOT_NEWER, "seq " + signature.seq()
                    + " is the stored seq; a new version needs a higher one");
        }
    }

    /**
     * True when {@code incoming} replaces {@code held} without asking it: a signed object whose key an unsigned object
     * holds. The key names the owner (SHA-1 of their public key and salt), so an unsigned object can only be there on
     * purpose, and its onUpdate must not keep the owner out.
     */
    static boolean takesOver(StoredObject incoming, StoredObject held) {
        return incoming.signed() && !held.signed();
    }

    /** True when both are the same version: the same code and, for signed objects, the same seq. */
    static boolean sameVersion(StoredObject a, StoredObject b) {
        if (!Arrays.equals(a.code(), b.code()) || a.signed() != b.signed()) {
            return false;
        }
        return !a.signed() || a.signature().seq() == b.signature().seq();
    }
}
