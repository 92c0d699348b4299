package dev.comet.sim.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a scenario run found: each check with its observed value, each series, the handlers' work, the operations'
 * counts, the script's notes; then what the run cost (wall time, the simulation threads' CPU time, the collectors'
 * time, peak heap, the heap left after a collection at each virtual hour: how a soak shows a leak), which is not part
 * of the seeded report.
 * An immutable value.
 */
public record ScenarioReport(String name, String file, long seed, int nodes, boolean withoutHandlers,
                             long durationSeconds, List<CheckResult> checks, List<SeriesResult> series,
                             Map<String, Object> totals, List<String> notes, double wallSeconds, Double cpuSeconds,
                             double gcSeconds, long peakHeapMb, List<Long> heapByHourMb) {
    public ScenarioReport {
        checks = List.copyOf(checks);
        series = List.copyOf(series);
        totals = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(totals));
        notes = List.copyOf(notes);
    }

    /** One check's outcome: its expectation, the value observed and whether it held. */
    public record CheckResult(String name, String expectation, String observed, boolean passed, int line,
                              double atSeconds) {
    }

    /** One series: its points ({time s, value}) and summary. */
    public record SeriesResult(String name, List<double[]> points, Map<String, Object> summary) {
        public SeriesResult {
            points = List.copyOf(points);
            summary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summary));
        }
    }

    /** True when every check held. */
    public boolean passed() {
        return checks.stream().allMatch(CheckResult::passed);
    }

    public long checksFailed() {
        return checks.stream().filter(c -> !c.passed()).count();
    }

    /** The report as a person reads it, without the measurements: the same seed gives the same text. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "scenario %s (%s): seed %d, %d nodes, %d virtual seconds%s%n", name, file,
                seed, nodes, durationSeconds, withoutHandlers ? ", WITHOUT HANDLERS" : ""));
        out.append(String.format(Locale.ROOT, "%nchecks%n"));
        for (CheckResult c : checks) {
            out.append(String.format(Locale.ROOT, "  %s  %s: %s; observed %s (line %d, at %s s)%n",
                    c.passed() ? "PASS" : "FAIL", c.name(), c.expectation(), c.observed(), c.line(),
                    Numbers.text(c.atSeconds())));
        }
        if (checks.isEmpty()) {
            out.append("  (none)\n");
        }
        out.append(String.format(Locale.ROOT, "%nseries%n"));
        for (SeriesResult s : series) {
            StringBuilder summary = new StringBuilder();
            s.summary().forEach((k, v) -> summary.append(summary.length() == 0 ? "" : ", ").append(k).append(' ')
                    .append(v == null ? "-" : v));
            out.append(String.format(Locale.ROOT, "  %-28s %s%n", s.name(), summary));
        }
        if (series.isEmpty()) {
            out.append("  (none)\n");
        }
        out.append(String.format(Locale.ROOT, "%ntotals%n"));
        totals.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-28s %s%n", k, v)));
        if (!notes.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nnotes%n"));
            notes.forEach(n -> out.append("  ").append(n).append('\n'));
        }
        out.append(String.format(Locale.ROOT, "%n%s: %d of %d checks passed%n", passed() ? "PASSED" : "FAILED",
                checks.size() - checksFailed(), checks.size()));
        return out.toString();
    }

    /** The measurements, one line: not part of the seeded report. */
    public String measurements() {
        String cpu = cpuSeconds == null ? "unmeasured" : String.format(Locale.ROOT, "%.2f s", cpuSeconds);
        String line = String.format(Locale.ROOT, "measured: wall %.2f s (simulation threads %s of CPU, collectors %.2f s),"
                + " peak heap %d MiB", wallSeconds, cpu, gcSeconds, peakHeapMb);
        if (heapByHourMb.size() < 2) {
            return line;
        }
        long first = heapByHourMb.get(0);
        long last = heapByHourMb.get(heapByHourMb.size() - 1);
        return line + String.format(Locale.ROOT, "; heap after a collection: %d MiB at virtual hour 1, %d MiB at hour "
                + "%d (%+.1f %%)", first, last, heapByHourMb.size(), 100.0 * (last - first) / Math.max(1, first));
    }

    /** The report as JSON fields (plain maps, lists, strings and numbers), measurements included. */
    public Map<String, Object> fields() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", name);
        out.put("file", file);
        out.put("seed", seed);
        out.put("nodes", nodes);
        out.put("without_handlers", withoutHandlers);
        out.put("virtual_seconds", durationSeconds);
        out.put("passed", passed());
        List<Map<String, Object>> cs = new ArrayList<>();
        for (CheckResult c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("passed", c.passed());
            m.put("expected", c.expectation());
            m.put("observed", c.observed());
            m.put("line", c.line());
            m.put("at_seconds", Numbers.plain(c.atSeconds()));
            cs.add(m);
        }
        out.put("checks", cs);
        List<Map<String, Object>> ss = new ArrayList<>();
        for (SeriesResult s : series) {
            Map<String, Object> m = new LinkedHashMap<>(s.summary());
            m.put("name", s.name());
            List<List<Object>> points = new ArrayList<>();
            for (double[] p : s.points()) {
                points.add(List.of(Numbers.plain(p[0]), Numbers.plain(p[1]) == null ? "NaN" : Numbers.plain(p[1])));
            }
            m.put("points", points);
            ss.add(m);
        }
        out.put("series", ss);
        out.putAll(totals);
        out.put("notes", notes);
        out.put("wall_seconds", wallSeconds);
        out.put("cpu_seconds", cpuSeconds);
        out.put("gc_seconds", gcSeconds);
        out.put("peak_heap_mb", peakHeapMb);
        out.put("heap_after_gc_by_hour_mb", heapByHourMb);
        return out;
    }
}
