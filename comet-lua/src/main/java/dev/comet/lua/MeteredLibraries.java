package dev.comet.lua;

import java.util.function.Supplier;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Metered replacements for the LuaJ 3.0.1 library functions that loop or allocate inside one Java call, where the
 * instruction hook never runs (see {@code shared/notes/luaj-sandbox.md}): each charges its work to the current
 * invocation's {@link Meter} (steps as instructions, output as an allocation checked before it happens) and keeps
 * the results of Lua 5.2 for valid input.
 *
 * <ul>
 *   <li>string.find / match / gmatch / gsub: our own Lua 5.2 pattern matcher ({@link MeteredPattern}), one step per
 *       matcher step and backtrack, bounded choice stack (Lua error "pattern too complex", never a stack
 *       overflow); plain find charges every position scanned and byte compared; gsub charges its output as it
 *       grows, before growing it.</li>
 *   <li>string.rep: output length charged (in 64-bit arithmetic) before allocating; the separator of Lua 5.2.</li>
 *   <li>string.upper / lower: length charged; byte-wise ASCII, no locale.</li>
 *   <li>string.format: our own ({@link MeteredFormat}), output charged as it grows.</li>
 *   <li>table.concat: lengths summed and charged before building; one step per element.</li>
 *   <li>table.unpack: the count charged as steps, then its array as an allocation, before anything is built.</li>
 *   <li>table.insert / remove: the shift charged as steps.</li>
 *   <li>table.sort: n·log2(n) comparisons charged up front, further comparator calls as they happen, and the bytes
 *       two strings may compare before they are compared; time and memory checked every 64 comparisons;
 *       comparator errors propagate.</li>
 *   <li>table.insert / remove / sort refuse the sandbox's read-only tables (their raw writes would go around the
 *       lock).</li>
 * </ul>
 * LuaJ's own string.byte, char, sub, reverse, table.pack, math.max, min and the base functions error and tonumber
 * stay in place behind a {@link Charged} wrapper that charges their cost, computed from their arguments, before they
 * run (issue #10). Every other function an object can reach does constant work or walks only what has been charged
 * already ({@code SandboxTest.everyLibraryFunctionIsChargedOrConstantCost} keeps the list).
 */
public final class MeteredLibraries {
    /** Largest number of values table.unpack returns (the Lua 5.2 stack limit). */
    static final int MAX_UNPACK = 1_000_000;

    private MeteredLibraries() {
    }

    /** A Lua error raised by a library function: like Lua 5.2's, it carries no position of the calling code. */
    static LuaError luaError(String message) {
        return new LuaError(message, 0);
    }

    /** Argument i as a string; a number becomes the string Lua 5.2 writes for it. */
    static LuaString checkString(Varargs args, int i) {
        LuaValue v = args.arg(i);
        if (v.type() == LuaValue.TNUMBER) {
            return LuaValue.valueOf(MeteredFormat.numberToString(v.todouble()));
        }
        return args.checkstring(i);
    }

    /** Optional argument i as a string, the empty string when absent or nil. */
    static LuaString optString(Varargs args, int i) {
        return args.isnoneornil(i) ? LuaValue.EMPTYSTRING : checkString(args, i);
    }

    /** A string or number value as a string (numbers as Lua 5.2 writes them). */
    static LuaString toLuaString(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return LuaValue.valueOf(MeteredFormat.numberToString(v.todouble()));
        }
        return v.strvalue();
    }

    /** Lua 5.2's "bad argument #i to 'f' (message)". */
    static LuaError argError(int arg, String function, String message) {
        return luaError("bad argument #" + arg + " to '" + function + "' (" + message + ")");
    }

    /**
     * Replaces the metered functions in the (still writable) {@code string} and {@code table} library tables. Each
     * call takes the running invocation's meter from {@code meter}.
     */
    public static void install(LuaTable string, LuaTable table, Supplier<Meter> meter) {
        string.set("rep", new Rep(meter));
        string.set("find", new Find(meter, true));
        string.set("match", new Find(meter, false));
        string.set("gmatch", new Gmatch(meter));
        string.set("gsub", new Gsub(meter));
        string.set("upper", new Case(meter, true));
        string.set("lower", new Case(meter, false));
        string.set("format", new Format(meter));
        table.set("concat", new Concat(meter));
        table.set("unpack", new Unpack(meter));
        table.set("insert", new Insert(meter));
        table.set("remove", new Remove(meter));
        table.set("sort", new Sort(meter));
        // LuaJ's own implementations, charged before they run: their cost follows from their arguments
        string.set("byte", new Charged(string.get("byte"), meter, MeteredLibraries::chargeByte));
        string.set("char", new Charged(string.get("char"), meter, (m, args) -> {
            m.charge(1 + (long) args.narg());
            MeteredBuffer.allocation(m, args.narg());
        }));
        string.set("sub", new Charged(string.get("sub"), meter, MeteredLibraries::chargeSub));
        string.set("reverse", new Charged(string.get("reverse"), meter, (m, args) -> {
            LuaValue s = args.arg1();
            long n = s.isstring() ? toLuaString(s).m_length : 0;
            m.charge(1 + n / BYTES_PER_STEP);
            MeteredBuffer.allocation(m, n);
        }));
        table.set("pack", new Charged(table.get("pack"), meter, (m, args) -> {
            m.charge(1 + (long) args.narg());
            MeteredBuffer.memory(m, VALUE_BYTES * args.narg());
        }));
    }

    /**
     * Charges the base functions an object's environment exposes whose cost grows with their arguments, in
     * {@code globals} (a library table, still writable): {@code error} converts its message to a Java string (and
     * pcall back), {@code tonumber} copies a numeral into a char array. The others are constant-cost, or walk only
     * what the meter already charged (see {@code MeteredLibrariesTest.everyLibraryFunctionIsChargedOrConstantCost}).
     */
    public static void installBase(LuaTable globals, Supplier<Meter> meter) {
        globals.set("error", new Charged(globals.get("error"), meter, (m, args) -> {
            LuaValue message = args.arg1();
            m.charge(1);
            if (message.isstring()) {
                // LuaJ turns the message into a Java string now (a char array, then a String: three bytes a byte),
                // and a pcall that catches it back into a Lua string with its position (two or three more)
                MeteredBuffer.memory(m, 6L * toLuaString(message).m_length);
            }
        }));
        globals.set("tonumber", new Charged(globals.get("tonumber"), meter, (m, args) -> {
            LuaValue v = args.arg1();
            long n = v.type() == LuaValue.TSTRING ? v.rawlen() : 0;
            m.charge(1 + n / BYTES_PER_STEP);
            MeteredBuffer.memory(m, 4L * n);
        }));
    }

    /** Charges math.max and math.min, which loop over their arguments, one step each. */
    public static void installMath(LuaTable math, Supplier<Meter> meter) {
        for (String name : new String[] {"max", "min"}) {
            math.set(name, new Charged(math.get(name), meter, (m, args) -> m.charge(1 + (long) args.narg())));
        }
    }

    /** Bytes of heap one Lua value takes in an array of results (a reference and, at worst, a boxed number). */
    static final long VALUE_BYTES = 16;
    /** Bytes a library function may scan or copy for one instruction's charge. */
    static final long BYTES_PER_STEP = 64;

    /** The 5.2 posrelat of an optional integer argument, or {@code absent} when the argument is none or nil. */
    private static long position(Varargs args, int i, long absent, long length) {
        LuaValue v = args.arg(i);
        if (v.isnil()) {
            return absent;
        }
        long pos = v.isnumber() ? (long) v.todouble() : absent;  // a bad argument fails in the function itself
        return pos >= 0 ? pos : Math.max(0, length + pos + 1);
    }

    /** string.byte(s, i, j): one result per byte of the range, each a value in the result array. */
    private static void chargeByte(Meter meter, Varargs args) {
        LuaValue s = args.arg1();
        long length = s.isstring() ? toLuaString(s).m_length : 0;
        long from = Math.max(1, position(args, 2, 1, length));
        long to = Math.min(length, position(args, 3, from, length));
        long n = Math.max(0, to - from + 1);
        meter.charge(1 + n);
        MeteredBuffer.memory(meter, VALUE_BYTES * n);
    }

    /** string.sub(s, i, j): charged as a copy of the range (LuaJ shares the bytes of a long enough range). */
    private static void chargeSub(Meter meter, Varargs args) {
        LuaValue s = args.arg1();
        long length = s.isstring() ? toLuaString(s).m_length : 0;
        long from = Math.max(1, position(args, 2, 1, length));
        long to = Math.min(length, position(args, 3, length, length));
        long n = Math.max(0, to - from + 1);
        meter.charge(1 + n / BYTES_PER_STEP);
        MeteredBuffer.allocation(meter, n);
    }

    /** What a library function costs, computed from its arguments, charged before it runs. */
    @FunctionalInterface
    interface Cost {
        void charge(Meter meter, Varargs args);
    }

    /** A LuaJ library function whose cost is charged to the current invocation's meter before it runs. */
    private static final class Charged extends Metered {
        private final LuaValue function;
        private final Cost cost;

        Charged(LuaValue function, Supplier<Meter> meters, Cost cost) {
            super(((LuaFunction) function).name(), meters);
            this.function = function;
            this.cost = cost;
        }

        @Override
        public Varargs invoke(Varargs args) {
            cost.charge(meter(), args);
            return function.invoke(args);
        }
    }

    /** A library function that finds the current invocation's meter at every call. */
    private abstract static class Metered extends VarArgFunction {
        private final Supplier<Meter> meters;

        Metered(String name, Supplier<Meter> meters) {
            this.name = name;
            this.meters = meters;
        }

        Meter meter() {
            Meter m = meters.get();
            if (m == null) {
                throw new LuaError("string/table library called outside a metered invocation");
            }
            return m;
        }

        Supplier<Meter> meters() {
            return meters;
        }
    }

    // ------------------------------------------------------------------------------------------------------ string

    private static final class Rep extends Metered {
        Rep(Supplier<Meter> m) {
            super("rep", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaString s = checkString(args, 1);
            double count = args.checkdouble(2);
            LuaString sep = optString(args, 3);
            meter.charge(1);
            long n = (long) count;  // saturates; NaN gives 0
            if (n <= 0) {
                return LuaValue.EMPTYSTRING;
            }
            long l = s.m_length;
            long lsep = sep.m_length;
            long total = saturatingAdd(saturatingMultiply(l, n), saturatingMultiply(lsep, n - 1));
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

    static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return Long.MAX_VALUE;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static final class Find extends Metered {
        private final boolean find;

        Find(Supplier<Meter> m, boolean find) {
            super(find ? "find" : "match", m);
            this.find = find;
        }

        @Override
        public Varargs invoke(Varargs args) {
            return MeteredPattern.find(meter(), args, find);
        }
    }

    private static final class Gmatch extends Metered {
        Gmatch(Supplier<Meter> m) {
            super("gmatch", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaString s = checkString(args, 1);
            LuaString p = checkString(args, 2);
            meter.charge(1);
            return new GmatchIterator(meters(), new MeteredPattern(meter, s, p, false));
        }
    }

    private static final class GmatchIterator extends Metered {
        private final MeteredPattern matcher;
        private int position;

        GmatchIterator(Supplier<Meter> m, MeteredPattern matcher) {
            super("gmatch_aux", m);
            this.matcher = matcher;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            meter.charge(1);
            if (position > matcher.srcLen) {
                return LuaValue.NONE;
            }
            matcher.useMeter(meter);
            Varargs result = matcher.gmatchStep(position);
            position = matcher.next;
            return result;
        }
    }

    private static final class Gsub extends Metered {
        Gsub(Supplier<Meter> m) {
            super("gsub", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            return MeteredPattern.gsub(meter(), args);
        }
    }

    private static final class Case extends Metered {
        private final boolean upper;

        Case(Supplier<Meter> m, boolean upper) {
            super(upper ? "upper" : "lower", m);
            this.upper = upper;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaString s = checkString(args, 1);
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

    private static final class Format extends Metered {
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

    // ------------------------------------------------------------------------------------------------------- table

    /** luaL_len: the length with __len, which must be a number. */
    static int luaLength(LuaValue t) {
        LuaValue n = t.len();
        if (!n.isnumber()) {
            throw luaError("object length is not a number");
        }
        return n.toint();
    }

    /** {@code t}, unless it is one of the sandbox's read-only tables, whose raw writes would go around the lock. */
    static LuaTable writable(LuaTable t) {
        if (Sandbox.isLocked(t)) {
            throw luaError("attempt to modify a read-only table");
        }
        return t;
    }

    private static final class Concat extends Metered {
        Concat(Supplier<Meter> m) {
            super("concat", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaString sep = optString(args, 2);
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
                    throw luaError("invalid value (" + v.typename() + ") at index " + k + " in table for 'concat'");
                }
                total += toLuaString(v).m_length;
                if (++pending >= 1024) {
                    meter.charge(pending);
                    pending = 0;
                }
            }
            meter.charge(pending);
            long count = (long) j - i + 1;
            total = saturatingAdd(total, saturatingMultiply(sep.m_length, count - 1));
            MeteredBuffer.allocation(meter, total);
            if (total > Integer.MAX_VALUE - 16) {
                meter.trip(Limit.STRING_SIZE, total + " bytes");
            }
            byte[] out = new byte[(int) total];
            int at = 0;
            for (long k = i; k <= j; k++) {
                LuaString s = toLuaString(t.rawget((int) k));
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

    private static final class Unpack extends Metered {
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
                throw luaError("too many results to unpack");
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

    private static final class Insert extends Metered {
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
                        throw argError(2, "insert", "position out of bounds");
                    }
                    meter.charge(1 + (long) e - pos);
                    for (int k = e; k > pos; k--) {
                        t.rawset(k, t.rawget(k - 1));
                    }
                    break;
                }
                default:
                    throw luaError("wrong number of arguments to 'insert'");
            }
            t.rawset(pos, args.arg(args.narg()));
            return LuaValue.NONE;
        }
    }

    private static final class Remove extends Metered {
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
                throw argError(1, "remove", "position out of bounds");
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

    private static final class Sort extends Metered {
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
                    throw argError(2, "sort", "function expected, got " + comparator.typename());
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

    /**
     * Heapsort: in place, at most about 2·n·log2(n) comparisons whatever the comparator answers (an inconsistent
     * comparator gives some order, never an endless loop or an out-of-bounds access).
     */
    private static final class HeapSort {
        /** Comparisons between two checks of time and memory (a power of two). */
        private static final int CHECK_EVERY = 64;
        private final Meter meter;
        private final LuaValue comparator;
        private long prepaid;
        private long comparisons;

        HeapSort(Meter meter, LuaValue comparator, long prepaid) {
            this.meter = meter;
            this.comparator = comparator;
            this.prepaid = prepaid;
        }

        void sort(LuaValue[] a) {
            int n = a.length;
            for (int root = n / 2 - 1; root >= 0; root--) {
                siftDown(a, root, n);
            }
            for (int end = n - 1; end > 0; end--) {
                LuaValue x = a[0];
                a[0] = a[end];
                a[end] = x;
                siftDown(a, 0, end);
            }
        }

        private void siftDown(LuaValue[] a, int root, int end) {
            for (;;) {
                int child = 2 * root + 1;
                if (child >= end) {
                    return;
                }
                if (child + 1 < end && less(a[child], a[child + 1])) {
                    child++;
                }
                if (!less(a[root], a[child])) {
                    return;
                }
                LuaValue x = a[root];
                a[root] = a[child];
                a[child] = x;
                root = child;
            }
        }

        private boolean less(LuaValue x, LuaValue y) {
            if (--prepaid < 0) {
                meter.charge(1);
            }
            if ((++comparisons & (CHECK_EVERY - 1)) == 0) {
                // time and memory too: a sort can compare long strings for a long time between two instructions
                meter.checkpoint();
            }
            if (comparator == null) {
                if (x.type() == LuaValue.TSTRING && y.type() == LuaValue.TSTRING) {
                    // comparing two long strings scans them: charged by the bytes it may compare, before it does
                    meter.charge(Math.min(x.rawlen(), y.rawlen()) / BYTES_PER_STEP);
                }
                return lessThan(x, y);
            }
            return comparator.call(x, y).toboolean();
        }
    }

    /** The {@code <} of Lua 5.2: numbers, strings (byte-wise), else the __lt metamethod of either operand. */
    static boolean lessThan(LuaValue x, LuaValue y) {
        int tx = x.type();
        int ty = y.type();
        if (tx == LuaValue.TNUMBER && ty == LuaValue.TNUMBER) {
            return x.todouble() < y.todouble();
        }
        if (tx == LuaValue.TSTRING && ty == LuaValue.TSTRING) {
            return compareBytes((LuaString) x, (LuaString) y) < 0;
        }
        LuaValue handler = x.metatag(LuaValue.LT);
        if (handler.isnil()) {
            handler = y.metatag(LuaValue.LT);
        }
        if (handler.isnil()) {
            throw luaError(tx == ty ? "attempt to compare two " + x.typename() + " values"
                    : "attempt to compare " + x.typename() + " with " + y.typename());
        }
        return handler.call(x, y).toboolean();
    }

    private static int compareBytes(LuaString a, LuaString b) {
        if (a == b) {
            return 0;
        }
        // the JDK's vectorised comparison: the bytes per charged step hold on a cold JVM too
        return java.util.Arrays.compareUnsigned(a.m_bytes, a.m_offset, a.m_offset + a.m_length,
                b.m_bytes, b.m_offset, b.m_offset + b.m_length);
    }
}
