package dev.comet.core;

import dev.comet.aso.TombstoneStorage.Tombstone;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;

import java.util.List;

/**
 * Tombstones of deleted objects as {@link Replication} sees them: they replicate like the objects they deleted (on
 * the same Comet nodes, with the same replica count, by republish and store-on-join, with the lifetime they have
 * left), as a {@code comet_delete} marked {@code replica}, and far holders drop them as they drop objects. Stateless.
 */
final class TombstoneRecords implements HandedOffKind<Tombstone> {
    private final NodeId self;
    private final Tombstones tombstones;

    TombstoneRecords(NodeId self, Tombstones tombstones) {
        this.self = self;
        this.tombstones = tombstones;
    }

    @Override
    public List<Tombstone> held(long now, int limit) {
        return tombstones.storage().all(now, limit);
    }

    @Override
    public NodeId key(Tombstone record) {
        return record.key();
    }

    @Override
    public long expiresAtMillis(Tombstone record) {
        return record.expiresAtMillis();
    }

    @Override
    public boolean leftToTheNode(Tombstone record) {
        return true;
    }

    @Override
    public int replicas(Tombstone record) {
        return record.replicas();
    }

    @Override
    public boolean cometOnly() {
        return true;
    }

    @Override
    public String storeMethod() {
        return "comet_delete";
    }

    @Override
    public Dict storeArgs(Tombstone record, byte[] token, long ttlSeconds) {
        return Tombstones.args(self, record, token, ttlSeconds);
    }

    @Override
    public Tombstone current(NodeId key, long now) {
        return tombstones.storage().get(key, now).orElse(null);
    }

    @Override
    public void drop(Tombstone record) {
        tombstones.forget(record.key());
    }
}
