package dev.comet.guard;

import dev.comet.Lru;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Rate limits on the queries a node answers: one token bucket per source and one for the whole node; a source
 * that keeps running over its bucket is banned. A source that answered one of our queries as a Comet node is a
 * peer and gets the larger peer bucket; a stranger that has used half its bucket is pinged once a minute to find
 * out whether it is one. Owns the per-source buckets, ban windows and probe times, the set of peer sources (each at
 * most {@code maxTrackedSources}, the least recently seen forgotten first: a forgotten source starts again with a
 * full stranger's bucket), the global bucket, and the counts of queries dropped.
 */
public final class QueryThrottle {
    /** What becomes of one query. */
    public enum Verdict {
        ADMITTED,
        /** Admitted, and the source is a busy stranger to probe ({@link #wantsProbe}); only from {@link #admitQuery}. */
        ADMITTED_PROBE,
        SOURCE_LIMIT,
        GLOBAL_LIMIT;

        /** Whether the query is to be answered. */
        public boolean admitted() {
            return this == ADMITTED || this == ADMITTED_PROBE;
        }
    }

    /** How often a busy stranger is pinged to learn whether it is a Comet peer. */
    static final long PROBE_INTERVAL_MILLIS = 60_000;

    /** What the throttle knows of one source: its bucket (it is one), whether it is a peer, its drops and probe. */
    static final class SourceState extends TokenBucket {
        boolean peer;
        long windowStart;
        int dropsInWindow;
        long probedAt = -PROBE_INTERVAL_MILLIS;

        SourceState(double capacity, double perSecond, boolean peer, long now) {
            super(capacity, perSecond, now);
            this.peer = peer;
            this.windowStart = now;
        }
    }

    private final GuardConfig config;
    private final BanList bans;
    /** Sources with a bucket that is not full; peers apart, so that pruning visits only the first. */
    private final Map<Object, SourceState> sources;
    private final Map<Object, Boolean> peers;
    private final TokenBucket global;
    private long droppedBySource;
    private long droppedGlobal;

    public QueryThrottle(GuardConfig config, BanList bans, long now) {
        this.config = config;
        this.bans = bans;
        this.sources = new Lru<>(config.maxTrackedSources());
        this.peers = new Lru<>(config.maxTrackedSources());
        this.global = new TokenBucket(config.globalQueriesPerSecond(), config.globalQueriesPerSecond(), now);
    }

    /**
     * A query arrived from {@code from} at {@code now}: whether the node answers it. A source over its bucket is
     * counted towards a ban; the source's bucket is charged before the global one, so a flooder cannot use up the
     * node's global allowance.
     */
    public Verdict admit(InetSocketAddress from, long now) {
        return admit(from, now, false);
    }

    /**
     * A query arrived from {@code from} at {@code now}: as {@link #admit}, and an admitted query's verdict also says
     * whether the node should probe its source ({@link #wantsProbe}), from the one look-up of the source's state.
     */
    public Verdict admitQuery(InetSocketAddress from, long now) {
        return admit(from, now, true);
    }

    private Verdict admit(InetSocketAddress from, long now, boolean probe) {
        Object source = config.sourceKey(from);
        SourceState state = sources.get(source);
        if (state == null) {
            boolean peer = peers.containsKey(source);
            state = peer ? new SourceState(config.peerQueryBurst(), config.peerQueriesPerSecond(), true, now)
                    : new SourceState(config.queryBurst(), config.queriesPerSecond(), false, now);
            sources.put(source, state);
        }
        if (!state.tryTake(now)) {
            droppedBySource++;
            if (now - state.windowStart >= GuardConfig.BAN_WINDOW_MILLIS) {
                state.windowStart = now;
                state.dropsInWindow = 0;
            }
            if (++state.dropsInWindow >= config.banAfterDrops()) {
                bans.ban(config.sourceOf(from), BanList.Reason.FLOOD, config.banMillis(), now);
                sources.remove(source);
            }
            return Verdict.SOURCE_LIMIT;
        }
        if (!global.tryTake(now)) {
            droppedGlobal++;
            return Verdict.GLOBAL_LIMIT;
        }
        return probe && wantsProbe(state, now) ? Verdict.ADMITTED_PROBE : Verdict.ADMITTED;
    }

    /**
     * The node at {@code from} answered one of our queries as a Comet node (the address is real): its source gets
     * the peer bucket from now on, starting with the tokens its stranger's bucket had left.
     */
    public void peerAnswered(InetSocketAddress from, long now) {
        Object source = config.sourceKey(from);
        peers.put(source, Boolean.TRUE);
        SourceState state = sources.get(source);
        if (state != null && !state.peer) {
            state.peer = true;
            state.reshape(config.peerQueryBurst(), config.peerQueriesPerSecond(), now);
        }
    }

    /**
     * True, once a minute at most, when the stranger at {@code from} has used half its bucket: the node should ping
     * it, and a Comet node's answer makes it a peer ({@link #peerAnswered}) before it runs out.
     */
    public boolean wantsProbe(InetSocketAddress from, long now) {
        SourceState state = sources.get(config.sourceKey(from));
        return state != null && wantsProbe(state, now);
    }

    private boolean wantsProbe(SourceState state, long now) {
        if (state.peer || state.tokens(now) > config.queryBurst() / 2.0
                || now - state.probedAt < PROBE_INTERVAL_MILLIS) {
            return false;
        }
        state.probedAt = now;
        return true;
    }

    /** Whether queries from {@code from} are measured against the peer bucket. */
    public boolean isPeer(InetSocketAddress from) {
        return peers.containsKey(config.sourceKey(from));
    }

    /**
     * Forgets the buckets that are full again, whose ban window and probe interval have passed: a source without a
     * bucket gets a full one, so forgetting them changes nothing but the memory they held (thousands of simulated
     * nodes each keep one per source they heard from). Peers stay peers.
     */
    public void prune(long now) {
        sources.values().removeIf(s -> now - s.windowStart >= GuardConfig.BAN_WINDOW_MILLIS
                && now - s.probedAt >= PROBE_INTERVAL_MILLIS && s.full(now));
    }

    /** Queries dropped because their source ran over its bucket. */
    public long droppedBySource() {
        return droppedBySource;
    }

    /** Queries dropped because the node as a whole ran over its rate. */
    public long droppedGlobal() {
        return droppedGlobal;
    }

    /** Sources with a bucket now. */
    public int trackedSources() {
        return sources.size();
    }
}
