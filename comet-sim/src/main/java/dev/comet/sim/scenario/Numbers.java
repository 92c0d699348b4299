package dev.comet.sim.scenario;

import java.util.Locale;

/**
 * How a scenario's reports show values: integers as integers, other numbers to four decimals (NaN as null), strings
 * quoted with their special characters escaped. Stateless.
 */
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

    /** A Lua value as a report shows it: "nothing" for nil, numbers as {@link #text}, strings quoted and escaped. */
    static String show(org.luaj.vm2.LuaValue v) {
        if (v.isnil()) {
            return "nothing";
        }
        if (v.type() == org.luaj.vm2.LuaValue.TNUMBER) {
            return text(v.todouble());
        }
        if (v.type() != org.luaj.vm2.LuaValue.TSTRING) {
            return v.tojstring();
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : v.tojstring().toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 32 ? String.format("\\%03d", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
