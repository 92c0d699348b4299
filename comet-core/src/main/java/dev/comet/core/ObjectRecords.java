package dev.comet.core;

import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;

import java.util.List;

/**
 * Active objects as {@link Replication} sees them: kept on the Comet nodes closest to their key, each with its own
 * replica count, re-stored with the holder's state (a replica that already holds one keeps its own), unless the
 * object replicates itself; a holder that is no longer among the closest drops its copy once they hold it. Owns the
 * count of replica stores sent and of copies dropped.
 */
final class ObjectRecords implements HandedOffKind<StoredObject> {
    private final NodeId self;
    private final ObjectStorage objects;
    private final ObjectLifecycle lifecycle;
    private long storesSent;
    private long dropped;

    ObjectRecords(NodeId self, ObjectStorage objects, ObjectLifecycle lifecycle) {
        this.self = self;
        this.objects = objects;
        this.lifecycle = lifecycle;
    }

    @Override
    public List<StoredObject> held(long now, int limit) {
        return objects.all(now, limit);
    }

    @Override
    public NodeId key(StoredObject record) {
        return record.key();
    }

    @Override
    public long expiresAtMillis(StoredObject record) {
        return record.expiresAtMillis();
    }

    @Override
    public boolean leftToTheNode(StoredObject record) {
        return record.meta().replicate();
    }

    @Override
    public int replicas(StoredObject record) {
        return record.replicas();
    }

    @Override
    public boolean cometOnly() {
        return true;
    }

    @Override
    public String storeMethod() {
        return "comet_put";
    }

    @Override
    public Dict storeArgs(StoredObject record, byte[] token, long ttlSeconds) {
        return CometPut.args(self, record.key(), token, record.code(), record.state(), true, ttlSeconds,
                record.replicas(), null, record.signature(), record.version());
    }

    @Override
    public StoredObject current(NodeId key, long now) {
        return objects.get(key, now).orElse(null);
    }

    @Override
    public void drop(StoredObject record) {
        dropped++;
        lifecycle.drop(record.key());
    }

    @Override
    public void storeSent() {
        storesSent++;
    }

    long storesSent() {
        return storesSent;
    }

    long dropped() {
        return dropped;
    }
}
