package dev.comet.lua;

import java.util.function.Supplier;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

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
 *
 * <p>This class installs them and holds what they share (arguments as strings, Lua errors, sizes that saturate
 * rather than overflow); the functions themselves are {@link StringFunctions}, {@link PatternFunctions},
 * {@link TableFunctions} and {@link Charged}.
 */
public final class MeteredLibraries {
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
        string.set("rep", new StringFunctions.Rep(meter));
        string.set("find", new PatternFunctions.Find(meter, true));
        string.set("match", new PatternFunctions.Find(meter, false));
        string.set("gmatch", new PatternFunctions.Gmatch(meter));
        string.set("gsub", new PatternFunctions.Gsub(meter));
        string.set("upper", new StringFunctions.Case(meter, true));
        string.set("lower", new StringFunctions.Case(meter, false));
        string.set("format", new StringFunctions.Format(meter));
        table.set("concat", new TableFunctions.Concat(meter));
        table.set("unpack", new TableFunctions.Unpack(meter));
        table.set("insert", new TableFunctions.Insert(meter));
        table.set("remove", new TableFunctions.Remove(meter));
        table.set("sort", new TableFunctions.Sort(meter));
        // LuaJ's own implementations, charged before they run: their cost follows from their arguments
        string.set("byte", new Charged(string.get("byte"), meter, Charged::chargeByte));
        string.set("char", new Charged(string.get("char"), meter, Charged::chargeChar));
        string.set("sub", new Charged(string.get("sub"), meter, Charged::chargeSub));
        string.set("reverse", new Charged(string.get("reverse"), meter, Charged::chargeReverse));
        table.set("pack", new Charged(table.get("pack"), meter, Charged::chargePack));
    }

    /**
     * Charges the base functions an object's environment exposes whose cost grows with their arguments, in
     * {@code globals} (a library table, still writable): {@code error} converts its message to a Java string (and
     * pcall back), {@code tonumber} copies a numeral into a char array. The others are constant-cost, or walk only
     * what the meter already charged (see {@code MeteredLibrariesTest.everyLibraryFunctionIsChargedOrConstantCost}).
     */
    public static void installBase(LuaTable globals, Supplier<Meter> meter) {
        globals.set("error", new Charged(globals.get("error"), meter, Charged::chargeError));
        globals.set("tonumber", new Charged(globals.get("tonumber"), meter, Charged::chargeTonumber));
    }

    /** Charges math.max and math.min, which loop over their arguments, one step each. */
    public static void installMath(LuaTable math, Supplier<Meter> meter) {
        for (String name : new String[] {"max", "min"}) {
            math.set(name, new Charged(math.get(name), meter, Charged::chargeArguments));
        }
    }

    /** Bytes of heap one Lua value takes in an array of results (a reference and, at worst, a boxed number). */
    static final long VALUE_BYTES = 16;
    /** Bytes a library function may scan or copy for one instruction's charge. */
    static final long BYTES_PER_STEP = 64;

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
}
