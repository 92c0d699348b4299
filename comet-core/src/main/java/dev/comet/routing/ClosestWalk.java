package dev.comet.routing;

import dev.comet.id.NodeId;

import java.util.Arrays;
import java.util.Comparator;
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
        Comparator<NodeId> byDistance = target.byDistance();
        Contact[] best = new Contact[n];
        int last = buckets.size() - 1;
        int count = 0;
        for (int j = 0; j < last && count < n; j++) {
            if (self.bit(j) != target.bit(j)) {
                count = keepClosest(buckets.get(j), byDistance, best, count, eligible);
            }
        }
        if (count < n) {
            count = keepClosest(buckets.get(last), byDistance, best, count, eligible);
        }
        for (int j = last - 1; j >= 0 && count < n; j--) {
            if (self.bit(j) == target.bit(j)) {
                count = keepClosest(buckets.get(j), byDistance, best, count, eligible);
            }
        }
        return List.of(count == n ? best : Arrays.copyOf(best, count));
    }

    /** Inserts {@code bucket}'s eligible entries among the {@code count} closest in {@code best}; the new count. */
    private static int keepClosest(Bucket bucket, Comparator<NodeId> byDistance, Contact[] best, int count,
                                   Predicate<ContactEntry> eligible) {
        int n = best.length;
        for (ContactEntry e : bucket.entries) {
            if (!eligible.test(e)) {
                continue;
            }
            NodeId id = e.id();
            if (count == n && (n == 0 || byDistance.compare(id, best[n - 1].id()) >= 0)) {
                continue;
            }
            int at = count < n ? count++ : n - 1;
            while (at > 0 && byDistance.compare(id, best[at - 1].id()) < 0) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = e.contact();
        }
        return count;
    }
}
