package dev.comet.guard;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Rate limits on the queries a node answers: one token bucket per source and one for the whole node; a source
 * that keeps running over its bucket is banned. Owns the per-source buckets and ban windows (at most
 * {@code maxTrackedSources}, the least recently seen forgotten first: a forgotten source starts again with a full
 * bucket), the global bucket, and the counts of queries dropped.
 */
public final class QueryThrottle {
    /** What becomes of one query. */
    public enum Verdict { ADMITTED, SOURCE_LIMIT, GLOBAL_LIMIT }

    private static final class SourceState {
        final TokenBucket bucket;
        long windowStart;
        int dropsInWindow;

        SourceState(TokenBucket bucket, long now) {
            this.bucket = bucket;
            this.windowStart = now;
        }
    }

    private final GuardConfig config;
    private final BanList bans;
    private final Map<Source, SourceState> sources;
    private final TokenBucket global;
    private long droppedBySource;
    private long droppedGlobal;

    public QueryThrottle(GuardConfig config, BanList bans, long now) {
        this.config = config;
        this.bans = bans;
        this.sources = new Lru<>(config.maxTrackedSources());
        this.global = new TokenBucket(config.globalQueriesPerSecond(), config.globalQueriesPerSecond(), now);
    }

    /**
     * A query arrived from {@code from} at {@code now}: whether the node answers it. A source over its bucket is
     * counted towards a ban; the source's bucket is charged before the global one, so a flooder cannot use up the
     * node's global allowance.
     */
    public Verdict admit(InetSocketAddress from, long now) {
        Source source = config.sourceOf(from);
        SourceState state = sources.get(source);
        if (state == null) {
            state = new SourceState(new TokenBucket(config.queryBurst(), config.queriesPerSecond(), now), now);
            sources.put(source, state);
        }
        if (!state.bucket.tryTake(now)) {
            droppedBySource++;
            if (now - state.windowStart >= GuardConfig.BAN_WINDOW_MILLIS) {
                state.windowStart = now;
                state.dropsInWindow = 0;
            }
            if (++state.dropsInWindow >= config.banAfterDrops()) {
                bans.ban(source, BanList.Reason.FLOOD, config.banMillis(), now);
                sources.remove(source);
            }
            return Verdict.SOURCE_LIMIT;
        }
        if (!global.tryTake(now)) {
            droppedGlobal++;
            return Verdict.GLOBAL_LIMIT;
        }
        return Verdict.ADMITTED;
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
