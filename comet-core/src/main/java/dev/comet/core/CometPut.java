package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.owned.ObjectSignature;

/**
 * The arguments of a {@code comet_put} (docs/protocol.md), written in one place for the three senders: a client's
 * put, a replica's re-store and a handler's {@code comet.put}.
 */
final class CometPut {
    private CometPut() {
    }

    /**
     * A put of {@code code} under {@code key} with {@code token}. A {@code replica} put carries the sender's
     * {@code state}; {@code ttlSeconds} of -1 leaves the lifetime to the receiver; {@code sender} (or null) marks a
     * put a handler of that object asked for.
     */
    static Dict args(NodeId self, NodeId key, byte[] token, byte[] code, byte[] state, boolean replica, long ttlSeconds,
                     int replicas, NodeId sender) {
        return args(self, key, token, code, state, replica, ttlSeconds, replicas, sender, null);
    }

    /**
     * As above, for a signed object: {@code signature} (or null for an unsigned one) travels with every put of it, a
     * replica's re-store included, so that every node that takes it checks it.
     */
    static Dict args(NodeId self, NodeId key, byte[] token, byte[] code, byte[] state, boolean replica, long ttlSeconds,
                     int replicas, NodeId sender, ObjectSignature signature) {
        return args(self, key, token, code, state, replica, ttlSeconds, replicas, sender, signature, 0);
    }

    /**
     * As above, from a replica that holds {@code version} of a signed object's value (its state holds that value): the
     * receiver takes the number with the state, so a copy made by store-on-join does not restart the count.
     */
    static Dict args(NodeId self, NodeId key, byte[] token, byte[] code, byte[] state, boolean replica, long ttlSeconds,
                     int replicas, NodeId sender, ObjectSignature signature, long version) {
        Dict.Builder args = Dict.builder().put("id", self).put("k", key).put("token", token).put("code", code)
                .put("n", (long) replicas);
        if (ttlSeconds >= 0) {
            args.put("ttl", ttlSeconds);
        }
        if (replica) {
            args.put("replica", 1L);
            if (state != null) {
                args.put("state", state);
            }
            if (version > 0) {
                args.put("ver", version);
            }
        }
        if (sender != null) {
            args.put("aso", sender);
        }
        if (signature != null) {
            signature.addTo(args);
        }
        return args.build();
    }
}
