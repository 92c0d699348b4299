package dev.comet.guard;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Paces the queries this node sends to each peer below the allowance the peer's guard grants it, so that a busy
 * node (a gateway's, a replica's) is slowed by its own queue instead of being dropped and then banned by the nodes
 * it works with. It assumes the peer runs our defaults: a Comet node that answered us and that we have answered
 * (so it knows our address is real) grants the peer allowance; a node that answered with another client's version
 * gets libtorrent's rate; anyone else a stranger's. We use {@link #SHARE} of each, leaving room for retries and for
 * the peer's own traffic towards us. Owns one token bucket per destination address with what it has learnt of the
 * destination, a byte of what it learnt for destinations idle long enough to have a full bucket (each at most
 * {@code maxTrackedSources}, the least recently used forgotten first), and the counts of queries it delayed and
 * refused. Called only on the node's thread.
 */
public final class QueryPacer {
    /** The share of a peer's allowance this node uses. */
    static final double SHARE = 0.8;
    /**
     * Queries a second, and at once, to a node that is not Comet: libtorrent blocks an address that sends more
     * than {@code dht_block_ratelimit} (5) a second.
     */
    static final double FOREIGN_PER_SECOND = 4;
    static final double FOREIGN_BURST = 20;

    private enum Kind { STRANGER, FOREIGN, COMET }

    private static final class Destination {
        Kind kind = Kind.STRANGER;
        /** Null until the node there answered one of our queries. */
        Boolean answeredAsComet;
        boolean repliedTo;
        TokenBucket bucket;
    }

    /** What an idle destination's {@link Destination} knew, once its bucket is forgotten (bits below). */
    private static final byte ANSWERED = 1;
    private static final byte AS_COMET = 2;
    private static final byte REPLIED_TO = 4;

    private final GuardConfig config;
    private final Map<InetSocketAddress, Destination> destinations;
    private final Map<InetSocketAddress, Byte> idle;
    private long delayed;
    private long refused;

    public QueryPacer(GuardConfig config) {
        this.config = config;
        this.destinations = new Lru<>(config.maxTrackedSources());
        this.idle = new Lru<>(config.maxTrackedSources());
    }

    /**
     * Takes a token for one query to {@code to} and answers 0, or answers how many milliseconds from {@code now}
     * the next token comes (nothing taken).
     */
    public long reserve(InetSocketAddress to, long now) {
        TokenBucket bucket = destination(to, now).bucket;
        long wait = bucket.millisUntilToken(now);
        if (wait == 0) {
            bucket.tryTake(now);
        }
        return wait;
    }

    /** Queries to {@code to} that may wait for a token: as many as its bucket refills in {@code millis}. */
    public int maxWaiting(InetSocketAddress to, long millis, long now) {
        return (int) Math.max(1, perSecond(destination(to, now).kind) * millis / 1000);
    }

    /** The node at {@code from} answered one of our queries; {@code comet} when as a Comet node. */
    public void answered(InetSocketAddress from, boolean comet, long now) {
        Destination d = destination(from, now);
        d.answeredAsComet = comet;
        reclassify(d, now);
    }

    /** This node sent an answer to a query from {@code to}: a Comet node there now knows our address is real. */
    public void repliedTo(InetSocketAddress to, long now) {
        Destination d = destination(to, now);
        if (!d.repliedTo) {
            d.repliedTo = true;
            reclassify(d, now);
        }
    }

    /** A query waited for a token before it went. */
    public void countDelayed() {
        delayed++;
    }

    /** Queries that waited for a token before they went. */
    public long delayed() {
        return delayed;
    }

    /** A query failed at once: its destination's allowance was spoken for a whole timeout ahead. */
    public void countRefused() {
        refused++;
    }

    /** Queries failed at once because their destination's allowance was spoken for a whole timeout ahead. */
    public long refused() {
        return refused;
    }

    private Destination destination(InetSocketAddress to, long now) {
        Destination d = destinations.get(to);
        if (d == null) {
            d = new Destination();
            Byte known = idle.remove(to);
            if (known != null) {
                d.answeredAsComet = (known & ANSWERED) == 0 ? null : (known & AS_COMET) != 0;
                d.repliedTo = (known & REPLIED_TO) != 0;
                d.kind = kindOf(d);
            }
            d.bucket = new TokenBucket(burst(d.kind), perSecond(d.kind), now);
            destinations.put(to, d);
        }
        return d;
    }

    /**
     * Forgets the buckets that are full again, keeping in a byte what their destination told us: a full bucket is
     * what a new one starts with, and thousands of simulated nodes each keep one per node they ever asked.
     */
    public void prune(long now) {
        var entries = destinations.entrySet().iterator();
        while (entries.hasNext()) {
            var e = entries.next();
            Destination d = e.getValue();
            if (d.bucket.full(now)) {
                entries.remove();
                byte known = (byte) ((d.answeredAsComet == null ? 0 : ANSWERED | (d.answeredAsComet ? AS_COMET : 0))
                        | (d.repliedTo ? REPLIED_TO : 0));
                if (known != 0) {
                    idle.put(e.getKey(), known);
                }
            }
        }
    }

    /** A changed kind keeps the tokens left (no new burst): the peer may learn of us a moment after we of it. */
    private void reclassify(Destination d, long now) {
        Kind kind = kindOf(d);
        if (kind != d.kind) {
            d.kind = kind;
            d.bucket = new TokenBucket(burst(kind), perSecond(kind), d.bucket.tokens(now), now);
        }
    }

    private static Kind kindOf(Destination d) {
        return d.answeredAsComet == null ? Kind.STRANGER
                : !d.answeredAsComet ? Kind.FOREIGN
                : d.repliedTo ? Kind.COMET : Kind.STRANGER;
    }

    private double burst(Kind kind) {
        return switch (kind) {
            case STRANGER -> SHARE * config.queryBurst();
            case FOREIGN -> Math.min(FOREIGN_BURST, SHARE * config.queryBurst());
            case COMET -> SHARE * config.peerQueryBurst();
        };
    }

    private double perSecond(Kind kind) {
        return switch (kind) {
            case STRANGER -> SHARE * config.queriesPerSecond();
            case FOREIGN -> Math.min(FOREIGN_PER_SECOND, SHARE * config.queriesPerSecond());
            case COMET -> SHARE * config.peerQueriesPerSecond();
        };
    }
}
