package dev.comet.lua;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * LuaJ's interpreter calls its Globals' DebugLib on every call, instruction and return; this subclass only meters
 * (no stock bookkeeping, no {@code debug} table): it charges instructions to the current {@link Meter} (which checks
 * time and allocation every 64 instructions), bounds the call depth, and charges a CONCAT's result before the
 * instruction runs (one CONCAT can otherwise allocate many times the budget between two checks).
 *
 * <p>One per sandbox, so one per worker thread; its frame stack is that thread's.
 */
final class MeteringDebugLib extends DebugLib {
    /** LuaJ builds a CONCAT of more than two operands through intermediate buffers: ~2.75x the operands. */
    static final int CONCAT_FACTOR_MANY = 3;

    /** The running invocation's meter, set by the sandbox; a field, not a thread-local, on this per-instruction path. */
    private Meter meter;
    private Prototype[] prototypes = new Prototype[64];
    private LuaValue[][] stacks = new LuaValue[64][];
    private int depth;
    /** The same sandbox's metering of compiled code ({@link HandlerCompiler}), started and ended with this. */
    private final CompiledMetering compiled = new CompiledMetering(this);

    /** Starts metering an invocation. */
    void begin(Meter invocation) {
        meter = invocation;
        compiled.begin(invocation);
    }

    CompiledMetering compiled() {
        return compiled;
    }

    /** Interpreted Lua frames open now. */
    int depth() {
        return depth;
    }

    /** Forgets the frames of an invocation that ended, normally or not. */
    void reset() {
        meter = null;
        compiled.reset();
        for (int i = 0; i < depth; i++) {
            prototypes[i] = null;
            stacks[i] = null;
        }
        depth = 0;
    }

    @Override
    public void onCall(LuaFunction f) {
        if (meter != null) {
            meter.charge(1);
        }
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        if (meter == null) {
            // Java reached an object's Lua outside an invocation (a metamethod, a handler called directly): it
            // would run unmetered for as long as it likes, so it does not run. Thrown before LuaJ's try: no frame
            // was pushed, and LuaJ does not wrap it.
            throw new UnmeteredLua();
        }
        meter.check();
        // checked before pushing: LuaJ calls this outside its try, so a throw here gets no onReturn
        // one bound for both kinds of frame: an onUpdate may call an incoming object's functions, compiled or not
        if (depth + compiled.depth() >= meter.limits().callDepth()) {
            meter.trip(Limit.CALL_DEPTH, (depth + compiled.depth()) + " nested calls");
        }
        if (depth == prototypes.length) {
            prototypes = java.util.Arrays.copyOf(prototypes, depth * 2);
            stacks = java.util.Arrays.copyOf(stacks, depth * 2);
        }
        prototypes[depth] = c.p;
        stacks[depth] = stack;
        depth++;
    }

    @Override
    public void onReturn() {
        if (depth > 0) {
            depth--;
            prototypes[depth] = null;
            stacks[depth] = null;
        }
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if (meter == null) {
            // unreachable after onCall's refusal; kept so an instruction never runs unmetered whatever the path
            throw new UnmeteredLua();
        }
        meter.step(1);
        if (depth == 0) {
            return;
        }
        int instruction = prototypes[depth - 1].code[pc];
        if (Lua.GET_OPCODE(instruction) == Lua.OP_CONCAT) {
            chargeConcat(meter, stacks[depth - 1], Lua.GETARG_B(instruction), Lua.GETARG_C(instruction));
        }
    }

    private static void chargeConcat(Meter meter, LuaValue[] stack, int from, int to) {
        long total = 0;
        for (int r = from; r <= to && r < stack.length; r++) {
            LuaValue value = stack[r];
            total += value == null ? 0 : value.type() == LuaValue.TSTRING ? value.rawlen() : 32;
        }
        meter.chargeAllocation(to - from + 1 > 2 ? total * CONCAT_FACTOR_MANY : total);
    }

    @Override
    public String traceback(int level) {
        return "";
    }
}
