package dev.comet.lua;

import java.util.function.Supplier;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * string.rep, upper, lower and format, metered: each charges its output before allocating it (format as its output
 * grows, in {@link MeteredFormat}). No state; the pattern functions are {@link PatternFunctions}.
 */
final class StringFunctions {
    private StringFunctions() {
    }

    static final class Rep extends MeteredFunction {
        Rep(Supplier<Meter> m) {
            super("rep", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaString s = MeteredLibraries.checkString(args, 1);
            double count = args.checkdouble(2);
            LuaString sep = MeteredLibraries.optString(args, 3);
            meter.charge(1);
            long n = (long) count;  // saturates; NaN gives 0
            if (n <= 0) {
                return LuaValue.EMPTYSTRING;
            }
            long l = s.m_length;
            long lsep = sep.m_length;
            long total = MeteredLibraries.saturatingAdd(MeteredLibraries.saturatingMultiply(l, n),
                    MeteredLibraries.saturatingMultiply(lsep, n - 1));
            if (total == 0) {
                return LuaValue.EMPTYSTRING;
            }
            MeteredBuffer.allocation(meter, total);  // trips the largest-string limit long before int overflow
            if (total > Integer.MAX_VALUE - 16) {
                meter.trip(Limit.STRING_SIZE, total + " bytes");
            }
            byte[] out = new byte[(int) total];
            // one unit "s..sep", then doubled copies of the filled prefix, then the last s
            int unit = (int) (l + lsep);
            System.arraycopy(s.m_bytes, s.m_offset, out, 0, (int) l);
            if (n > 1) {
                System.arraycopy(sep.m_bytes, sep.m_offset, out, (int) l, (int) lsep);
                int units = (int) (total - l);  // (n-1) units
                int filled = unit;
                while (filled < units) {
                    int chunk = Math.min(filled, units - filled);
                    System.arraycopy(out, 0, out, filled, chunk);
                    filled += chunk;
                }
                System.arraycopy(s.m_bytes, s.m_offset, out, units, (int) l);
            }
            return LuaString.valueUsing(out);
        }
    }

    static final class Case extends MeteredFunction {
        private final boolean upper;

        Case(Supplier<Meter> m, boolean upper) {
            super(upper ? "upper" : "lower", m);
            this.upper = upper;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaString s = MeteredLibraries.checkString(args, 1);
            int n = s.m_length;
            meter.charge(1);
            MeteredBuffer.allocation(meter, n);
            byte[] out = new byte[n];
            byte[] in = s.m_bytes;
            int off = s.m_offset;
            int from = upper ? 'a' : 'A';
            int to = upper ? 'z' : 'Z';
            int delta = upper ? 'A' - 'a' : 'a' - 'A';
            for (int i = 0; i < n; i++) {
                int c = in[off + i];
                out[i] = (byte) (c >= from && c <= to ? c + delta : c);
            }
            return LuaString.valueUsing(out);
        }
    }

    static final class Format extends MeteredFunction {
        Format(Supplier<Meter> m) {
            super("format", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            meter.charge(1);
            return MeteredFormat.format(meter, args);
        }
    }
}
