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
    /** The largest {@link #compileCost} compiled: LuaJC takes about 25 ms there at worst. */
    static final long COMPILE_BUDGET = 500_000;
    private static final String CHUNK_CLASS = "comet_chunk";

    private final CompiledMetering metering;
    /** Invocations of a code after which it is compiled (0: at its first load). */
    private final int compileAfter;
    /** Chunks compiled, by their prototype (which ObjectEnvironment keeps for the same code), null for refused ones. */
    private final Map<Prototype, Class<?>> chunks = new Lru<>(CHUNKS_KEPT);
    /** Interpreted invocations of the codes not compiled yet, by prototype: the hottest few are counted. */
    private final Map<Prototype, long[]> invocations = new Lru<>(CHUNKS_KEPT * 4);

    HandlerCompiler(CompiledMetering metering, int compileAfter) {
        this.metering = metering;
        this.compileAfter = compileAfter;
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
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // the interpreter runs it
        }
    }

    private Class<?> compile(Prototype prototype, String chunkName) {
        if (compileCost(prototype) > COMPILE_BUDGET || !compilable(prototype)) {
            return null;
        }
        Map<String, byte[]> classes = new HashMap<>();
        try {
            CompilerInput input = CompilerInput.of(prototype);
            JavaGen generated = new JavaGen(input.copy, CHUNK_CLASS, chunkName, false);
            instrument(generated, input, classes);
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
     * What LuaJC's analysis of {@code p} and its functions costs, in its own terms: each function's basic blocks
     * times its instructions times its registers. Its time grows faster than that product (measured: 14 ms at
     * 270,000, 1 s at 30 million, 130 s for a 16 KiB chunk of one function with 190 locals and 1,050 branches), so
     * compiling is bounded by refusing code past {@link #COMPILE_BUDGET}: it runs interpreted. The shipped
     * applications cost 33 to 81,000.
     */
    static long compileCost(Prototype p) {
        int blocks = 0;
        for (int size : BlockMetering.blockSizes(p)) {
            if (size > 0) {
                blocks++;
            }
        }
        long cost = (long) blocks * p.code.length * Math.max(1, p.maxstacksize);
        for (Prototype child : p.p) {
            cost += compileCost(child);
        }
        return cost;
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
        classes.put(generated.classname, BlockMetering.instrument(generated.bytecode, input));
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
