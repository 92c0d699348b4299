package dev.comet.peers;

import dev.comet.id.NodeId;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Peers announced with {@code announce_peer} (BEP 5), per info hash, each expiring a fixed time after its last
 * announcement. Bounded: per info hash the oldest announcement is dropped for a new one; when the number of info
 * hashes is at its limit, announces for new ones are refused. Owned by its node.
 */
public final class PeerStore {
    private final long ttlMillis;
    private final int maxPeersPerInfoHash;
    private final int maxInfoHashes;
    // insertion order = announcement order, so the first entry is the oldest
    private final Map<NodeId, LinkedHashMap<InetSocketAddress, Long>> peers = new HashMap<>();

    public PeerStore(long ttlMillis, int maxPeersPerInfoHash, int maxInfoHashes) {
        this.ttlMillis = ttlMillis;
        this.maxPeersPerInfoHash = maxPeersPerInfoHash;
        this.maxInfoHashes = maxInfoHashes;
    }

    /** Records an announcement; false when the store is full of other info hashes. */
    public boolean announce(NodeId infoHash, InetSocketAddress peer, long now) {
        LinkedHashMap<InetSocketAddress, Long> forHash = peers.get(infoHash);
        if (forHash == null) {
            if (peers.size() >= maxInfoHashes) {
                return false;
            }
            forHash = new LinkedHashMap<>();
            peers.put(infoHash, forHash);
        }
        forHash.remove(peer);
        forHash.put(peer, now + ttlMillis);
        if (forHash.size() > maxPeersPerInfoHash) {
            Iterator<InetSocketAddress> oldest = forHash.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /** Up to {@code max} live peers for {@code infoHash}, most recently announced first. */
    public List<InetSocketAddress> peers(NodeId infoHash, int max, long now) {
        LinkedHashMap<InetSocketAddress, Long> forHash = peers.get(infoHash);
        if (forHash == null) {
            return List.of();
        }
        List<InetSocketAddress> live = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Long> e : forHash.entrySet()) {
            if (e.getValue() > now) {
                live.add(e.getKey());
            }
        }
        java.util.Collections.reverse(live);
        return live.size() > max ? List.copyOf(live.subList(0, max)) : live;
    }

    /** Drops expired announcements and empty info hashes. */
    public void expire(long now) {
        for (Iterator<LinkedHashMap<InetSocketAddress, Long>> it = peers.values().iterator(); it.hasNext(); ) {
            LinkedHashMap<InetSocketAddress, Long> forHash = it.next();
            forHash.values().removeIf(expiry -> expiry <= now);
            if (forHash.isEmpty()) {
                it.remove();
            }
        }
    }

    public int infoHashCount() {
        return peers.size();
    }
}
