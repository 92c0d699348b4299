package dev.comet.aso;

/** How a sandbox runs objects' handlers; every limit holds on each (docs/performance.md, "Compiled handlers"). */
public enum HandlerEngine {
    /** LuaJ's interpreter, metered per instruction through its debug hook. */
    INTERPRETER,
    /**
     * Each object's code compiled to JVM classes, metered per basic block: faster once the JIT has compiled them,
     * slower before, and a few classes per distinct code. Code the compiler refuses runs on the interpreter.
     */
    COMPILED,
    /**
     * The interpreter first; a code is compiled once the objects that share it have run {@link #TIERED_AFTER}
     * invocations on the sandbox, and each of them is loaded again, compiled, from its live state at its next
     * invocation. Rarely run code never pays the compiler's milliseconds; hot code runs compiled.
     */
    TIERED;

    /** Invocations of one code on one sandbox after which {@link #TIERED} compiles it. */
    public static final int TIERED_AFTER = 1_000;
}
