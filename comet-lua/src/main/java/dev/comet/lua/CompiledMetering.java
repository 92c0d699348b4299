package dev.comet.lua;

import org.luaj.vm2.Buffer;
import org.luaj.vm2.ErrorPositions;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * What a compiled handler's code calls to be metered (see {@link HandlerCompiler}): the instructions of each basic
 * block as it is entered, the call depth at each function's entry and exit, and a concatenation's result before it
 * is built. The interpreter's {@link MeteringDebugLib} does the same per instruction; this is the per-block form
 * WebAssembly engines call fuel.
 *
 * <p>One per sandbox, so one per worker thread: every class compiled on that sandbox holds it in a static field.
 * Owns the running invocation's meter for compiled code and its call depth. Public only because generated classes,
 * in class loaders of their own, must reach it; no Lua value leads to it.
 */
public final class CompiledMetering {
    /** A value that is not a string becomes one of a few dozen bytes at most when concatenated (a number). */
    private static final int NON_STRING_BYTES = 32;

    /** The running invocation's meter, null between invocations, so that any block reaches the refusal. */
    private Meter meter;
    private int depth;
    /** Bytes of the operands of the concatenation being built (one CONCAT instruction at a time). */
    private long concatBytes;

    /** The same sandbox's interpreter metering, whose frames count toward the same depth bound. */
    private final MeteringDebugLib interpreted;

    CompiledMetering(MeteringDebugLib interpreted) {
        this.interpreted = interpreted;
    }

    /** Compiled Lua frames open now. */
    int depth() {
        return depth;
    }

    /** Starts metering an invocation. */
    void begin(Meter invocation) {
        meter = invocation;
        depth = 0;
    }

    /** Ends it: compiled code that runs from now on, outside an invocation, is refused. */
    void reset() {
        meter = null;
        depth = 0;
    }

    /**
     * Charges a basic block's {@code instructions} as it is entered; every loop passes through one. A block that
     * would pass the limit, or that comes after a limit was hit, is stopped before it runs, as the interpreter's next
     * instruction would be ({@link Meter#step}).
     */
    public void block(int instructions) {
        running().step(instructions);
    }

    /** A compiled function starts: bounds the call depth as the interpreter does, before the frame counts. */
    public void enter() {
        Meter m = running();
        if (depth + interpreted.depth() >= m.limits().callDepth()) {
            m.trip(Limit.CALL_DEPTH, (depth + interpreted.depth()) + " nested calls");
        }
        depth++;
    }

    /** A compiled function returns or throws. */
    public void exit() {
        if (depth > 0) {
            depth--;
        }
    }

    /**
     * A compiled function ends with {@code thrown}: its frame leaves the depth, and the error is what the interpreter
     * would throw, a Lua error (an exception of LuaJ's wrapped, as the interpreter wraps it) placed at the line of
     * the innermost Lua function, {@code owner}'s, when no inner function placed it. Errors (limits) go as they are.
     */
    public Throwable failed(Throwable thrown, String owner, String source) {
        exit();
        if (thrown instanceof Error) {
            return thrown;
        }
        LuaError error = thrown instanceof LuaError e ? e : new LuaError(thrown);
        if (!ErrorPositions.placed(error)) {
            ErrorPositions.place(error, source + ":" + lineIn(thrown, owner));
        }
        return error;
    }

    /** The Lua line {@code owner}'s code was at when {@code thrown} was made (its classes carry the real lines). */
    private static String lineIn(Throwable thrown, String owner) {
        for (StackTraceElement frame : thrown.getStackTrace()) {
            if (frame.getClassName().equals(owner) && frame.getLineNumber() > 0) {
                return String.valueOf(frame.getLineNumber());
            }
        }
        return "?";
    }

    private Meter running() {
        Meter m = meter;
        if (m == null) {
            // as MeteringDebugLib: Java reached an object's Lua outside an invocation, and it does not run
            throw new UnmeteredLua();
        }
        return m;
    }

    /** {@code left .. right}, its result charged before it is built (replaces LuaValue.concat(LuaValue) in compiled code). */
    public LuaValue concat(LuaValue left, LuaValue right) {
        running().chargeAllocation(bytes(left) + bytes(right));
        return left.concat(right);
    }

    /**
     * The buffer a concatenation of more than two operands starts from, its last operand (replaces LuaValue.buffer()):
     * the operands' bytes are counted from here.
     */
    public Buffer buffer(LuaValue last) {
        running();
        concatBytes = bytes(last);
        return last.buffer();
    }

    /**
     * {@code left} put before the buffer, the concatenation so far charged first as the interpreter charges a whole
     * one: its buffers take about three times its operands' bytes.
     */
    public Buffer concat(LuaValue left, Buffer right) {
        long total = concatBytes + bytes(left);
        running().chargeAllocation(total * MeteringDebugLib.CONCAT_FACTOR_MANY);
        Buffer result = left.concat(right);
        // a __concat metamethod that ran inside may have counted its own concatenations meanwhile
        concatBytes = total;
        return result;
    }

    /** A numeric for's start, checked and converted as the interpreter's FORPREP does (see BlockMetering). */
    public static LuaValue forStart(LuaValue start) {
        return start.checknumber("'for' initial value must be a number");
    }

    /** A numeric for's limit, checked and converted as the interpreter's FORPREP does. */
    public static LuaValue forLimit(LuaValue limit) {
        return limit.checknumber("'for' limit must be a number");
    }

    /** A numeric for's step, checked and converted as the interpreter's FORPREP does. */
    public static LuaValue forStep(LuaValue step) {
        return step.checknumber("'for' step must be a number");
    }

    private static long bytes(LuaValue value) {
        return value.type() == LuaValue.TSTRING ? value.rawlen() : NON_STRING_BYTES;
    }
}
