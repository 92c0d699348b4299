package dev.comet.guard;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * How a node defends itself against the peers it meets on the open Internet (docs/abuse.md), part of
 * {@code NodeConfig}: rate limits on queries, bans of flooders and of nodes that change their id, the amplification
 * budget of replies, and the one-contact-per-IP rule of the routing table. A "source" is an IP address; on loopback
 * addresses it is the IP address and the port when {@code loopbackPerPort} is set (a loopback cluster runs every node
 * on 127.0.0.1, and no datagram from the Internet carries a loopback source).
 *
 * @param queryBurst                queries one source may send at once (its token bucket's size; default 100)
 * @param queriesPerSecond          queries a second one source may keep sending (the bucket's refill; default 20).
 *                                  Queries over its bucket are dropped without an answer and counted
 * @param peerQueryBurst            the bucket's size for a source that answered one of our queries as a Comet node
 *                                  (default 2,000): the nodes a busy gateway or a replica works with
 * @param peerQueriesPerSecond      that bucket's refill (default 1,000, OpenDHT's per-IP rate). A source is granted it once it answered one
 *                                  of our queries as a Comet node (transaction id and address matched, so the address
 *                                  is real); a busy source that has not is pinged to find out
 * @param globalQueriesPerSecond    queries a second the node answers from all sources together (default 4,000; a
 *                                  second's worth may come at once); past it queries are dropped and counted
 * @param banAfterDrops             queries of one source its bucket dropped within 10 s that get the source banned
 *                                  (default 100)
 * @param banMillis                 how long a flooder stays banned: every datagram from it is dropped unread
 *                                  (default 5 min, libtorrent's {@code dht_block_timeout})
 * @param idChangeBanMillis         how long a node that answers from the same IP and port with another id than the
 *                                  one it had stays banned (default 1 h; mldht: 12 h)
 * @param replyFactor               bytes of replies per byte of queries a source that has not yet answered one of our
 *                                  queries may receive (default 3, as QUIC's anti-amplification limit)
 * @param replyFloorBytes           a reply this large or smaller is always sent, whatever the source (default 1,400:
 *                                  every standard BEP 5/44 reply, so Mainline peers are served as before)
 * @param globalReplyBytesPerSecond reply bytes a second the node sends to all sources together (default 8 MiB);
 *                                  past it replies are dropped and counted
 * @param maxTrackedSources         sources the node keeps a bucket, a credit, a verified mark or a ban for, each
 *                                  (default 65,536; the least recently seen goes first)
 * @param oneContactPerIp           at most one routing-table entry (main table and replacements) per source
 *                                  (default true, as mldht and libtorrent)
 * @param loopbackPerPort           on loopback addresses the source is the IP address and the port (default true)
 * @param enforceBep42              a Comet node whose id BEP 42 does not bind to its IP address counts as a foreign
 *                                  node: never an object's replica, never among the closest Comet nodes, so no node
 *                                  can choose an id next to a key it wants to hold (default true; local addresses are
 *                                  exempt, as BEP 42 says)
 * @param bep42RoutingTable         a contact whose id BEP 42 does not bind to its IP address does not enter the routing
 *                                  table (main table, replacements, overlay) at all, as libtorrent's
 *                                  {@code dht_enforce_node_id} (default false, as there: most Mainline nodes still run
 *                                  unbound ids, and refusing them all shrinks the table a node can build)
 * @param sourceStorePercent        the share of the node's store, in records and in bytes, that the records one
 *                                  source created may take (default 1 %); over it its new records are refused (314);
 *                                  100 turns the share off
 * @param peerStorePercent          that share for a Comet peer (a source that answered our queries as a Comet node:
 *                                  the holders that republish to this node; default 25 %)
 */
public record GuardConfig(
        int queryBurst,
        int queriesPerSecond,
        int peerQueryBurst,
        int peerQueriesPerSecond,
        int globalQueriesPerSecond,
        int banAfterDrops,
        long banMillis,
        long idChangeBanMillis,
        int replyFactor,
        int replyFloorBytes,
        long globalReplyBytesPerSecond,
        int maxTrackedSources,
        boolean oneContactPerIp,
        boolean loopbackPerPort,
        boolean enforceBep42,
        boolean bep42RoutingTable,
        int sourceStorePercent,
        int peerStorePercent) {

    /** How long the queries a source's bucket dropped are counted towards a ban. */
    public static final long BAN_WINDOW_MILLIS = 10_000;

    public GuardConfig {
        positive("guard.queryBurst", queryBurst);
        positive("guard.queriesPerSecond", queriesPerSecond);
        positive("guard.peerQueryBurst", peerQueryBurst);
        positive("guard.peerQueriesPerSecond", peerQueriesPerSecond);
        positive("guard.globalQueriesPerSecond", globalQueriesPerSecond);
        positive("guard.banAfterDrops", banAfterDrops);
        positive("guard.banMillis", banMillis);
        positive("guard.idChangeBanMillis", idChangeBanMillis);
        positive("guard.replyFactor", replyFactor);
        if (replyFloorBytes < 512) {
            throw new CometException(ErrorCode.BAD_INPUT, "guard.replyFloorBytes must be at least 512, got " + replyFloorBytes);
        }
        positive("guard.globalReplyBytesPerSecond", globalReplyBytesPerSecond);
        positive("guard.maxTrackedSources", maxTrackedSources);
        percent("guard.sourceStorePercent", sourceStorePercent);
        percent("guard.peerStorePercent", peerStorePercent);
    }

    /** The defaults for a node on the open Internet. */
    public static GuardConfig defaults() {
        return new GuardConfig(100, 20, 2_000, 1_000, 4_000, 100, 5 * 60_000L, 3_600_000L, 3, 1_400, 8L << 20, 65_536,
                true, true, true, false, 1, 25);
    }

    /**
     * Limits no test or benchmark that drives a node hard from one address reaches: every rate a million a second,
     * replies of any size to anyone. The bans and the routing rules stay as by default. For tests and load
     * generators only, never for a node on the Internet.
     */
    public static GuardConfig relaxed() {
        return new GuardConfig(1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 5 * 60_000L,
                3_600_000L, 1_000_000, 1 << 20, 1L << 40, 65_536, true, true, true, false, 100, 100);
    }

    /** These settings with {@code perSecond} queries a second and a burst of {@code burst} for each source. */
    public GuardConfig withSourceRate(int burst, int perSecond) {
        return new GuardConfig(burst, perSecond, peerQueryBurst, peerQueriesPerSecond, globalQueriesPerSecond,
                banAfterDrops, banMillis, idChangeBanMillis, replyFactor, replyFloorBytes, globalReplyBytesPerSecond,
                maxTrackedSources, oneContactPerIp, loopbackPerPort, enforceBep42,
                bep42RoutingTable, sourceStorePercent, peerStorePercent);
    }

    /** These settings with the one-contact-per-IP rule on or off. */
    public GuardConfig withOneContactPerIp(boolean on) {
        return new GuardConfig(queryBurst, queriesPerSecond, peerQueryBurst, peerQueriesPerSecond,
                globalQueriesPerSecond, banAfterDrops, banMillis, idChangeBanMillis, replyFactor, replyFloorBytes,
                globalReplyBytesPerSecond, maxTrackedSources, on, loopbackPerPort, enforceBep42,
                bep42RoutingTable, sourceStorePercent, peerStorePercent);
    }

    /** These settings with loopback sources told apart by port, or not. */
    public GuardConfig withLoopbackPerPort(boolean on) {
        return new GuardConfig(queryBurst, queriesPerSecond, peerQueryBurst, peerQueriesPerSecond,
                globalQueriesPerSecond, banAfterDrops, banMillis, idChangeBanMillis, replyFactor, replyFloorBytes,
                globalReplyBytesPerSecond, maxTrackedSources, oneContactPerIp, on, enforceBep42,
                bep42RoutingTable, sourceStorePercent, peerStorePercent);
    }

    /** These settings with BEP 42's binding of ids to addresses enforced for Comet nodes, or not. */
    public GuardConfig withEnforceBep42(boolean on) {
        return new GuardConfig(queryBurst, queriesPerSecond, peerQueryBurst, peerQueriesPerSecond,
                globalQueriesPerSecond, banAfterDrops, banMillis, idChangeBanMillis, replyFactor, replyFloorBytes,
                globalReplyBytesPerSecond, maxTrackedSources, oneContactPerIp, loopbackPerPort, on,
                bep42RoutingTable, sourceStorePercent, peerStorePercent);
    }

    /** These settings with BEP 42's binding of ids to addresses required of every routing-table contact, or not. */
    public GuardConfig withBep42RoutingTable(boolean on) {
        return new GuardConfig(queryBurst, queriesPerSecond, peerQueryBurst, peerQueriesPerSecond,
                globalQueriesPerSecond, banAfterDrops, banMillis, idChangeBanMillis, replyFactor, replyFloorBytes,
                globalReplyBytesPerSecond, maxTrackedSources, oneContactPerIp, loopbackPerPort, enforceBep42, on,
                sourceStorePercent, peerStorePercent);
    }

    /** The source a datagram from {@code address} counts against. */
    public Source sourceOf(java.net.InetSocketAddress address) {
        return Source.of(address, loopbackPerPort);
    }

    /** The source of {@code address} as a map key ({@link Source#key}): equal for the same source, never allocated. */
    Object sourceKey(java.net.InetSocketAddress address) {
        return Source.key(address, loopbackPerPort);
    }

    /** These settings with other shares of the store for a source's records and for a Comet peer's, in percent. */
    public GuardConfig withStorePercent(int source, int peerSource) {
        return new GuardConfig(queryBurst, queriesPerSecond, peerQueryBurst, peerQueriesPerSecond,
                globalQueriesPerSecond, banAfterDrops, banMillis, idChangeBanMillis, replyFactor, replyFloorBytes,
                globalReplyBytesPerSecond, maxTrackedSources, oneContactPerIp, loopbackPerPort, enforceBep42,
                bep42RoutingTable, source, peerSource);
    }

    private static void percent(String name, int value) {
        if (value < 1 || value > 100) {
            throw new CometException(ErrorCode.BAD_INPUT, name + " must be 1 to 100, got " + value);
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new CometException(ErrorCode.BAD_INPUT, name + " must be positive, got " + value);
        }
    }
}
