package dev.comet.fragments;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts Comet messages back together from their {@link Fragment fragments}, in bounded memory: a message's declared
 * size is checked against the largest message before anything is kept for it; each source may have
 * {@code maxPartialPerSource} messages half received, all sources together {@code maxPartialBytes}; a message not
 * complete after {@code reassemblyTimeoutMillis} is dropped. Pieces may come in any order; a duplicate piece is
 * ignored, also after its message was complete, and a piece that contradicts what came before (another count, size or
 * content) drops the message. Owns the half-received messages, the recently completed ones and the counters of what
 * it completed and dropped; not thread-safe (its node's thread, or one client's).
 */
public final class Reassembly {
    /** What a half-received message is charged beside its data: its record and one reference per piece. */
    private static final int PARTIAL_OVERHEAD = 64;
    private static final int MAX_REMEMBERED = 4_096;

    private final FragmentConfig config;
    private final int maxMessageBytes;
    /** Oldest first: where expiry and the global bound look. */
    private final LinkedHashMap<Key, Partial> partials = new LinkedHashMap<>();
    /**
     * Messages completed within the timeout, oldest first, at most {@link #MAX_REMEMBERED}: a piece of one that the
     * network delivers again is a copy, not the start of a new message (a sender's retry names a new message).
     */
    private final LinkedHashMap<Key, Long> completedAt = new LinkedHashMap<>();
    /** Each source's half-received messages, oldest first: where the per-source bound looks. */
    private final Map<InetSocketAddress, ArrayDeque<Key>> bySource = new HashMap<>();
    private long bufferedBytes;
    private long completed;
    private long dropped;

    /** {@code maxMessageBytes}: the largest whole message accepted (the node's {@code maxDatagramBytes}). */
    public Reassembly(FragmentConfig config, int maxMessageBytes) {
        this.config = config;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Takes one piece from {@code from}; returns the whole message when this piece completes it, else null. Never
     * throws: a piece that cannot belong to a valid message is counted as dropped.
     */
    public byte[] accept(InetSocketAddress from, Fragment piece, long now) {
        expire(now);
        if (piece.size() > maxMessageBytes || piece.count() > piece.size()) {
            dropped++; // refused before anything is kept for it
            return null;
        }
        Key key = new Key(from, idOf(piece.messageId()), piece.messageId().length);
        if (completedAt.containsKey(key)) {
            return null;
        }
        Partial p = partials.get(key);
        if (p == null) {
            p = start(key, piece, now);
        } else if (p.count != piece.count() || p.size != piece.size()) {
            drop(key);
            return null;
        }
        byte[] had = p.pieces[piece.index()];
        if (had != null) {
            if (!Arrays.equals(had, piece.data())) {
                drop(key); // two different pieces for one place: an overlap, not a retransmission
            }
            return null;
        }
        if (p.received + piece.data().length > p.size) {
            drop(key);
            return null;
        }
        p.pieces[piece.index()] = piece.data();
        p.received += piece.data().length;
        p.arrived++;
        bufferedBytes += piece.data().length;
        if (p.arrived == p.count) {
            return complete(key, p);
        }
        while (bufferedBytes > config.maxPartialBytes() && !partials.isEmpty()) {
            drop(partials.keySet().iterator().next());
        }
        return null;
    }

    /** Messages put back together so far. */
    public long completed() {
        return completed;
    }

    /** Messages (and pieces refused at once) dropped so far: too large, contradictory, pushed out or timed out. */
    public long dropped() {
        return dropped;
    }

    /** Bytes held now for half-received messages, with their overhead. */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** Messages half received now. */
    public int partialCount() {
        return partials.size();
    }

    private Partial start(Key key, Fragment piece, long now) {
        ArrayDeque<Key> mine = bySource.computeIfAbsent(key.from, f -> new ArrayDeque<>());
        if (mine.size() >= config.maxPartialPerSource()) {
            drop(mine.peekFirst());
            mine = bySource.computeIfAbsent(key.from, f -> new ArrayDeque<>());
        }
        Partial p = new Partial(piece.count(), piece.size(), now);
        partials.put(key, p);
        mine.addLast(key);
        bufferedBytes += p.overhead();
        return p;
    }

    private byte[] complete(Key key, Partial p) {
        forget(key, p);
        if (p.received != p.size) {
            dropped++; // every place filled, but the pieces do not add up to the size announced
            return null;
        }
        completedAt.put(key, p.startedAt);
        if (completedAt.size() > MAX_REMEMBERED) {
            completedAt.remove(completedAt.keySet().iterator().next());
        }
        byte[] message = new byte[p.size];
        int at = 0;
        for (byte[] data : p.pieces) {
            System.arraycopy(data, 0, message, at, data.length);
            at += data.length;
        }
        completed++;
        return message;
    }

    private void expire(long now) {
        Iterator<Map.Entry<Key, Long>> done = completedAt.entrySet().iterator();
        while (done.hasNext() && now - done.next().getValue() >= config.reassemblyTimeoutMillis()) {
            done.remove();
        }
        Iterator<Map.Entry<Key, Partial>> oldest = partials.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<Key, Partial> e = oldest.next();
            if (now - e.getValue().startedAt < config.reassemblyTimeoutMillis()) {
                return;
            }
            oldest.remove();
            unlist(e.getKey(), e.getValue());
            dropped++;
        }
    }

    private void drop(Key key) {
        Partial p = partials.get(key);
        if (p != null) {
            forget(key, p);
            dropped++;
        }
    }

    private void forget(Key key, Partial p) {
        partials.remove(key);
        unlist(key, p);
    }

    private void unlist(Key key, Partial p) {
        bufferedBytes -= p.overhead() + p.received;
        ArrayDeque<Key> mine = bySource.get(key.from);
        if (mine != null) {
            mine.remove(key);
            if (mine.isEmpty()) {
                bySource.remove(key.from);
            }
        }
    }

    private static long idOf(byte[] messageId) {
        long id = 0;
        for (byte b : messageId) {
            id = id << 8 | (b & 0xff);
        }
        return id;
    }

    private record Key(InetSocketAddress from, long id, int idLength) {
    }

    /** A message whose pieces are still coming. */
    private static final class Partial {
        final int count;
        final int size;
        final long startedAt;
        final byte[][] pieces;
        int arrived;
        int received;

        Partial(int count, int size, long startedAt) {
            this.count = count;
            this.size = size;
            this.startedAt = startedAt;
            this.pieces = new byte[count][];
        }

        long overhead() {
            return PARTIAL_OVERHEAD + 8L * count;
        }
    }
}
