package dev.comet.guard;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * No amplification: a source that has not yet answered one of our queries (its address may be spoofed) receives
 * at most {@code replyFactor} bytes of replies per byte of queries it sent, except that a reply of at most
 * {@code replyFloorBytes} always goes (every standard BEP 5/44 reply); and all replies together stay under
 * {@code globalReplyBytesPerSecond}. Owns the verified addresses (those that answered us; tid and address matched),
 * the credit of unverified addresses, the global byte bucket and the counts of replies refused. Bounded: at most
 * {@code maxTrackedSources} of each, the least recently used forgotten first.
 */
public final class ReplyBudget {
    /** What becomes of one reply. */
    public enum Verdict { SEND, TOO_LARGE_UNVERIFIED, GLOBAL_LIMIT }

    private final GuardConfig config;
    private final Map<InetSocketAddress, Boolean> verified;
    private final Map<InetSocketAddress, long[]> credit;
    private final TokenBucket global;
    private long refusedUnverified;
    private long droppedGlobal;

    public ReplyBudget(GuardConfig config, long now) {
        this.config = config;
        this.verified = new Lru<>(config.maxTrackedSources());
        this.credit = new Lru<>(config.maxTrackedSources());
        this.global = new TokenBucket(config.globalReplyBytesPerSecond(), config.globalReplyBytesPerSecond(), now);
    }

    /** {@code address} answered one of our queries (transaction id and address matched): its address is real. */
    public void verified(InetSocketAddress address) {
        verified.put(address, Boolean.TRUE);
        credit.remove(address);
    }

    public boolean isVerified(InetSocketAddress address) {
        return verified.containsKey(address);
    }

    /** A query of {@code bytes} arrived from {@code from}: an unverified source earns credit for replies. */
    public void queried(InetSocketAddress from, int bytes) {
        if (verified.containsKey(from)) {
            return;
        }
        long[] c = credit.computeIfAbsent(from, a -> new long[1]);
        // capped, so that a quiet source cannot save up for one large burst
        c[0] = Math.min(c[0] + (long) bytes * config.replyFactor(), 64L * config.replyFloorBytes());
    }

    /** Whether a reply of {@code bytes} may go to {@code to} now; when it may, it is charged. */
    public Verdict mayReply(InetSocketAddress to, int bytes, long now) {
        long[] c = null;
        if (bytes > config.replyFloorBytes() && !verified.containsKey(to)) {
            c = credit.get(to);
            if (c == null || c[0] < bytes) {
                refusedUnverified++;
                return Verdict.TOO_LARGE_UNVERIFIED;
            }
        }
        if (!global.tryTake(bytes, now)) {
            droppedGlobal++;
            return Verdict.GLOBAL_LIMIT;
        }
        if (c != null) {
            c[0] -= bytes;
        } else if (!verified.containsKey(to)) {
            long[] small = credit.get(to);
            if (small != null) {
                small[0] = Math.max(0, small[0] - bytes);
            }
        }
        return Verdict.SEND;
    }

    /** Replies refused to unverified sources because they were too large (each answered with a short error). */
    public long refusedUnverified() {
        return refusedUnverified;
    }

    /** Replies dropped because the node as a whole ran over its reply bytes a second. */
    public long droppedGlobal() {
        return droppedGlobal;
    }
}
