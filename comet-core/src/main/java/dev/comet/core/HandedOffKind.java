package dev.comet.core;

/**
 * A {@link ReplicatedKind} whose holders hand a record over and drop their copy once they are no longer among its
 * closest nodes (replica hygiene, docs/architecture.md): active objects and their tombstones.
 *
 * @param <R> the record type
 */
interface HandedOffKind<R> extends ReplicatedKind<R> {
    /** Drops this node's copy of {@code record}, which the closest nodes now hold. */
    void drop(R record);
}
