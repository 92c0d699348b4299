package dev.comet.storage;

import dev.comet.id.NodeId;

/** The namespaces of store keys: one leading byte, then the owner's own key bytes. */
public final class StoreKeys {
    /** BEP 44 items: 'I' + 20-byte target. */
    public static final byte ITEM = 'I';
    /** Active objects: 'A' + 20-byte key; the value holds code and state. */
    public static final byte OBJECT = 'A';
    /** Tombstones of deleted active objects: 'D' + 20-byte key; the value says which version was deleted. */
    public static final byte TOMBSTONE = 'D';
    /** Peers announced with announce_peer: 'P' + 20-byte info hash + 6-byte compact peer. */
    public static final byte PEER = 'P';

    private StoreKeys() {
    }

    public static byte[] of(byte namespace, NodeId id, byte[] suffix) {
        byte[] key = new byte[1 + NodeId.BYTES + suffix.length];
        key[0] = namespace;
        id.writeTo(key, 1);
        System.arraycopy(suffix, 0, key, 1 + NodeId.BYTES, suffix.length);
        return key;
    }

    public static byte[] of(byte namespace, NodeId id) {
        return of(namespace, id, new byte[0]);
    }

    /** The id stored after the namespace byte of {@code key}. */
    public static NodeId id(byte[] key) {
        return NodeId.fromBytes(key, 1);
    }
}
