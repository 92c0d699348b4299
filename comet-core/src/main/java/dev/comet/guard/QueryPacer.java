package dev.comet.guard;

import java.net.InetSocketAddress;

/**
 * Paces the queries this node sends to each peer below the allowance the peer's guard grants it, so that a busy
 * node (a gateway's, a replica's) is slowed by its own queue instead of being dropped and then banned by the nodes
 * it works with. It assumes the peer runs our defaults: a Comet node that answered us and that we have answered
 * (so it knows our address is real) grants the peer allowance; a node that answered with another client's version
 * gets libtorrent's rate; anyone else a stranger's. We use {@link #SHARE} of each, leaving room for retries and for
 * the peer's own traffic towards us. Owns the counts of queries it delayed and refused; what it learnt of each
 * destination, and its token bucket towards it while the bucket is not full, are its fields of the
 * {@link AddressBook} entries. Called only on the node's thread.
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

    /** The classes of destination, as {@link AddressBook.Entry#bucketKind}. */
    private static final byte STRANGER = 0;
    private static final byte FOREIGN = 1;
    private static final byte COMET = 2;

    /** What a destination told us, the bits of {@link AddressBook.Entry#learnt}. */
    private static final byte ANSWERED = 1;
    private static final byte AS_COMET = 2;
    private static final byte REPLIED_TO = 4;

    private final GuardConfig config;
    private final AddressBook addresses;
    private long delayed;
    private long refused;

    public QueryPacer(GuardConfig config) {
        this(config, new AddressBook(config.maxTrackedSources()));
    }

    /** A pacer keeping what it learns in {@code addresses}, the book the guard's reply budget shares. */
    QueryPacer(GuardConfig config, AddressBook addresses) {
        this.config = config;
        this.addresses = addresses;
    }

    /**
     * Takes a token for one query to {@code to} and answers 0, or answers how many milliseconds from {@code now}
     * the next token comes (nothing taken).
     */
    public long reserve(InetSocketAddress to, long now) {
        TokenBucket bucket = bucket(addresses.entry(to), now);
        long wait = bucket.millisUntilToken(now);
        if (wait == 0) {
            bucket.tryTake(now);
        }
        return wait;
    }

    /** Queries to {@code to} that may wait for a token: as many as its bucket refills in {@code millis}. */
    public int maxWaiting(InetSocketAddress to, long millis, long now) {
        AddressBook.Entry e = addresses.find(to);
        return (int) Math.max(1, perSecond(kindOf(e == null ? 0 : e.learnt)) * millis / 1000);
    }

    /** The node at {@code from} answered one of our queries; {@code comet} when as a Comet node. */
    public void answered(InetSocketAddress from, boolean comet, long now) {
        answered(addresses.entry(from), comet, now);
    }

    /** {@link #answered(InetSocketAddress, boolean, long)} for the address of {@code e}, an entry of this pacer's book. */
    void answered(AddressBook.Entry e, boolean comet, long now) {
        bucket(e, now); // made for what was known before: the answer changes its class, not its tokens
        e.learnt = (byte) ((e.learnt & REPLIED_TO) | ANSWERED | (comet ? AS_COMET : 0));
        reclassify(e, now);
    }

    /** This node sent an answer to a query from {@code to}: a Comet node there now knows our address is real. */
    public void repliedTo(InetSocketAddress to, long now) {
        repliedTo(addresses.entry(to), now);
    }

    /** {@link #repliedTo(InetSocketAddress, long)} for the address of {@code e}, an entry of this pacer's book. */
    void repliedTo(AddressBook.Entry e, long now) {
        if ((e.learnt & REPLIED_TO) == 0) {
            e.learnt |= REPLIED_TO;
            reclassify(e, now);
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

    /**
     * Forgets the buckets that are full again, keeping what their destination told us: a full bucket is what a new
     * one starts with, and thousands of simulated nodes each keep one per node they ever asked.
     */
    public void prune(long now) {
        addresses.prune(now);
    }

    /** The bucket of a destination, made full for its class when it had none. */
    private TokenBucket bucket(AddressBook.Entry e, long now) {
        if (e.bucket == null) {
            e.bucketKind = kindOf(e.learnt);
            addresses.pace(e, new TokenBucket(burst(e.bucketKind), perSecond(e.bucketKind), now));
        }
        return e.bucket;
    }

    /** A changed class keeps the tokens left (no new burst): the peer may learn of us a moment after we of it. */
    private void reclassify(AddressBook.Entry e, long now) {
        byte kind = kindOf(e.learnt);
        if (e.bucket != null && kind != e.bucketKind) {
            e.bucket.reshape(burst(kind), perSecond(kind), now);
            e.bucketKind = kind;
        }
    }

    private static byte kindOf(byte learnt) {
        return (learnt & ANSWERED) == 0 ? STRANGER
                : (learnt & AS_COMET) == 0 ? FOREIGN
                : (learnt & REPLIED_TO) != 0 ? COMET : STRANGER;
    }

    private double burst(byte kind) {
        return switch (kind) {
            case FOREIGN -> Math.min(FOREIGN_BURST, SHARE * config.queryBurst());
            case COMET -> SHARE * config.peerQueryBurst();
            default -> SHARE * config.queryBurst();
        };
    }

    private double perSecond(byte kind) {
        return switch (kind) {
            case FOREIGN -> Math.min(FOREIGN_PER_SECOND, SHARE * config.queriesPerSecond());
            case COMET -> SHARE * config.peerQueriesPerSecond();
            default -> SHARE * config.queriesPerSecond();
        };
    }
}
