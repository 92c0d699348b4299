package dev.comet.sim.scenario;

import java.util.Locale;

/** How a scenario's reports show numbers: integers as integers, others to four decimals, NaN as null. */
final class Numbers {
    private Numbers() {
    }

    /** A Long for an integral value, a Double rounded to four decimals otherwise, null for NaN. */
    static Object plain(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return (long) v;
        }
        return Math.round(v * 10_000) / 10_000.0;
    }

    /** The text of {@link #plain}: "-" for NaN. */
    static String text(double v) {
        Object p = plain(v);
        return p == null ? "-" : p instanceof Long ? p.toString() : String.format(Locale.ROOT, "%.4g", (Double) p);
    }
}
