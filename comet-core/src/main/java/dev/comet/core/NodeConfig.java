package dev.comet.core;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectConfig;
import dev.comet.bencode.BencodeLimits;
import dev.comet.fragments.FragmentConfig;
import dev.comet.coords.CoordinatesConfig;
import dev.comet.guard.GuardConfig;
import dev.comet.owned.AccessConfig;
import dev.comet.routing.RoutingSettings;

/**
 * Every protocol setting a user might tune, with the defaults of {@link #defaults()}. Times are in milliseconds.
 *
 * @param k                       bucket size and lookup result size (Kademlia K; mldht and BEP 5 use 8)
 * @param alpha                   requests a lookup keeps in flight (Kademlia α)
 * @param replacementCacheSize    candidates kept per bucket to replace nodes that go bad
 * @param requestTimeoutMillis    longest wait for one attempt of a request before re-sending it; the wait
 *                                adapts to twice the 90th percentile of recent round trips within
 *                                [minRequestTimeoutMillis, requestTimeoutMillis]
 * @param minRequestTimeoutMillis shortest wait for one attempt
 * @param requestAttempts         sends of one request before it counts as failed (1 = no retry)
 * @param pingAttempts            sends of a liveness ping (of a questionable contact, a replacement candidate, a
 *                                newcomer heard of second hand, a Comet peer met at the rendezvous, a replica
 *                                holder gone silent) before it counts as failed; fewer than requestAttempts,
 *                                because a silent node there is most likely gone
 * @param maxFailures             consecutive failed requests after which a contact is bad
 * @param questionableAfterMillis silence after which a good contact becomes questionable (BEP 5: 15 min)
 * @param bucketRefreshMillis     a bucket with no activity this long is refreshed by a lookup (BEP 5: 15 min)
 * @param maintenanceIntervalMillis how often buckets, peers and bootstrap are checked
 * @param bootstrapRetryMillis    wait before trying the bootstrap nodes again when none of them answered
 * @param joinFillDelayMillis     how long after its self lookup a newcomer that already knows K nodes waits before it
 *                                looks up each bucket still not full (default 5 min; 0: at once, the Kademlia paper's
 *                                join). Most buckets are still not full then, but newcomers that leave sooner never
 *                                send these lookups: with 30-minute sessions a sixth of them, 12-13 % of a network's
 *                                datagrams, gets' median latency within 8 % and p99 lower (docs/performance.md). A
 *                                newcomer that knows fewer than K live nodes, or a node joining again, looks them up
 *                                at once
 * @param tokenRotationMillis     write-token secret lifetime; the previous secret stays valid one more period
 * @param peerTtlMillis           lifetime of an announced peer (issue #2: 30 min)
 * @param maxPeersPerInfoHash     peers kept per info hash; the oldest announcement goes first
 * @param maxPeersPerReply        peers returned in one get_peers reply (keeps replies under 1,400 bytes)
 * @param itemTtlMillis           lifetime of a stored BEP 44 item when its writer asks for none (2 h)
 * @param maxItemTtlMillis        longest lifetime a writer may ask for (7 days)
 * @param republishIntervalMillis how often a node re-stores its items on the nodes now closest to them (1 h,
 *                                jittered by ±10 %)
 * @param replicate               whether this node re-stores the items it holds (hourly republish and
 *                                store-on-join); off only to measure what replication buys
 * @param maxHandOverScan         items checked when a new contact appears, to hand over those it is now among
 *                                the K closest to (store-on-join)
 * @param maxStoreRecords         records the node's store holds at most (items and announced peers)
 * @param maxStoreBytes           bytes (keys and values) the node's store holds at most
 * @param maxDatagramBytes        largest datagram decoded; larger ones are dropped
 * @param maxBencodeDepth         deepest nesting accepted in a datagram
 * @param objects                 active objects: handler limits, replicas, lifetimes, timers ({@link ObjectConfig})
 * @param access                  owner requests and who sees state: the request window, the replay cache's bound, the
 *                                operator's admin token ({@link AccessConfig})
 * @param guard                   defences against peers: rate limits, bans, the reply budget, one contact per IP
 *                                ({@link GuardConfig}, docs/abuse.md)
 * @param fragments               how Comet messages larger than a safe datagram travel in fragments, and the bounds of
 *                                putting them back together ({@link FragmentConfig}, docs/protocol.md)
 * @param coordinates             network coordinates: Vivaldi's constants, the coordinates of other nodes kept
 *                                ({@link CoordinatesConfig}, docs/protocol.md "vc")
 */
