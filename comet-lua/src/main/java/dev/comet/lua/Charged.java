package dev.comet.lua;

import java.util.function.Supplier;

import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A LuaJ library function whose cost, computed from its arguments, is charged to the current invocation's meter
 * before it runs, so it needs no metered reimplementation (issue #10); and those costs. Holds the wrapped function
 * and its cost.
 */
final class Charged extends MeteredFunction {
    /** What a library function costs, computed from its arguments, charged before it runs. */
    @FunctionalInterface
    interface Cost {
        void charge(Meter meter, Varargs args);
    }

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

    // ------------------------------------------------------------------------------------------------------ costs

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
    static void chargeByte(Meter meter, Varargs args) {
        LuaValue s = args.arg1();
        long length = s.isstring() ? MeteredLibraries.toLuaString(s).m_length : 0;
        long from = Math.max(1, position(args, 2, 1, length));
        long to = Math.min(length, position(args, 3, from, length));
        long n = Math.max(0, to - from + 1);
        meter.charge(1 + n);
        MeteredBuffer.memory(meter, MeteredLibraries.VALUE_BYTES * n);
    }

    /** string.sub(s, i, j): charged as a copy of the range (LuaJ shares the bytes of a long enough range). */
    static void chargeSub(Meter meter, Varargs args) {
        LuaValue s = args.arg1();
        long length = s.isstring() ? MeteredLibraries.toLuaString(s).m_length : 0;
        long from = Math.max(1, position(args, 2, 1, length));
        long to = Math.min(length, position(args, 3, length, length));
        long n = Math.max(0, to - from + 1);
        meter.charge(1 + n / MeteredLibraries.BYTES_PER_STEP);
        MeteredBuffer.allocation(meter, n);
    }

    /** string.char(...): one byte of result per argument. */
    static void chargeChar(Meter meter, Varargs args) {
        meter.charge(1 + (long) args.narg());
        MeteredBuffer.allocation(meter, args.narg());
    }

    /** string.reverse(s): a copy of s. */
    static void chargeReverse(Meter meter, Varargs args) {
        LuaValue s = args.arg1();
        long n = s.isstring() ? MeteredLibraries.toLuaString(s).m_length : 0;
        meter.charge(1 + n / MeteredLibraries.BYTES_PER_STEP);
        MeteredBuffer.allocation(meter, n);
    }

    /** table.pack(...): a table of one value per argument. */
    static void chargePack(Meter meter, Varargs args) {
        meter.charge(1 + (long) args.narg());
        MeteredBuffer.memory(meter, MeteredLibraries.VALUE_BYTES * args.narg());
    }

    /** math.max and math.min loop over their arguments: one step each. */
    static void chargeArguments(Meter meter, Varargs args) {
        meter.charge(1 + (long) args.narg());
    }

    /** error(message): converts its message to a Java string (and pcall back). */
    static void chargeError(Meter meter, Varargs args) {
        LuaValue message = args.arg1();
        meter.charge(1);
        if (message.isstring()) {
            // LuaJ turns the message into a Java string now (a char array, then a String: three bytes a byte),
            // and a pcall that catches it back into a Lua string with its position (two or three more)
            MeteredBuffer.memory(meter, 6L * MeteredLibraries.toLuaString(message).m_length);
        }
    }

    /** tonumber(s): copies a numeral into a char array. */
    static void chargeTonumber(Meter meter, Varargs args) {
        LuaValue v = args.arg1();
        long n = v.type() == LuaValue.TSTRING ? v.rawlen() : 0;
        meter.charge(1 + n / MeteredLibraries.BYTES_PER_STEP);
        MeteredBuffer.memory(meter, 4L * n);
    }
}
