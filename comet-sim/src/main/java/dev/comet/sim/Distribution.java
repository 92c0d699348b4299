package dev.comet.sim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A distribution of small counts (replicas per object) as a report shows it: median, 99th percentile (nearest rank),
 * maximum, mean and the histogram. An immutable value.
 */
record Distribution(int[] sorted) {
    static Distribution of(List<Integer> values) {
        return new Distribution(values.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    static Distribution of(int[] values) {
        int[] copy = values.clone();
        Arrays.sort(copy);
        return new Distribution(copy);
    }

    /** The value at percentile {@code p} (0–100) by nearest rank; 0 for no values. */
    int percentile(double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    int median() {
        return percentile(50);
    }

    int max() {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    double mean() {
        return sorted.length == 0 ? 0 : Math.round(100.0 * Arrays.stream(sorted).sum() / sorted.length) / 100.0;
    }

    /** How many values there are of each value, in order. */
    Map<Integer, Integer> histogram() {
        Map<Integer, Integer> out = new TreeMap<>();
        for (int v : sorted) {
            out.merge(v, 1, Integer::sum);
        }
        return out;
    }

    /** The report fields, each named {@code prefix} and the statistic. */
    Map<String, Object> fields(String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(prefix + "_median", median());
        out.put(prefix + "_p99", percentile(99));
        out.put(prefix + "_max", max());
        out.put(prefix + "_mean", mean());
        out.put(prefix + "_histogram", histogram().toString());
        return out;
    }
}
