package dev.comet.peers;

import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.storage.Store;
import dev.comet.storage.StoreKeys;
import dev.comet.storage.StoredRecord;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Peers announced with {@code announce_peer} (BEP 5), kept in the node's {@link Store} under
 * {@code 'P' + info hash + compact peer}, each expiring a fixed time after its last announcement. Bounded: per
 * info hash the oldest announcement is dropped for a new one; beyond that the store's quota refuses new
 * announcements ({@link dev.comet.storage.StoreFullException}). Used only on its node's thread.
 */
public final class PeerStore {
    private static final byte[] NO_VALUE = new byte[0];

    private final Store store;
    private final long ttlMillis;
    private final int maxPeersPerInfoHash;

    public PeerStore(Store store, long ttlMillis, int maxPeersPerInfoHash) {
        this.store = store;
        this.ttlMillis = ttlMillis;
        this.maxPeersPerInfoHash = maxPeersPerInfoHash;
    }

    /** Records an announcement of a peer (an IPv4 or IPv6 address: those compact peer info can hold). */
    public void announce(NodeId infoHash, InetSocketAddress peer, long now) {
        if (!CompactInfo.encodable(peer)) {
            return;
        }
        byte[] key = key(infoHash, peer);
        List<StoredRecord> current = store.scan(StoreKeys.of(StoreKeys.PEER, infoHash), now, Integer.MAX_VALUE);
        boolean known = current.stream().anyMatch(r -> java.util.Arrays.equals(r.key(), key));
        if (!known && current.size() >= maxPeersPerInfoHash) {
            StoredRecord oldest = current.stream().min(Comparator.comparingLong(StoredRecord::expiresAtMillis)).orElseThrow();
            store.delete(oldest.key());
        }
        store.put(key, NO_VALUE, now + ttlMillis);
    }

    /** The store key of {@code peer}'s announcement on {@code infoHash}: its compact peer info after the hash. */
    public static byte[] key(NodeId infoHash, InetSocketAddress peer) {
        return StoreKeys.of(StoreKeys.PEER, infoHash, CompactInfo.peer(peer));
    }

    /** Up to {@code max} live peers for {@code infoHash}, most recently announced first. */
    public List<InetSocketAddress> peers(NodeId infoHash, int max, long now) {
        List<StoredRecord> records = new ArrayList<>(store.scan(StoreKeys.of(StoreKeys.PEER, infoHash), now, Integer.MAX_VALUE));
        records.sort(Comparator.comparingLong(StoredRecord::expiresAtMillis).reversed());
        List<InetSocketAddress> out = new ArrayList<>(Math.min(max, records.size()));
        for (StoredRecord r : records) {
            if (out.size() >= max) {
                break;
            }
            byte[] compact = java.util.Arrays.copyOfRange(r.key(), 1 + NodeId.BYTES, r.key().length);
            out.add(CompactInfo.peer(compact));
        }
        return out;
    }
}
