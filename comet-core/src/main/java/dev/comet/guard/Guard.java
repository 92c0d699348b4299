package dev.comet.guard;

import java.net.InetSocketAddress;

/**
 * A node's defences against its peers in one place (docs/abuse.md): the ban list, the query throttle, the reply
 * budget and the per-source storage quotas, built from one {@link GuardConfig}, and the pacer that keeps our own
 * queries inside the peers' defences. Owns those five parts and the count of datagrams dropped because their source
 * was banned; each part owns its own state, but for the reply budget and the pacer, which keep theirs in one
 * {@link AddressBook} (an entry per address). Called only on the node's thread.
 */
public final class Guard {
    private final GuardConfig config;
    private final BanList bans;
    private final QueryThrottle throttle;
    private final ReplyBudget replies;
    private final QueryPacer pacer;
    private final StorageQuotas storage;
    /** The reply budget's and the pacer's entries: the guard looks an address up once for both. */
    private final AddressBook addresses;
    private long bannedDropped;

    /**
     * The guard of a node whose store holds at most {@code storeRecords} records and {@code storeBytes} bytes;
     * {@code heldBytes} gives the bytes of the record a store key names, -1 when none is held (the storage quotas
     * charge what is stored and forget records no longer held).
     */
    public Guard(GuardConfig config, long storeRecords, long storeBytes,
                 java.util.function.ToIntFunction<byte[]> heldBytes, long now) {
        this.config = config;
        this.bans = new BanList(config.maxTrackedSources());
        this.throttle = new QueryThrottle(config, bans, now);
        this.addresses = new AddressBook(config.maxTrackedSources());
        this.replies = new ReplyBudget(config, addresses, now);
        this.pacer = new QueryPacer(config, addresses);
        this.storage = new StorageQuotas(config, storeRecords, storeBytes, throttle::isPeer, heldBytes);
    }

    /**
     * The node at {@code from} answered one of our queries (transaction id and address matched); {@code comet} when
     * its version is Comet's. Its address is real, and a Comet node becomes a peer of the throttle.
     */
    public void answered(InetSocketAddress from, boolean comet, long now) {
        AddressBook.Entry e = addresses.entry(from);
        replies.verified(e);
        if (comet) {
            throttle.peerAnswered(from, now);
        }
        pacer.answered(e, comet, now);
    }

    /**
     * Whether a reply of {@code bytes} may go to {@code to} now, charged when it may ({@link ReplyBudget}); a reply
     * that goes proves our address to a Comet node there, which the pacer notes. The caller sends it when SEND.
     */
    public ReplyBudget.Verdict mayReply(InetSocketAddress to, int bytes, long now) {
        AddressBook.Entry e = addresses.find(to);
        ReplyBudget.Verdict verdict = replies.mayReply(e, bytes, now);
        if (verdict == ReplyBudget.Verdict.SEND) {
            pacer.repliedTo(e != null ? e : addresses.entry(to), now);
        }
        return verdict;
    }

    public GuardConfig config() {
        return config;
    }

    /** True (and counted) when a datagram from {@code from} must be dropped unread: its source is banned. */
    public boolean dropBanned(InetSocketAddress from, long now) {
        if (banned(from, now)) {
            bannedDropped++;
            return true;
        }
        return false;
    }

    /** Bans the source of {@code address}: it answered from the same IP and port with another node id. */
    public void banIdChange(InetSocketAddress address, long now) {
        bans.ban(config.sourceOf(address), BanList.Reason.ID_CHANGE, config.idChangeBanMillis(), now);
    }

    public boolean banned(InetSocketAddress address, long now) {
        // nearly always nobody is banned: every datagram received asks, and a look-up in an empty map still reaches
        // the address's objects (5 % of a 2,000-node simulation's time went to it)
        return bans.size() > 0 && bans.banned(config.sourceOf(address), now);
    }

    public BanList bans() {
        return bans;
    }

    public QueryThrottle throttle() {
        return throttle;
    }

    public ReplyBudget replies() {
        return replies;
    }

    public QueryPacer pacer() {
        return pacer;
    }

    public StorageQuotas storage() {
        return storage;
    }

    /** Forgets ended bans and idle buckets (the node's maintenance tick). */
    public void maintain(long now) {
        bans.purge(now);
        throttle.prune(now);
        pacer.prune(now);
    }

    public GuardStats stats() {
        return new GuardStats(bannedDropped, throttle.droppedBySource(), throttle.droppedGlobal(), bans.floodBans(),
                bans.idChangeBans(), bans.size(), replies.refusedUnverified(), replies.droppedGlobal(),
                pacer.delayed(), pacer.refused(), storage.refused());
    }
}
