package dev.comet.lua;

import dev.comet.Lru;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.luajc.JavaGen;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compiles an object's Lua to JVM classes, metered: LuaJ's own compiler (LuaJC) generates a class per function, and
 * {@link BlockMetering} adds to each the charges the interpreter's debug hook makes per instruction, per basic block
 * instead. The JIT then compiles the handler as Java: the seed's {@code onGet} and loops run several times faster
 * (docs/performance.md, "Compiled handlers").
 *
 * <p>One per sandbox: the classes it makes hold that sandbox's {@link CompiledMetering}, and keep the last few
 * chunks compiled, by prototype, for the objects that share their code (a chunk's classes hold no object's data: its
 * upvalues are fields of each instance). Code LuaJC cannot compile, would compile wrong or slowly, or whose classes
 * cannot be proven metered is answered null: it runs on the interpreter.
 */
final class HandlerCompiler {
    private static final int CHUNKS_KEPT = 16;
    /** {@link #withinBudget}'s bounds: functions in a chunk, instructions in one, and its two costs. */
    static final int MAX_FUNCTIONS = 64;
    static final int MAX_FUNCTION_INSTRUCTIONS = 512;
    static final long COMPILE_BUDGET = 500_000;
    static final long JOIN_BUDGET = 20_000_000;
    private static final String CHUNK_CLASS = "comet_chunk";
    /** Held while LuaJC writes a chunk's classes (see {@link #compile}). */
    private static final Object BCEL = new Object();

    private final CompiledMetering metering;
    /** Invocations of a code after which it is compiled (0: at its first load). */
    private final int compileAfter;
    /** Chunks compiled, by their prototype (which ObjectEnvironment keeps for the same code), null for refused ones. */
    private final Map<Prototype, Class<?>> chunks = new Lru<>(CHUNKS_KEPT);
    /** Interpreted invocations of the codes not compiled yet, by prototype: the hottest few are counted. */
    private final Map<Prototype, long[]> invocations = new Lru<>(CHUNKS_KEPT * 4);

    /** Whether this JVM has compiled {@link #WARM_UP} yet. */
    private static boolean warm;
    /**
     * A chunk with locals, branches, loops, closures, varargs and concatenations, compiled once per JVM when the
     * first compiling sandbox is made: the compiler's own classes (LuaJC's, BCEL's, ASM's, the regular expressions
     * BCEL uses) are then loaded on that shallow stack, as {@link Warmup} does for everything a handler reaches.
     */
    static final String WARM_UP = """
            local seen = {}
            local function pick(t, ...)
              local n = select('#', ...)
              for i, v in ipairs(t) do if v == n then return i end end
              for k, v in pairs(t) do seen[k] = v .. '' .. n end
              while n > 0 do n = n - 1 end
              repeat n = n + 1 until n > 2
              return function() return n .. ',' .. #t .. ';' end
            end
            function onGet() return pick({1, 2, 3}, 'a', 'b')() end
            """;

    HandlerCompiler(CompiledMetering metering, int compileAfter) {
        this.metering = metering;
        this.compileAfter = compileAfter;
    }

    /** Compiles {@code warmUp}, {@link #WARM_UP} compiled to a prototype, if this JVM has compiled nothing yet. */
    void warmUp(Prototype warmUp) {
        synchronized (HandlerCompiler.class) {
            if (warm) {
                return;
            }
            warm = true;
        }
        Class<?> chunk = compile(warmUp, "=warm-up");
        if (chunk != null) {
            try {
                // reading its captured variables too, as RetainedData does when an object loads
                LuaFunction function = (LuaFunction) chunk.getDeclaredConstructor().newInstance();
                function.initupvalue1(LuaValue.NIL);
                forEachCaptured(function, cell -> { }, value -> { });
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a warm-up only: the classes it did not reach load later, at an object's load
            }
        }
    }

    /** An invocation of an interpreted object whose code is {@code prototype}. */
    void invoked(Prototype prototype) {
        // no lambda: this runs at every interpreted invocation, and a lambda's class would be made at the first
        long[] count = invocations.get(prototype);
        if (count == null) {
            count = new long[1];
            invocations.put(prototype, count);
        }
        count[0]++;
    }

    /** Whether {@code prototype}'s code is to run compiled: hot enough, and not refused by the compiler. */
    boolean compiles(Prototype prototype) {
        if (chunks.containsKey(prototype)) {
            return chunks.get(prototype) != null;
        }
        if (compileAfter == 0) {
            return true;
        }
        long[] count = invocations.get(prototype);
        return count != null && count[0] >= compileAfter;
    }

    /**
     * The chunk of {@code prototype} compiled and bound to {@code env}, or null when it runs on the interpreter
     * (not hot yet, or refused).
     */
    LuaFunction instantiate(Prototype prototype, String chunkName, LuaValue env) {
        if (!compiles(prototype)) {
            return null;
        }
        invocations.remove(prototype);
        Class<?> chunk;
        if (chunks.containsKey(prototype)) {
            chunk = chunks.get(prototype);
        } else {
            chunk = compile(prototype, chunkName);
            chunks.put(prototype, chunk);
        }
        if (chunk == null) {
            return null;
        }
        try {
            LuaFunction function = (LuaFunction) chunk.getDeclaredConstructor().newInstance();
            function.initupvalue1(env);
            return function;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // the interpreter runs it
        }
    }

