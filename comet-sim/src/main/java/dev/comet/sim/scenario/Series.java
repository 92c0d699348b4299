package dev.comet.sim.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One series of a scenario: numbers recorded over virtual time, either sampled every interval or recorded by the
 * timeline. Owns its points (appended in time order on the simulator's thread).
 */
public final class Series {
    private final String name;
    private final List<double[]> points = new ArrayList<>();

    Series(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Adds the point ({@code seconds}, {@code value}). */
    void add(double seconds, double value) {
        points.add(new double[] {seconds, value});
    }

    /** The points so far, each {time in virtual seconds, value}; a copy. */
    public List<double[]> points() {
        List<double[]> out = new ArrayList<>(points.size());
        for (double[] p : points) {
            out.add(p.clone());
        }
        return out;
    }

    public int count() {
        return points.size();
    }

    /**
     * The statistic {@code stat} of the values: first, last, min, max, sum, mean or count; NaN for an empty series
     * (count: 0).
     */
    public double stat(String stat) {
        if (stat.equals("count")) {
            return points.size();
        }
        if (points.isEmpty()) {
            return Double.NaN;
        }
        return switch (stat) {
            case "first" -> points.get(0)[1];
            case "last" -> points.get(points.size() - 1)[1];
            case "min" -> points.stream().mapToDouble(p -> p[1]).min().orElseThrow();
            case "max" -> points.stream().mapToDouble(p -> p[1]).max().orElseThrow();
            case "sum" -> points.stream().mapToDouble(p -> p[1]).sum();
            case "mean" -> points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
            default -> throw new IllegalArgumentException("unknown statistic " + stat);
        };
    }

    /** The statistics a check may name. */
    static final List<String> STATS = List.of("first", "last", "min", "max", "sum", "mean", "count");

    /** The summary a report shows: count, first, last, min, max, mean, sum. */
    Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", points.size());
        for (String s : List.of("first", "last", "min", "max", "mean", "sum")) {
            out.put(s, Numbers.plain(stat(s)));
        }
        return out;
    }
}
