package dev.comet.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.id.NodeId;
import dev.comet.storage.InMemoryStore;
import dev.comet.storage.StoreFullException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Announced peers in the node's store: expiry, order, the per-hash cap and the store quota. */
class PeerStoreTest {

    private static final long TTL = 30 * 60_000L;
    private static final NodeId HASH = NodeId.ofKey("a");
    private static final NodeId HASH_2 = NodeId.ofKey("b");
    private static final NodeId HASH_3 = NodeId.ofKey("c");

    private static InetSocketAddress peer(int n) {
        return new InetSocketAddress("192.0.2." + n, 6881 + n);
    }

    private static PeerStore peers(int maxPerHash) {
        return new PeerStore(new InMemoryStore(1000, 1 << 20), TTL, maxPerHash);
    }

    @Test
    void peersExpireTtlAfterTheirLastAnnouncement() {
        PeerStore store = peers(100);
        store.announce(HASH, peer(1), 0);
        store.announce(HASH, peer(2), 1_000);
        assertThat(store.peers(HASH, 10, TTL - 1)).containsExactly(peer(2), peer(1));
        assertThat(store.peers(HASH, 10, TTL)).containsExactly(peer(2));
        assertThat(store.peers(HASH, 10, TTL + 1_000)).isEmpty();

        // announcing again extends the lifetime
        store.announce(HASH, peer(1), TTL / 2);
        assertThat(store.peers(HASH, 10, TTL + 1_000)).containsExactly(peer(1));
        assertThat(store.peers(HASH, 10, TTL / 2 + TTL)).isEmpty();
    }

    @Test
    void newestAnnouncementsComeFirst() {
        PeerStore store = peers(100);
        for (int i = 1; i <= 5; i++) {
            store.announce(HASH, peer(i), i);
        }
        assertThat(store.peers(HASH, 10, 10)).containsExactly(peer(5), peer(4), peer(3), peer(2), peer(1));
        assertThat(store.peers(HASH, 2, 10)).containsExactly(peer(5), peer(4));
        // a re-announced peer moves to the front, and is not listed twice
        store.announce(HASH, peer(2), 20);
        assertThat(store.peers(HASH, 10, 30)).containsExactly(peer(2), peer(5), peer(4), peer(3), peer(1));
        assertThat(store.peers(HASH_2, 10, 30)).isEmpty();
        assertThat(store.peers(HASH, 0, 30)).isEmpty();
    }

    @Test
    void thePerHashCapDropsTheOldestAnnouncement() {
        PeerStore store = peers(3);
        store.announce(HASH, peer(1), 1);
        store.announce(HASH, peer(2), 2);
        store.announce(HASH, peer(3), 3);
        store.announce(HASH, peer(1), 4); // peer 1 is now the newest; peer 2 the oldest
        store.announce(HASH, peer(4), 5);
        assertThat(store.peers(HASH, 10, 6)).containsExactly(peer(4), peer(1), peer(3));
        for (int i = 10; i < 20; i++) {
            store.announce(HASH, peer(i), i);
        }
        assertThat(store.peers(HASH, 10, 20)).containsExactly(peer(19), peer(18), peer(17));
        // other info hashes are not affected
        store.announce(HASH_2, peer(1), 21);
        assertThat(store.peers(HASH_2, 10, 22)).containsExactly(peer(1));
        assertThat(store.peers(HASH, 10, 22)).hasSize(3);
    }

    @Test
    void aFullStoreRefusesNewAnnouncementsAndKeepsTheOldOnes() {
        InMemoryStore backing = new InMemoryStore(2, 1 << 20);
        PeerStore store = new PeerStore(backing, TTL, 10);
        store.announce(HASH, peer(1), 0);
        store.announce(HASH_2, peer(1), 0);
        assertThatThrownBy(() -> store.announce(HASH_3, peer(1), 0)).isInstanceOf(StoreFullException.class);
        assertThat(store.peers(HASH_3, 10, 1)).isEmpty();
        assertThat(store.peers(HASH, 10, 1)).containsExactly(peer(1));
        // re-announcing a known peer still works: it replaces its own record
        store.announce(HASH, peer(1), 5);
        // expired announcements free their room once purged
        backing.purgeExpired(TTL + 1);
        store.announce(HASH_3, peer(3), TTL + 1);
        assertThat(store.peers(HASH_3, 10, TTL + 2)).containsExactly(peer(3));
    }
}
