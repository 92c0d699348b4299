package dev.comet.lua;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LocVars;
import org.luaj.vm2.Prototype;

/**
 * A function's prototype as {@link HandlerCompiler} hands it to LuaJC: a copy that starts with a jump to the next
 * instruction, and has each instruction's index (plus one) as its line. LuaJC's code for a function's first
 * instruction also sets up its registers, so a loop back to it would clear them: with the extra first instruction
 * no jump lands there. The lines make LuaJC's classes say where each instruction's code starts. Holds, per
 * instruction of the copy, the basic block it starts and its real line. Immutable once made; the original
 * prototype, which the interpreter shares, is never changed.
 */
final class CompilerInput {
    /** A JMP with A = 0 and sBx = 0: on to the next instruction. */
    private static final int NO_OP = (Lua.OP_JMP << Lua.POS_OP) | (Lua.MAXARG_sBx << Lua.POS_Bx);

    /** What LuaJC compiles. */
    final Prototype copy;
    /** Instructions in the block each instruction of the copy starts (0: none; the extra first one charges none). */
    final int[] blockSizes;
    /** The real line of each instruction of the copy. */
    final int[] realLines;
    /** The inputs of the function's own functions, in the prototype's order. */
    final CompilerInput[] children;

    private CompilerInput(Prototype copy, int[] blockSizes, int[] realLines, CompilerInput[] children) {
        this.copy = copy;
        this.blockSizes = blockSizes;
        this.realLines = realLines;
        this.children = children;
    }

    static CompilerInput of(Prototype original) {
        int n = original.code.length;
        Prototype copy = new Prototype();
        copy.code = new int[n + 1];
        copy.code[0] = NO_OP;
        System.arraycopy(original.code, 0, copy.code, 1, n);
        copy.lineinfo = new int[n + 1];
        int[] realLines = new int[n + 1];
        for (int pc = 0; pc <= n; pc++) {
            copy.lineinfo[pc] = pc + 1;
            int from = Math.max(0, pc - 1);
            realLines[pc] = from < original.lineinfo.length ? original.lineinfo[from] : 0;
        }
        int[] sizes = BlockMetering.blockSizes(original);
        int[] blockSizes = new int[n + 1];
        // a jump's offset is relative: every instruction moved by one, every jump still lands where it did
        System.arraycopy(sizes, 0, blockSizes, 1, n);
        copy.k = original.k;
        copy.upvalues = original.upvalues;
        copy.source = original.source;
        copy.linedefined = original.linedefined;
        copy.lastlinedefined = original.lastlinedefined;
        copy.numparams = original.numparams;
        copy.is_vararg = original.is_vararg;
        copy.maxstacksize = original.maxstacksize;
        copy.locvars = new LocVars[original.locvars.length];
        for (int i = 0; i < copy.locvars.length; i++) {
            LocVars v = original.locvars[i];
            copy.locvars[i] = new LocVars(v.varname, v.startpc + 1, v.endpc + 1);
        }
        CompilerInput[] children = new CompilerInput[original.p.length];
        copy.p = new Prototype[original.p.length];
        for (int i = 0; i < children.length; i++) {
            children[i] = of(original.p[i]);
            copy.p[i] = children[i].copy;
        }
        return new CompilerInput(copy, blockSizes, realLines, children);
    }
}
