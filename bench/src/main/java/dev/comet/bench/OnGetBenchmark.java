package dev.comet.bench;

import dev.comet.lua.AsoContext;
import dev.comet.lua.AsoInstance;
import dev.comet.aso.HandlerLimits;
import dev.comet.lua.InvocationResult;
import dev.comet.aso.HandlerEngine;
import dev.comet.lua.Sandbox;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;
import org.luaj.vm2.luajc.LuaJC;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * {@code onGet} of DESIGN.md's seed example on a loaded object: through the sandbox with every limit on (meter,
 * state saved after the call), and the same function on bare LuaJ with no limits, as the floor, interpreted and
 * compiled to JVM bytecode by LuaJ's own compiler (LuaJC, which runs no debug hook, so nothing in it can be
 * metered as it stands). A 1,000-iteration loop the same three ways shows the per-instruction cost. Also the cost of
 * loading (compiling and running the chunk of) an object.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OnGetBenchmark {
    static final String SEED = """
            aso.value = "Hello world!"
            aso.getCount = 0
            function onGet()
              self.getCount = self.getCount + 1
              return {self.value, self.getCount}
            end
            """;

    private final HandlerLimits limits = HandlerLimits.defaults();
    private final AsoContext context = new AsoContext("127.0.0.1", "00".repeat(20), "seed", System::currentTimeMillis);
    private final LuaValue[] args = {new LuaTable(), new LuaTable()};
    private Sandbox sandbox;
    private AsoInstance object;
    private AsoInstance loop;
    private Sandbox compiledSandbox;
    private AsoInstance compiledObject;
    private AsoInstance compiledLoopObject;
    private LuaValue bareOnGet;
    private LuaValue compiledOnGet;
    private LuaValue bareLoop;
    private LuaValue compiledLoop;
    static final String LOOP = "function onGet() local s = 0 for i = 1, 1000 do s = s + i end return s end";

    @Setup
    public void setUp() {
        sandbox = new Sandbox();
        object = sandbox.load(SEED, "=seed", null, context, limits);
        loop = sandbox.load(LOOP, "=loop", null, context, limits);
        compiledSandbox = new Sandbox(HandlerEngine.COMPILED);
        compiledObject = compiledSandbox.load(SEED, "=seed", null, context, limits);
        compiledLoopObject = compiledSandbox.load(LOOP, "=loop", null, context, limits);
        bareOnGet = bareFunction(SEED, false);
        compiledOnGet = bareFunction(SEED, true);
        bareLoop = bareFunction(LOOP, false);
        compiledLoop = bareFunction(LOOP, true);
    }

    /** {@code onGet} of {@code code} on LuaJ's standard globals, with no limit; {@code compiled}: through LuaJC. */
    private static LuaValue bareFunction(String code, boolean compiled) {
        Globals bare = JsePlatform.standardGlobals();
        if (compiled) {
            LuaJC.install(bare);
        }
        bare.set("aso", new LuaTable());
        bare.set("self", bare.get("aso"));
        bare.load(code, "seed").call();
        LuaValue onGet = bare.get("onGet");
        if (compiled && onGet instanceof org.luaj.vm2.LuaClosure) {
            throw new IllegalStateException("LuaJC did not compile the function");
        }
        return onGet;
    }

    @Benchmark
    public InvocationResult onGetWithLimits() {
        return sandbox.invoke(object, "onGet", args, 1, limits);
    }

    /** A 1,000-iteration loop (about 2,000 instructions): where the per-instruction metering cost shows. */
    @Benchmark
    public InvocationResult loopWithLimits() {
        return sandbox.invoke(loop, "onGet", args, 1, limits);
    }

    /** The seed's onGet compiled (HandlerEngine.COMPILED): every limit on, metered per basic block. */
    @Benchmark
    public InvocationResult onGetCompiledWithLimits() {
        return compiledSandbox.invoke(compiledObject, "onGet", args, 1, limits);
    }

    @Benchmark
    public InvocationResult loopCompiledWithLimits() {
        return compiledSandbox.invoke(compiledLoopObject, "onGet", args, 1, limits);
    }

    @Benchmark
    public LuaValue onGetBareLuaJ() {
        return bareOnGet.call();
    }

    @Benchmark
    public LuaValue onGetBareLuaJC() {
        return compiledOnGet.call();
    }

    @Benchmark
    public LuaValue loopBareLuaJ() {
        return bareLoop.call();
    }

    @Benchmark
    public LuaValue loopBareLuaJC() {
        return compiledLoop.call();
    }

    @Benchmark
    public AsoInstance loadObject() {
        return sandbox.load(SEED, "=seed", null, context, limits);
    }
}
