package dev.comet.lua;

import java.util.function.Supplier;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * table.concat, unpack, insert, remove and sort, metered: each charges its steps (and concat and unpack their
 * result) before doing the work; insert, remove and sort refuse the sandbox's read-only tables. No state; sort's
 * comparisons are {@link HeapSort}'s.
 */
final class TableFunctions {
    /** Largest number of values table.unpack returns (the Lua 5.2 stack limit). */
    static final int MAX_UNPACK = 1_000_000;

    private TableFunctions() {
    }

    /** luaL_len: the length with __len, which must be a number. */
    private static int luaLength(LuaValue t) {
        LuaValue n = t.len();
        if (!n.isnumber()) {
            throw MeteredLibraries.luaError("object length is not a number");
        }
        return n.toint();
    }

    /** {@code t}, unless it is one of the sandbox's read-only tables, whose raw writes would go around the lock. */
    private static LuaTable writable(LuaTable t) {
        if (ReadOnlyTables.isLocked(t)) {
            throw MeteredLibraries.luaError("attempt to modify a read-only table");
        }
        return t;
    }

    static final class Concat extends MeteredFunction {
        Concat(Supplier<Meter> m) {
            super("concat", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaString sep = MeteredLibraries.optString(args, 2);
            LuaTable t = args.checktable(1);
            int i = args.optint(3, 1);
            int j = args.isnoneornil(4) ? luaLength(t) : args.checkint(4);
            meter.charge(1);
            if (i > j) {
                return LuaValue.EMPTYSTRING;
            }
            // First pass: check every element and add up the lengths, one step per element.
            long total = 0;
            long pending = 0;
            for (long k = i; k <= j; k++) {
                LuaValue v = t.rawget((int) k);
                if (!v.isstring()) {
                    meter.charge(pending);
                    throw MeteredLibraries.luaError("invalid value (" + v.typename() + ") at index " + k + " in table for 'concat'");
                }
                total += MeteredLibraries.toLuaString(v).m_length;
                if (++pending >= 1024) {
                    meter.charge(pending);
                    pending = 0;
                }
            }
            meter.charge(pending);
            long count = (long) j - i + 1;
            total = MeteredLibraries.saturatingAdd(total, MeteredLibraries.saturatingMultiply(sep.m_length, count - 1));
            MeteredBuffer.allocation(meter, total);
            if (total > Integer.MAX_VALUE - 16) {
                meter.trip(Limit.STRING_SIZE, total + " bytes");
            }
            byte[] out = new byte[(int) total];
            int at = 0;
            for (long k = i; k <= j; k++) {
                LuaString s = MeteredLibraries.toLuaString(t.rawget((int) k));
                System.arraycopy(s.m_bytes, s.m_offset, out, at, s.m_length);
                at += s.m_length;
                if (k < j) {
                    System.arraycopy(sep.m_bytes, sep.m_offset, out, at, sep.m_length);
                    at += sep.m_length;
                }
            }
            return LuaString.valueUsing(out);
        }
    }

    static final class Unpack extends MeteredFunction {
        Unpack(Supplier<Meter> m) {
            super("unpack", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaTable t = args.checktable(1);
            int i = args.optint(2, 1);
            int e = args.isnoneornil(3) ? luaLength(t) : args.checkint(3);
            meter.charge(1);
            if (i > e) {
                return LuaValue.NONE;
            }
            long n = (long) e - i + 1;
            meter.charge(n);
            MeteredBuffer.memory(meter, 16L * n);
            if (n > MAX_UNPACK) {
                throw MeteredLibraries.luaError("too many results to unpack");
            }
            switch ((int) n) {
                case 1:
                    return t.rawget(i);
                case 2:
                    return LuaValue.varargsOf(t.rawget(i), t.rawget(i + 1));
                default: {
                    LuaValue[] values = new LuaValue[(int) n];
                    for (int k = 0; k < n; k++) {
                        values[k] = t.rawget(i + k);
                    }
                    return LuaValue.varargsOf(values);
                }
            }
        }
    }

    static final class Insert extends MeteredFunction {
        Insert(Supplier<Meter> m) {
            super("insert", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaTable t = writable(args.checktable(1));
            int e = luaLength(t) + 1;  // first empty element
            int pos;
            switch (args.narg()) {
                case 2:
                    meter.charge(1);
                    pos = e;
                    break;
                case 3: {
                    pos = args.checkint(2);
                    if (pos < 1 || pos > e) {
                        throw MeteredLibraries.argError(2, "insert", "position out of bounds");
                    }
                    meter.charge(1 + (long) e - pos);
                    for (int k = e; k > pos; k--) {
                        t.rawset(k, t.rawget(k - 1));
                    }
                    break;
                }
                default:
                    throw MeteredLibraries.luaError("wrong number of arguments to 'insert'");
            }
            t.rawset(pos, args.arg(args.narg()));
            return LuaValue.NONE;
        }
    }

    static final class Remove extends MeteredFunction {
        Remove(Supplier<Meter> m) {
            super("remove", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaTable t = writable(args.checktable(1));
            int size = luaLength(t);
            int pos = args.optint(2, size);
            if (pos != size && (pos < 1 || pos > size + 1)) {
                throw MeteredLibraries.argError(1, "remove", "position out of bounds");
            }
            meter.charge(1 + Math.max(0, (long) size - pos));
            LuaValue result = t.rawget(pos);
            for (; pos < size; pos++) {
                t.rawset(pos, t.rawget(pos + 1));
            }
            t.rawset(pos, LuaValue.NIL);
            return result;
        }
    }

    static final class Sort extends MeteredFunction {
        Sort(Supplier<Meter> m) {
            super("sort", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaTable t = writable(args.checktable(1));
            int n = luaLength(t);
            LuaValue comparator = null;
            if (!args.isnoneornil(2)) {
                comparator = args.arg(2);
                if (!comparator.isfunction()) {
                    throw MeteredLibraries.argError(2, "sort", "function expected, got " + comparator.typename());
                }
            }
            meter.charge(1);
            if (n <= 1) {
                return LuaValue.NONE;
            }
            long estimate = (long) n * (64 - Long.numberOfLeadingZeros(n));  // n * ceil(log2(n + 1))
            meter.charge(estimate);
            MeteredBuffer.memory(meter, 16L * n);
            LuaValue[] a = new LuaValue[n];
            for (int k = 0; k < n; k++) {
                a[k] = t.rawget(k + 1);
            }
            new HeapSort(meter, comparator, estimate).sort(a);
            for (int k = 0; k < n; k++) {
                t.rawset(k + 1, a[k]);
            }
            return LuaValue.NONE;
        }
    }
}
