package dev.comet.core;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.aso.TombstoneStorage;
import dev.comet.aso.TombstoneStorage.Tombstone;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.SignedDelete;

import java.util.Optional;

/**
 * The deletes this node remembers (docs/architecture.md, "Deletes that stick"): a delete leaves a tombstone that
 * lives at least as long as the deleted object could have, replicates like it, and refuses the copies of the deleted
 * version that other replicas still re-store. For a signed object the tombstone names the deleted seq and a higher
 * seq supersedes it; an unsigned object has no version, so a client's put supersedes it and a replica's never does.
 * Owns the tombstone records in the store.
 */
final class Tombstones {
    private final Environment env;
    private final ObjectConfig settings;
    private final TombstoneStorage storage;

    Tombstones(Environment env, ObjectConfig settings) {
        this.env = env;
        this.settings = settings;
        this.storage = new TombstoneStorage(env.store());
    }

    Optional<Tombstone> get(NodeId key) {
        return storage.get(key, env.now());
    }

    TombstoneStorage storage() {
        return storage;
    }

    /**
     * The tombstone a delete of {@code held} leaves ({@code request}: the owner's, for a signed object): it lives as
     * long as the object had left, plus the margin that covers copies whose lifetime drifted a little later on their
     * way through other replicas.
     */
    Tombstone after(StoredObject held, OwnerRequest request) {
        long expiry = Math.max(held.expiresAtMillis(), env.now()) + settings.tombstoneMarginMillis();
        return new Tombstone(held.key(), held.replicas(), expiry,
                held.signed() ? SignedDelete.of(held.signature(), request) : null);
    }

    /**
     * The tombstone a client's delete leaves on a node that holds no such object (yet: a copy may be on its way): it
     * lives the default lifetime plus the margin, and the tombstones of the replicas that held the object, which
     * replicate to this node too, make it last as long as theirs.
     */
    Tombstone absent(NodeId key) {
        return new Tombstone(key, settings.replicas(), env.now() + settings.ttlMillis() + settings.tombstoneMarginMillis(),
                null);
    }

    /** The tombstone a replica sends ({@code comet_delete} with {@code replica} = 1), checked when it is signed. */
    Tombstone incoming(NodeId key, Dict args) {
        SignedDelete signed = SignedDelete.from(args, key);
        if (signed != null) {
            signed.verify(key);
        }
        int replicas = (int) Math.max(1, Math.min(ObjectConfig.MAX_REPLICAS, args.optionalInteger("n", settings.replicas())));
        long expiry = env.now() + Lifetimes.millis(args.optionalInteger("ttl", -1), settings.ttlMillis(),
                settings.maxTtlMillis() + settings.tombstoneMarginMillis());
        return new Tombstone(key, replicas, expiry, signed);
    }

    /**
     * Keeps {@code t}, merged with the tombstone held for its key: the later expiry, the larger replica count, and the
     * delete that covers more (a signed one over an unsigned one, the higher seq over a lower one).
     */
    void keep(Tombstone t) {
        Optional<Tombstone> held = get(t.key());
        if (held.isEmpty()) {
            storage.put(t);
            return;
        }
        Tombstone h = held.get();
        SignedDelete signed = covers(t.signed(), h.signed()) ? t.signed() : h.signed();
        storage.put(new Tombstone(t.key(), Math.max(t.replicas(), h.replicas()),
                Math.max(t.expiresAtMillis(), h.expiresAtMillis()), signed));
    }

    void forget(NodeId key) {
        storage.delete(key);
    }

    /**
     * Throws 354 unless {@code incoming}, put by a replica ({@code replica}) or a client, supersedes {@code t}: a
     * signed version supersedes its owner's tombstone when its seq is higher than the deleted one, and an unsigned
     * tombstone (a signed object takes its key from an unsigned one, as it does from an unsigned object); an unsigned
     * object supersedes an unsigned tombstone only when a client puts it, since a replica's copy may be the very copy
     * that was deleted.
     */
    static void admit(StoredObject incoming, Tombstone t, boolean replica) {
        SignedDelete deleted = t.signed();
        if (deleted == null) {
            if (incoming.signed() || !replica) {
                return;
            }
            throw new CometException(ErrorCode.OBJECT_DELETED, "the object under this key was deleted; a replica's "
                    + "copy does not bring it back (its writer may put it again)");
        }
        if (incoming.signed() && deleted.sameOwner(incoming.signature()) && incoming.signature().seq() > deleted.seq()) {
            return;
        }
        throw new CometException(ErrorCode.OBJECT_DELETED, "the signed object under this key was deleted at seq "
                + deleted.seq() + "; only its owner's version with a higher seq replaces the tombstone");
    }

    /**
     * True when tombstone {@code t}, sent by a replica, removes {@code held}: a signed object only by its owner's
     * delete of its seq or a later one, an unsigned object by any delete.
     */
    static boolean removes(Tombstone t, StoredObject held) {
        if (!held.signed()) {
            return true;
        }
        SignedDelete deleted = t.signed();
        return deleted != null && deleted.sameOwner(held.signature()) && deleted.seq() >= held.signature().seq();
    }

    /** True when delete {@code a} covers more than {@code b}: signed over unsigned, then the higher seq. */
    private static boolean covers(SignedDelete a, SignedDelete b) {
        return a != null && (b == null || a.seq() > b.seq());
    }

    /** The {@code comet_delete} a replica sends to pass on tombstone {@code t} with {@code token}, for {@code ttlSeconds}. */
    static Dict args(NodeId self, Tombstone t, byte[] token, long ttlSeconds) {
        return t.addTo(Dict.builder().put("id", self).put("k", t.key()).put("token", token).put("replica", 1L)
                .put("ttl", ttlSeconds)).build();
    }
}
