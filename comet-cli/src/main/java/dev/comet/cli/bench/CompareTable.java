package dev.comet.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of {@code bench compare}: one measure of one scenario for Comet and for its peer, and their ratio. Owns the
 * rows added so far; a missing number is null, with a note saying why (e.g. the peer is not installed).
 */
public final class CompareTable {
    /** One measure; {@code higherIsBetter} says how to read the ratio (ops/s: above 1 is better for Comet). */
    public record Row(String scenario, String peer, String measure, boolean higherIsBetter, Double comet,
                      Double peerValue, String note) {
        public Double ratio() {
            return comet == null || peerValue == null || peerValue == 0 ? null : comet / peerValue;
        }
    }

    private final List<Row> rows = new ArrayList<>();

    public void add(String scenario, String peer, String measure, boolean higherIsBetter, Double comet, Double peerValue,
                    String note) {
        rows.add(new Row(scenario, peer, measure, higherIsBetter, comet, peerValue, note));
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** The rows that lack a number on either side, as "scenario measure (side)" lines. */
    public List<String> missing(boolean peersRequired) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.comet == null) {
                out.add(r.scenario + " " + r.measure + " (Comet)");
            }
            if (r.peerValue == null && peersRequired) {
                out.add(r.scenario + " " + r.measure + " (" + r.peer + ")");
            }
        }
        return out;
    }

    /** A fixed-width text table, one line per row. */
    public String format() {
        StringBuilder b = new StringBuilder();
        String fmt = "%-30s %-16s %-11s %12s %12s %11s  %s%n";
        b.append(String.format(Locale.ROOT, fmt, "scenario", "peer", "measure", "Comet", "peer", "Comet/peer", ""));
        for (Row r : rows) {
            String ratio = r.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.ratio());
            b.append(String.format(Locale.ROOT, fmt, r.scenario, r.peer, r.measure, number(r.comet), number(r.peerValue),
                    ratio, r.note == null ? "" : r.note));
        }
        return b.toString();
    }

    public List<Map<String, Object>> toMaps() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", r.scenario);
            m.put("peer", r.peer);
            m.put("measure", r.measure);
            m.put("higher_is_better", r.higherIsBetter);
            m.put("comet", r.comet);
            m.put("peer_value", r.peerValue);
            m.put("ratio", r.ratio() == null ? null : Math.round(r.ratio() * 1000) / 1000.0);
            if (r.note != null) {
                m.put("note", r.note);
            }
            out.add(m);
        }
        return out;
    }

    private static String number(Double v) {
        if (v == null) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
