package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.items.ItemStorage;
import dev.comet.items.ItemStorage.StoredItem;
import dev.comet.krpc.Dict;

import java.util.List;

/**
 * BEP 44 items as {@link Replication} sees them: kept on the K closest nodes of any implementation, re-stored as
 * they are with the lifetime they have left. Stateless.
 */
final class ItemRecords implements ReplicatedKind<StoredItem> {
    private final NodeConfig config;
    private final ItemStorage items;
    private final ItemService service;

    ItemRecords(NodeConfig config, ItemStorage items, ItemService service) {
        this.config = config;
        this.items = items;
        this.service = service;
    }

    @Override
    public List<StoredItem> held(long now, int limit) {
        return items.all(now, limit);
    }

    @Override
    public NodeId key(StoredItem record) {
        return record.item().target();
    }

    @Override
    public long expiresAtMillis(StoredItem record) {
        return record.expiresAtMillis();
    }

    @Override
    public boolean leftToTheNode(StoredItem record) {
        return true;
    }

    @Override
    public int replicas(StoredItem record) {
        return config.k();
    }

    @Override
    public boolean cometOnly() {
        return false;
    }

    @Override
    public String storeMethod() {
        return "put";
    }

    @Override
    public Dict storeArgs(StoredItem record, byte[] token, long ttlSeconds) {
        return service.storeArgs(record.item(), token, ttlSeconds);
    }

    @Override
    public StoredItem current(NodeId key, long now) {
        return items.stored(key, now).orElse(null);
    }
}
