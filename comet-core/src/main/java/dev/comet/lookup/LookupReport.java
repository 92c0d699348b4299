package dev.comet.lookup;

import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a batch of lookups against global knowledge of the live nodes, for the simulator and the cluster self
 * test: did each result hold the truly closest live node, how much of the true K closest did it find, and the
 * hop, message and latency distributions.
 */
public final class LookupReport {
    private final int k;
    private final List<Integer> hops = new ArrayList<>();
    private final List<Long> latencies = new ArrayList<>();
    private long messages;
    private int successes;
    private double overlapSum;

    public LookupReport(int k) {
        this.k = k;
    }

    /** Scores {@code result} against {@code liveIds}, the ids of every node alive when it finished. */
    public void add(LookupResult result, Iterable<NodeId> liveIds) {
        addJudged(result, trueClosest(result.target(), liveIds, k));
    }

    /** Scores {@code result} against {@code truth}, the true closest live nodes, closest first. */
    public void addJudged(LookupResult result, List<NodeId> truth) {
        hops.add(result.hops());
        latencies.add(result.durationMillis());
        messages += result.messages();
        List<NodeId> found = new ArrayList<>(result.closest().size());
        for (Contact c : result.closest()) {
            found.add(c.id());
        }
        if (!truth.isEmpty() && found.contains(truth.get(0))) {
            successes++;
        }
        int overlap = 0;
        for (NodeId id : truth) {
            if (found.contains(id)) {
                overlap++;
            }
        }
        overlapSum += truth.isEmpty() ? 1.0 : (double) overlap / truth.size();
    }

    public int count() {
        return hops.size();
    }

    public double successRate() {
        return count() == 0 ? 0 : (double) successes / count();
    }

    public double meanOverlap() {
        return count() == 0 ? 0 : overlapSum / count();
    }

    /** The report's fields, named as in the JSON output of {@code comet sim} and {@code comet cluster --selftest}. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lookups", count());
        m.put("success_rate", round(successRate()));
        m.put("mean_overlap", round(meanOverlap()));
        m.put("hops_median", percentile(hops.stream().mapToLong(Integer::longValue).toArray(), 50));
        m.put("hops_p95", percentile(hops.stream().mapToLong(Integer::longValue).toArray(), 95));
        m.put("messages_per_lookup", round(count() == 0 ? 0 : (double) messages / count()));
        long[] lat = latencies.stream().mapToLong(Long::longValue).toArray();
        m.put("latency_ms_median", percentile(lat, 50));
        m.put("latency_ms_p99", percentile(lat, 99));
        return m;
    }

    /** The nearest-rank percentile {@code p} of {@code values} (0 when empty). */
    public static long percentile(long[] values, int p) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The {@code n} ids of {@code ids} closest to {@code target}, closest first (one pass, bounded insertion). */
    public static List<NodeId> trueClosest(NodeId target, Iterable<NodeId> ids, int n) {
        NodeId[] best = new NodeId[n];
        int size = 0;
        for (NodeId id : ids) {
            if (size == n && target.compareDistance(id, best[n - 1]) >= 0) {
                continue;
            }
            int i = size < n ? size++ : n - 1;
            while (i > 0 && target.compareDistance(id, best[i - 1]) < 0) {
                best[i] = best[i - 1];
                i--;
            }
            best[i] = id;
        }
        return List.of(Arrays.copyOf(best, size));
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
