package dev.comet.guard;

import dev.comet.Lru;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Per-source storage quotas (docs/abuse.md, "Storage quotas"): the records one source (an IP address; on loopback
 * with its port) created in this node's store, items, announced peers, objects and tombstones alike, may take at most
 * {@code guard.sourceStorePercent} of the store's records and of its bytes; a Comet peer (a source that answered our
 * queries as a Comet node: the holders that republish to us) {@code guard.peerStorePercent}. A record is charged to
 * the source that created it, once; replacing or refreshing a record already held charges nothing. Nothing is ever
 * evicted for a new record: over its share, a source's new record is refused with {@link ErrorCode#SOURCE_STORE_FULL}.
 * Records leave a ledger lazily: when a source reaches its share, the records it was charged for that are no longer
 * held (expired, deleted, handed off) are forgotten, at most once per {@link #RECONCILE_MILLIS} per source, so a
 * source at its share cannot make every query scan its ledger.
 *
 * <p>Owns the ledger of each tracked source (the store keys charged to it and their bytes; the least recently used
 * source is forgotten past {@code guard.maxTrackedSources}) and the count of refused records. Called only on the
 * node's thread.
 */
public final class StorageQuotas {
    /** How often, at most, one source's ledger is checked against the store. */
    public static final long RECONCILE_MILLIS = 60_000;

    private final GuardConfig config;
    private final Predicate<InetSocketAddress> isPeer;
    private final ToIntFunction<byte[]> heldBytes;
    private final Share stranger;
    private final Share peer;
    private final Lru<Source, Ledger> ledgers;
    /** Sources with no share to check: the node itself (its own writes reach it over its socket). */
    private final java.util.Set<Source> exempt = new java.util.HashSet<>();
    private long refused;

    /** How many records and bytes one source may have created; {@code whole}: the whole store, no share to check. */
    public record Share(long records, long bytes, boolean whole) {
        static Share percentOf(long storeRecords, long storeBytes, int percent) {
            return new Share(Math.max(1, storeRecords * percent / 100), Math.max(1, storeBytes * percent / 100),
                    percent >= 100);
        }
    }

    /** The records and bytes charged to one source, oldest first. */
    private static final class Ledger {
        final Map<ByteBuffer, Integer> records = new LinkedHashMap<>();
        long bytes;
        /** When the ledger was last checked against the store; never: {@link Long#MIN_VALUE}. */
        long reconciledAt = Long.MIN_VALUE;
    }

    /**
     * Quotas for a store of {@code storeRecords} records and {@code storeBytes} bytes; {@code isPeer} tells a Comet
     * peer's address, {@code heldBytes} the bytes (key and value) of the record a store key names, -1 when none is held.
     */
    StorageQuotas(GuardConfig config, long storeRecords, long storeBytes, Predicate<InetSocketAddress> isPeer,
                  ToIntFunction<byte[]> heldBytes) {
        this.config = config;
        this.isPeer = isPeer;
        this.heldBytes = heldBytes;
        this.stranger = Share.percentOf(storeRecords, storeBytes, config.sourceStorePercent());
        this.peer = Share.percentOf(storeRecords, storeBytes, config.peerStorePercent());
        this.ledgers = new Lru<>(config.maxTrackedSources());
    }

    /**
     * Runs {@code store}, which stores the record under {@code storeKey} for {@code from}: when no record is held under
     * that key, only if its source's share has room for about {@code bytes} more (else {@link
     * ErrorCode#SOURCE_STORE_FULL}), and the record it stored is charged to that source.
     */
    public void store(InetSocketAddress from, byte[] storeKey, int bytes, long now, Runnable store) {
        if (heldBytes.applyAsInt(storeKey) >= 0) {
            store.run();
            return;
        }
        admit(from, bytes, now);
        store.run();
        stored(from, storeKey);
    }

    /**
     * Throws {@link ErrorCode#SOURCE_STORE_FULL} when a new record of {@code bytes} from {@code from} would take its
     * source past its share. Charges nothing: {@link #stored} does, once the record is in the store.
     */
    public void admit(InetSocketAddress from, int bytes, long now) {
        if (exempt.contains(config.sourceOf(from))) {
            return;
        }
        Ledger ledger = ledgers.get(config.sourceOf(from));
        if (ledger == null) {
            return;
        }
        Share share = shareOf(from);
        if (share.whole() || fits(ledger, share, bytes)) {
            return;
        }
        if (ledger.reconciledAt == Long.MIN_VALUE || now - ledger.reconciledAt >= RECONCILE_MILLIS) {
            ledger.reconciledAt = now;
            forgetNotHeld(ledger);
            if (fits(ledger, share, bytes)) {
                return;
            }
        }
        refused++;
        throw new CometException(ErrorCode.SOURCE_STORE_FULL, "this address has created " + ledger.records.size()
                + " records (" + ledger.bytes + " bytes) in the node's store, its share is " + share.records()
                + " records and " + share.bytes() + " bytes");
    }

    /** Charges the record now stored under {@code storeKey} to the source of {@code from} (nothing if none is). */
    public void stored(InetSocketAddress from, byte[] storeKey) {
        int bytes = heldBytes.applyAsInt(storeKey);
        if (bytes < 0) {
            return;
        }
        Ledger ledger = ledgers.computeIfAbsent(config.sourceOf(from), s -> new Ledger());
        Integer before = ledger.records.put(ByteBuffer.wrap(storeKey.clone()), bytes);
        ledger.bytes += bytes - (before == null ? 0 : before);
    }

    /**
     * The source of {@code address} has no share: the node's own address, whose writes (a gateway's put that stores a
     * replica on its own node) are the node's own.
     */
    public void exempt(InetSocketAddress address) {
        exempt.add(config.sourceOf(address));
    }

    /** The share of the source of {@code from}: a peer's or a stranger's. */
    public Share shareOf(InetSocketAddress from) {
        return isPeer.test(from) ? peer : stranger;
    }

    /** Records charged to the source of {@code from} now (forgotten ones not yet reconciled included). */
    public int recordsOf(InetSocketAddress from) {
        Ledger ledger = ledgers.get(config.sourceOf(from));
        return ledger == null ? 0 : ledger.records.size();
    }

    /** New records refused because their source's share was used up. */
    public long refused() {
        return refused;
    }

    private static boolean fits(Ledger ledger, Share share, int bytes) {
        return ledger.records.size() + 1 <= share.records() && ledger.bytes + bytes <= share.bytes();
    }

    private void forgetNotHeld(Ledger ledger) {
        Iterator<Map.Entry<ByteBuffer, Integer>> it = ledger.records.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<ByteBuffer, Integer> e = it.next();
            if (heldBytes.applyAsInt(e.getKey().array()) < 0) {
                ledger.bytes -= e.getValue();
                it.remove();
            }
        }
    }
}
