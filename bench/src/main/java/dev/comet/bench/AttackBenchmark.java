package dev.comet.bench;

import dev.comet.aso.HandlerLimits;
import dev.comet.lua.AsoContext;
import dev.comet.lua.AsoInstance;
import dev.comet.lua.InvocationResult;
import dev.comet.lua.Sandbox;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How long the sandbox takes to stop a hostile handler by its own limit (instructions, memory, string size), the
 * wall-time backstop lifted so that it cannot be what stops them. This is the measurement the test suite's former
 * "stopped within 1 s" assertions stood for: a hostile handler holds a sandbox worker only this long.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class AttackBenchmark {
    /** One attack of each kind from the hostile-handler suites (SandboxTest, MeteredLibrariesTest). */
    private static final Map<String, String> ATTACKS = Map.of(
            "loop", "while true do end",
            "catastrophicPattern", "return ('a'):rep(20000):find('.-.-.-.-b')",
            "quadraticFind", "local s = ('a'):rep(200000) return s:find(('a'):rep(100000) .. 'b', 1, true)",
            "sortBigTable", "local t = {} for i = 1, 300000 do t[i] = -i end table.sort(t)",
            "doublingConcat", "local s = 'x' while true do s = s .. s .. s .. s end",
            "tableGrowth", "local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end");

    @Param({"loop", "catastrophicPattern", "quadraticFind", "sortBigTable", "doublingConcat", "tableGrowth"})
    public String attack;

    private final HandlerLimits limits = HandlerLimits.defaults().withWallMillis(60_000);
    private final AsoContext context = new AsoContext("127.0.0.1", "00".repeat(20), "attack", System::currentTimeMillis);
    private final LuaValue[] args = {new LuaTable(), new LuaTable()};
    private Sandbox sandbox;
    private AsoInstance object;

    @Setup
    public void setUp() {
        sandbox = new Sandbox();
        object = sandbox.load("function onGet()\n" + ATTACKS.get(attack) + "\nend", "=attack", null, context, limits);
        InvocationResult r = stop();
        if (r.ok() || r.limit() == null) {
            throw new IllegalStateException(attack + " was not stopped by a limit: " + r.error());
        }
    }

    @Benchmark
    public InvocationResult stop() {
        return sandbox.invoke(object, "onGet", args, 1, limits);
    }
}
