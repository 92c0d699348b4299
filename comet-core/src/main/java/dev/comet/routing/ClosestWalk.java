package dev.comet.routing;

import dev.comet.id.NodeId;

import java.util.List;
import java.util.function.Predicate;

/**
 * The {@code n} contacts of a routing table's buckets closest to a target, found by visiting the buckets nearest
 * first and stopping once {@code n} are found: every reply asks this. Stateless.
 */
final class ClosestWalk {
    private ClosestWalk() {
    }

    /**
     * Bucket j holds ids that agree with the own id before bit j and differ at j; the deeper buckets together agree
     * at j. When the target differs from the own id at bit j, bucket j is nearer to it than every deeper bucket; when
     * it agrees, farther. So: the buckets where it differs, shallow to deep, then the last (its ids interleave), then
     * the buckets where it agrees, deep to shallow. Within a bucket, keep the n closest so far in order.
     */
    static List<Contact> closest(List<Bucket> buckets, NodeId self, NodeId target, int n,
                                 Predicate<ContactEntry> eligible) {
        Closest best = new Closest(target, n);
        int last = buckets.size() - 1;
        for (int j = 0; j < last && !best.full(); j++) {
            if (self.bit(j) != target.bit(j)) {
                best.keepClosest(buckets.get(j), eligible);
            }
        }
        if (!best.full()) {
            best.keepClosest(buckets.get(last), eligible);
        }
        for (int j = last - 1; j >= 0 && !best.full(); j--) {
            if (self.bit(j) == target.bit(j)) {
                best.keepClosest(buckets.get(j), eligible);
            }
        }
        return best.contacts();
    }

    /**
     * The closest entries so far, in order, each with the first word of its distance: entries are compared by that
     * word, and reach their ids only when two share it (only ids that agree in their first 64 bits do).
     */
    private static final class Closest {
        private final NodeId target;
        private final long targetPrefix;
        private final ContactEntry[] entries;
        private final long[] distances;
        private int count;

        Closest(NodeId target, int n) {
            this.target = target;
            this.targetPrefix = target.prefix64();
            this.entries = new ContactEntry[n];
            this.distances = new long[n];
        }

        boolean full() {
            return count == entries.length;
        }

        /** Inserts {@code bucket}'s eligible entries among the closest so far. */
        void keepClosest(Bucket bucket, Predicate<ContactEntry> eligible) {
            int n = entries.length;
            for (ContactEntry e : bucket.entries) {
                if (!eligible.test(e)) {
                    continue;
                }
                long distance = e.idPrefix ^ targetPrefix;
                if (count == n && (n == 0 || !closer(e, distance, n - 1))) {
                    continue;
                }
                int at = count < n ? count++ : n - 1;
                while (at > 0 && closer(e, distance, at - 1)) {
                    entries[at] = entries[at - 1];
                    distances[at] = distances[at - 1];
                    at--;
                }
                entries[at] = e;
                distances[at] = distance;
            }
        }

        /** Whether {@code e}, whose distance begins with {@code distance}, is closer than the entry at {@code i}. */
        private boolean closer(ContactEntry e, long distance, int i) {
            return target.compareDistance(e.id(), distance, entries[i].id(), distances[i]) < 0;
        }

        List<Contact> contacts() {
            Contact[] contacts = new Contact[count];
            for (int i = 0; i < count; i++) {
                contacts[i] = entries[i].contact();
            }
            return List.of(contacts);
        }
    }
}