    private Class<?> compile(Prototype prototype, String chunkName) {
        if (!withinBudget(prototype) || !compilable(prototype)) {
            return null;
        }
        Map<String, byte[]> classes = new HashMap<>();
        try {
            // BCEL 5.2, which LuaJC writes classes with, keeps signature parsing state in static fields: one
            // compile at a time in the JVM (a pool's workers and a simulation's lanes each have a compiler)
            synchronized (BCEL) {
                CompilerInput input = CompilerInput.of(prototype);
                JavaGen generated = new JavaGen(input.copy, CHUNK_CLASS, chunkName, false);
                instrument(generated, input, classes);
            }
        } catch (BlockMetering.Unmeterable | RuntimeException | StackOverflowError e) {
            // LuaJC fails on some code (a function past the JVM's 64 KiB, nesting deeper than its recursion goes);
            // the interpreter runs everything. This stack is a load's, shallow: nothing else ran out here.
            return null;
        }
        ChunkLoader loader = new ChunkLoader(classes);
        try {
            for (String name : classes.keySet()) {
                // initialised here, on the load's shallow stack, never first inside a handler (see Warmup)
                Class<?> c = Class.forName(name, true, loader);
                c.getField(BlockMetering.FIELD).set(null, metering);
            }
            return Class.forName(CHUNK_CLASS, false, loader);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /**
     * Whether LuaJC's analysis of {@code p} and its functions stays short. Its time grows faster than a function's
     * size (measured: 14 ms for one function of 50 branches, 1 s for 400, 130 s for a 16 KiB function of 1,050
     * branches and 190 locals): each function's blocks times its instructions times its registers, and that again
     * times its instructions for the analysis of the variables at the blocks' joins, are bounded, and so are the
     * functions' number and size. Code past a bound runs interpreted. The shipped applications are far below each:
     * at most 7 functions, 107 instructions, costs of 81,000 and 7.9 million.
     */
    static boolean withinBudget(Prototype p) {
        long[] totals = new long[3];
        return withinBudget(p, totals) && totals[0] <= MAX_FUNCTIONS && totals[1] <= COMPILE_BUDGET
                && totals[2] <= JOIN_BUDGET;
    }

    private static boolean withinBudget(Prototype p, long[] totals) {
        if (p.code.length > MAX_FUNCTION_INSTRUCTIONS) {
            return false;
        }
        int blocks = 0;
        for (int size : BlockMetering.blockSizes(p)) {
            if (size > 0) {
                blocks++;
            }
        }
        long cost = (long) blocks * p.code.length * Math.max(1, p.maxstacksize);
        totals[0]++;
        totals[1] += cost;
        totals[2] += cost * p.code.length;
        for (Prototype child : p.p) {
            if (!withinBudget(child, totals)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether LuaJC compiles {@code p} and its functions as the interpreter runs them. It does not for a string
     * constant that is not UTF-8: it passes constants through Java strings, which would change their bytes.
     */
    static boolean compilable(Prototype p) {
        for (LuaValue k : p.k) {
            if (k.type() == LuaValue.TSTRING && !LuaString.valueOf(k.tojstring()).raweq(k)) {
                return false;
            }
        }
        for (Prototype child : p.p) {
            if (!compilable(child)) {
                return false;
            }
        }
        return true;
    }

    private static void instrument(JavaGen generated, CompilerInput input, Map<String, byte[]> classes)
            throws BlockMetering.Unmeterable {
        if (classes.put(generated.classname, BlockMetering.instrument(generated.bytecode, input)) != null) {
            // LuaJC names a function's class after the names it is given, and two can meet ('f$g' and g in f)
            throw new BlockMetering.Unmeterable("two functions compiled to one class name");
        }
        int inners = generated.inners == null ? 0 : generated.inners.length;
        if (inners != input.children.length) {
            throw new BlockMetering.Unmeterable("the functions compiled are not the prototype's");
        }
        for (int i = 0; i < inners; i++) {
            instrument(generated.inners[i], input.children[i], classes);
        }
    }

    /** Whether {@code function} is a compiled Lua function (any sandbox's). */
    static boolean isCompiled(LuaValue function) {
        return function.getClass().getClassLoader() instanceof ChunkLoader;
    }

    /**
     * Whether {@code function} was compiled here, and if so hands its captured variables to {@code cell} (the
     * writable ones, each a one-element array LuaJC shares among the closures that capture it) and {@code value}
     * (the ones never assigned after capture), as {@link RetainedData} does for an interpreted closure's upvalues.
     */
    static boolean forEachCaptured(LuaValue function, Consumer<LuaValue[]> cell,
                                   Consumer<LuaValue> value) {
        if (!isCompiled(function)) {
            return false;
        }
        for (Field field : function.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            try {
                field.setAccessible(true);
                Object captured = field.get(function);
                if (captured instanceof LuaValue[] array && array.length > 0) {
                    cell.accept(array);
                } else if (captured instanceof LuaValue v) {
                    value.accept(v);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("a compiled function's captured variables could not be read", e);
            }
        }
        return true;
    }

    /** Defines one chunk's classes; everything else comes from the loader that loaded the sandbox (LuaJ, the hub). */
    private static final class ChunkLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        ChunkLoader(Map<String, byte[]> classes) {
            super(HandlerCompiler.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
