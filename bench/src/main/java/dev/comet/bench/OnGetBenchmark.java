package dev.comet.bench;

import dev.comet.lua.AsoContext;
import dev.comet.lua.AsoInstance;
import dev.comet.aso.HandlerLimits;
import dev.comet.lua.InvocationResult;
import dev.comet.lua.Sandbox;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;
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
 * state saved after the call), and the same function on bare LuaJ with no limits, as the floor. Also the cost of
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
    private LuaValue bareOnGet;

    @Setup
    public void setUp() {
        sandbox = new Sandbox();
        object = sandbox.load(SEED, "=seed", null, context, limits);
        loop = sandbox.load("function onGet() local s = 0 for i = 1, 1000 do s = s + i end return s end", "=loop",
                null, context, limits);
        Globals bare = JsePlatform.standardGlobals();
        bare.set("aso", new LuaTable());
        bare.set("self", bare.get("aso"));
        bare.load(SEED, "=seed").call();
        bareOnGet = bare.get("onGet");
    }

    @Benchmark
    public InvocationResult onGetWithLimits() {
        return sandbox.invoke(object, "onGet", args, 1, limits);
    }

    /** A 1,000-iteration loop (about 4,000 instructions): where the per-instruction metering cost shows. */
    @Benchmark
    public InvocationResult loopWithLimits() {
        return sandbox.invoke(loop, "onGet", args, 1, limits);
    }

    @Benchmark
    public LuaValue onGetBareLuaJ() {
        return bareOnGet.call();
    }

    @Benchmark
    public AsoInstance loadObject() {
        return sandbox.load(SEED, "=seed", null, context, limits);
    }
}
