package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;

import java.util.List;

/**
 * One kind of record the node replicates (BEP 44 items, active objects), as {@link Replication} sees it: which
 * records are held, how many replicas each wants and among which nodes, and how to store one on another node.
 *
 * @param <R> the record type
 */
interface ReplicatedKind<R> {
    /** Up to {@code limit} records held here now. */
    List<R> held(long now, int limit);

    NodeId key(R record);

    long expiresAtMillis(R record);

    /** False for a record that replicates itself (an object with {@code aso.defaultReplication = false}). */
    boolean leftToTheNode(R record);

    /** How many of the closest nodes should hold {@code record}. */
    int replicas(R record);

    /** True when replicas live on Comet nodes only (objects need a Comet node to run them). */
    boolean cometOnly();

    /** The query that stores a record: {@code put} or {@code comet_put}. */
    String storeMethod();

    /** The arguments of {@link #storeMethod()} storing {@code record} for {@code ttlSeconds} with {@code token}. */
    Dict storeArgs(R record, byte[] token, long ttlSeconds);

    /** The record under {@code key} as held now, or null when it is gone (deleted, expired). */
    R current(NodeId key, long now);

    /** Counts one replica store sent, for the kind's own statistics. */
    default void storeSent() {
    }
}
