package dev.comet.guard;

import java.net.InetSocketAddress;

/**
 * No amplification: a source that has not yet answered one of our queries (its address may be spoofed) receives
 * at most {@code replyFactor} bytes of replies per byte of queries it sent, except that a reply of at most
 * {@code replyFloorBytes} always goes (every standard BEP 5/44 reply); and all replies together stay under
 * {@code globalReplyBytesPerSecond}. Owns the global byte bucket and the counts of replies refused; which addresses
 * answered us (tid and address matched) and the credit of the others are its fields of the {@link AddressBook}
 * entries.
 */
public final class ReplyBudget {
    /** What becomes of one reply. */
    public enum Verdict { SEND, TOO_LARGE_UNVERIFIED, GLOBAL_LIMIT }

    private final GuardConfig config;
    private final AddressBook addresses;
    private final TokenBucket global;
    private long refusedUnverified;
    private long droppedGlobal;

    public ReplyBudget(GuardConfig config, long now) {
        this(config, new AddressBook(config.maxTrackedSources()), now);
    }

    /** A budget keeping its marks and credits in {@code addresses}, the book the guard's pacer shares. */
    ReplyBudget(GuardConfig config, AddressBook addresses, long now) {
        this.config = config;
        this.addresses = addresses;
        this.global = new TokenBucket(config.globalReplyBytesPerSecond(), config.globalReplyBytesPerSecond(), now);
    }

    /** {@code address} answered one of our queries (transaction id and address matched): its address is real. */
    public void verified(InetSocketAddress address) {
        verified(addresses.entry(address));
    }

    /** {@link #verified(InetSocketAddress)} for the address of {@code e}, an entry of this budget's book. */
    void verified(AddressBook.Entry e) {
        e.verified = true;
        e.credit = 0;
    }

    public boolean isVerified(InetSocketAddress address) {
        AddressBook.Entry e = addresses.find(address);
        return e != null && e.verified;
    }

    /** A query of {@code bytes} arrived from {@code from}: an unverified source earns credit for replies. */
    public void queried(InetSocketAddress from, int bytes) {
        AddressBook.Entry e = addresses.entry(from);
        if (!e.verified) {
            // capped, so that a quiet source cannot save up for one large burst
            e.credit = Math.min(e.credit + (long) bytes * config.replyFactor(), 64L * config.replyFloorBytes());
        }
    }

    /** Whether a reply of {@code bytes} may go to {@code to} now; when it may, it is charged. */
    public Verdict mayReply(InetSocketAddress to, int bytes, long now) {
        return mayReply(addresses.find(to), bytes, now);
    }

    /** {@link #mayReply(InetSocketAddress, int, long)} for the address of {@code e} (null: the book has none). */
    Verdict mayReply(AddressBook.Entry e, int bytes, long now) {
        boolean verified = e != null && e.verified;
        if (bytes > config.replyFloorBytes() && !verified && (e == null || e.credit < bytes)) {
            refusedUnverified++;
            return Verdict.TOO_LARGE_UNVERIFIED;
        }
        if (!global.tryTake(bytes, now)) {
            droppedGlobal++;
            return Verdict.GLOBAL_LIMIT;
        }
        if (e != null && !verified) {
            e.credit = Math.max(0, e.credit - bytes);
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