public record NodeConfig(
        int k,
        int alpha,
        int replacementCacheSize,
        long requestTimeoutMillis,
        long minRequestTimeoutMillis,
        int requestAttempts,
        int pingAttempts,
        int maxFailures,
        long questionableAfterMillis,
        long bucketRefreshMillis,
        long maintenanceIntervalMillis,
        long bootstrapRetryMillis,
        long joinFillDelayMillis,
        long tokenRotationMillis,
        long peerTtlMillis,
        int maxPeersPerInfoHash,
        int maxPeersPerReply,
        long itemTtlMillis,
        long maxItemTtlMillis,
        long republishIntervalMillis,
        boolean replicate,
        int maxHandOverScan,
        long maxStoreRecords,
        long maxStoreBytes,
        int maxDatagramBytes,
        int maxBencodeDepth,
        ObjectConfig objects,
        AccessConfig access,
        GuardConfig guard,
        FragmentConfig fragments,
        CoordinatesConfig coordinates) implements RoutingSettings {

    public NodeConfig {
        positive("k", k);
        positive("alpha", alpha);
        positive("replacementCacheSize", replacementCacheSize);
        positive("requestTimeoutMillis", requestTimeoutMillis);
        positive("minRequestTimeoutMillis", minRequestTimeoutMillis);
        positive("requestAttempts", requestAttempts);
        positive("pingAttempts", pingAttempts);
        positive("maxFailures", maxFailures);
        positive("questionableAfterMillis", questionableAfterMillis);
        positive("bucketRefreshMillis", bucketRefreshMillis);
        positive("maintenanceIntervalMillis", maintenanceIntervalMillis);
        positive("bootstrapRetryMillis", bootstrapRetryMillis);
        if (joinFillDelayMillis < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "joinFillDelayMillis must be 0 or more, got " + joinFillDelayMillis);
        }
        positive("tokenRotationMillis", tokenRotationMillis);
        positive("peerTtlMillis", peerTtlMillis);
        positive("maxPeersPerInfoHash", maxPeersPerInfoHash);
        positive("maxPeersPerReply", maxPeersPerReply);
        positive("itemTtlMillis", itemTtlMillis);
        positive("maxItemTtlMillis", maxItemTtlMillis);
        positive("republishIntervalMillis", republishIntervalMillis);
        positive("maxHandOverScan", maxHandOverScan);
        positive("maxStoreRecords", maxStoreRecords);
        positive("maxStoreBytes", maxStoreBytes);
        if (maxDatagramBytes < 512) {
            throw new CometException(ErrorCode.BAD_INPUT, "maxDatagramBytes must be at least 512, got " + maxDatagramBytes);
        }
        positive("maxBencodeDepth", maxBencodeDepth);
        if (objects == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "object settings are required");
        }
        if (access == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "access settings are required");
        }
        if (guard == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "guard settings are required");
        }
        if (fragments == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "fragment settings are required");
        }
        if (fragments.fragmentBytes() > maxDatagramBytes) {
            throw new CometException(ErrorCode.BAD_INPUT, "fragments.fragmentBytes (" + fragments.fragmentBytes()
                    + ") may not exceed maxDatagramBytes (" + maxDatagramBytes + ")");
        }
        if (coordinates == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "coordinate settings are required");
        }
    }

    public static NodeConfig defaults() {
        return new NodeConfig(8, 3, 8, 1_000, 200, 4, 2, 2, 15 * 60_000L, 15 * 60_000L, 60_000L, 5_000L,
                5 * 60_000L /* join fills */, 5 * 60_000L, 30 * 60_000L, 200, 50, 2 * 3_600_000L, 7 * 24 * 3_600_000L,
                3_600_000L, true, 10_000, 100_000, 64L * 1024 * 1024, 16 * 1024, 32, ObjectConfig.defaults(),
                AccessConfig.defaults(), GuardConfig.defaults(), FragmentConfig.defaults(), CoordinatesConfig.defaults());
    }

    /**
     * The defaults with {@link GuardConfig#relaxed()}: no rate limit or reply budget a test or a load generator
     * driving nodes hard from one address would reach. For tests and benchmarks only; a node on the Internet keeps
     * the defaults.
     */
    public static NodeConfig relaxed() {
        return defaults().withGuard(GuardConfig.relaxed());
    }

    /** These settings with other guard settings. */
    public NodeConfig withGuard(GuardConfig g) {
        return toBuilder().guard(g).build();
    }

    /** Whether the routing table keeps one contact per IP (loopback ports apart when the guard says so). */
    @Override
    public boolean oneContactPerIp() {
        return guard.oneContactPerIp();
    }

    @Override
    public boolean bep42RoutingTable() {
        return guard.bep42RoutingTable();
    }

    @Override
    public boolean loopbackPerPort() {
        return guard.loopbackPerPort();
    }

    /** The bencode bounds every incoming datagram is decoded with. */
    public BencodeLimits bencodeLimits() {
        return new BencodeLimits(maxBencodeDepth, maxDatagramBytes, maxDatagramBytes, maxDatagramBytes);
    }

    /** A builder that starts from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder that starts from these settings: change a few, keep the rest. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** These settings with another store quota. */
    public NodeConfig withStoreQuota(long records, long bytes) {
        return toBuilder().maxStoreRecords(records).maxStoreBytes(bytes).build();
    }

    /** These settings with replication (republish and store-on-join) on or off. */
    public NodeConfig withReplication(boolean on) {
        return toBuilder().replicate(on).build();
    }

    /** These settings with other object settings. */
    public NodeConfig withObjects(ObjectConfig o) {
        return toBuilder().objects(o).build();
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new CometException(ErrorCode.BAD_INPUT, name + " must be positive, got " + value);
        }
    }
    /**
     * Settings changed one field at a time, so that callers name what they change instead of repeating every
     * other field; {@link #build()} checks them as the record's constructor does.
     */
    public static final class Builder {
        private int k;
        private int alpha;
        private int replacementCacheSize;
        private long requestTimeoutMillis;
        private long minRequestTimeoutMillis;
        private int requestAttempts;
        private int pingAttempts;
        private int maxFailures;
        private long questionableAfterMillis;
        private long bucketRefreshMillis;
        private long maintenanceIntervalMillis;
        private long bootstrapRetryMillis;
        private long joinFillDelayMillis;
        private long tokenRotationMillis;
        private long peerTtlMillis;
        private int maxPeersPerInfoHash;
        private int maxPeersPerReply;
        private long itemTtlMillis;
        private long maxItemTtlMillis;
        private long republishIntervalMillis;
        private boolean replicate;
        private int maxHandOverScan;
        private long maxStoreRecords;
        private long maxStoreBytes;
        private int maxDatagramBytes;
        private int maxBencodeDepth;
        private ObjectConfig objects;
        private AccessConfig access;
        private GuardConfig guard;
        private FragmentConfig fragments;
        private CoordinatesConfig coordinates;

        private Builder(NodeConfig c) {
            k = c.k;
            alpha = c.alpha;
            replacementCacheSize = c.replacementCacheSize;
            requestTimeoutMillis = c.requestTimeoutMillis;
            minRequestTimeoutMillis = c.minRequestTimeoutMillis;
            requestAttempts = c.requestAttempts;
            pingAttempts = c.pingAttempts;
            maxFailures = c.maxFailures;
            questionableAfterMillis = c.questionableAfterMillis;
            bucketRefreshMillis = c.bucketRefreshMillis;
            maintenanceIntervalMillis = c.maintenanceIntervalMillis;
            bootstrapRetryMillis = c.bootstrapRetryMillis;
            joinFillDelayMillis = c.joinFillDelayMillis;
            tokenRotationMillis = c.tokenRotationMillis;
            peerTtlMillis = c.peerTtlMillis;
            maxPeersPerInfoHash = c.maxPeersPerInfoHash;
            maxPeersPerReply = c.maxPeersPerReply;
            itemTtlMillis = c.itemTtlMillis;
            maxItemTtlMillis = c.maxItemTtlMillis;
            republishIntervalMillis = c.republishIntervalMillis;
            replicate = c.replicate;
            maxHandOverScan = c.maxHandOverScan;
            maxStoreRecords = c.maxStoreRecords;
            maxStoreBytes = c.maxStoreBytes;
            maxDatagramBytes = c.maxDatagramBytes;
            maxBencodeDepth = c.maxBencodeDepth;
            objects = c.objects;
            access = c.access;
            guard = c.guard;
            fragments = c.fragments;
            coordinates = c.coordinates;
        }

        public Builder k(int value) {
            k = value;
            return this;
        }

        public Builder alpha(int value) {
            alpha = value;
            return this;
        }

        public Builder replacementCacheSize(int value) {
            replacementCacheSize = value;
            return this;
        }

        public Builder requestTimeoutMillis(long value) {
            requestTimeoutMillis = value;
            return this;
        }

        public Builder minRequestTimeoutMillis(long value) {
            minRequestTimeoutMillis = value;
            return this;
        }

        public Builder requestAttempts(int value) {
            requestAttempts = value;
            return this;
        }

        public Builder pingAttempts(int value) {
            pingAttempts = value;
            return this;
        }

        public Builder maxFailures(int value) {
            maxFailures = value;
            return this;
        }

        public Builder questionableAfterMillis(long value) {
            questionableAfterMillis = value;
            return this;
        }

        public Builder bucketRefreshMillis(long value) {
            bucketRefreshMillis = value;
            return this;
        }

        public Builder maintenanceIntervalMillis(long value) {
            maintenanceIntervalMillis = value;
            return this;
        }

        public Builder bootstrapRetryMillis(long value) {
            bootstrapRetryMillis = value;
            return this;
        }

        public Builder joinFillDelayMillis(long value) {
            joinFillDelayMillis = value;
            return this;
        }

        public Builder tokenRotationMillis(long value) {
            tokenRotationMillis = value;
            return this;
        }

        public Builder peerTtlMillis(long value) {
            peerTtlMillis = value;
            return this;
        }

        public Builder maxPeersPerInfoHash(int value) {
            maxPeersPerInfoHash = value;
            return this;
        }

        public Builder maxPeersPerReply(int value) {
            maxPeersPerReply = value;
            return this;
        }

        public Builder itemTtlMillis(long value) {
            itemTtlMillis = value;
            return this;
        }

        public Builder maxItemTtlMillis(long value) {
            maxItemTtlMillis = value;
            return this;
        }

        public Builder republishIntervalMillis(long value) {
            republishIntervalMillis = value;
            return this;
        }

        public Builder replicate(boolean value) {
            replicate = value;
            return this;
        }

        public Builder maxHandOverScan(int value) {
            maxHandOverScan = value;
            return this;
        }

        public Builder maxStoreRecords(long value) {
            maxStoreRecords = value;
            return this;
        }

        public Builder maxStoreBytes(long value) {
            maxStoreBytes = value;
            return this;
        }

        public Builder maxDatagramBytes(int value) {
            maxDatagramBytes = value;
            return this;
        }

        public Builder maxBencodeDepth(int value) {
            maxBencodeDepth = value;
            return this;
        }

        public Builder objects(ObjectConfig value) {
            objects = value;
            return this;
        }

        public Builder access(AccessConfig value) {
            access = value;
            return this;
        }

        public Builder guard(GuardConfig value) {
            guard = value;
            return this;
        }

        public Builder fragments(FragmentConfig value) {
            fragments = value;
            return this;
        }

        public Builder coordinates(CoordinatesConfig value) {
            coordinates = value;
            return this;
        }

        public NodeConfig build() {
            return new NodeConfig(k, alpha, replacementCacheSize, requestTimeoutMillis, minRequestTimeoutMillis,
                    requestAttempts, pingAttempts, maxFailures, questionableAfterMillis, bucketRefreshMillis,
                    maintenanceIntervalMillis, bootstrapRetryMillis, joinFillDelayMillis, tokenRotationMillis,
                    peerTtlMillis, maxPeersPerInfoHash, maxPeersPerReply, itemTtlMillis, maxItemTtlMillis, republishIntervalMillis,
                    replicate, maxHandOverScan, maxStoreRecords, maxStoreBytes, maxDatagramBytes, maxBencodeDepth,
                    objects, access, guard, fragments, coordinates);
        }
    }
}
