package dev.comet.lua;

import dev.comet.aso.HandlerLimits;

import dev.comet.CometException;
import dev.comet.testing.Heap;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The object model and the hostile-handler suite of the sandbox (issue #4). Each attack ends with its own error. */
class SandboxTest {
    private static final HandlerLimits LIMITS = HandlerLimits.defaults();
    private final Sandbox sandbox = new Sandbox();
    private final AsoContext context = new AsoContext("127.0.0.1", "ab".repeat(20), "key", () -> 1234L);

    private AsoInstance load(String code) {
        return sandbox.load(code, "=test", null, context, LIMITS);
    }

    private InvocationResult get(AsoInstance o) {
        return sandbox.invoke(o, "onGet", new LuaValue[] {new LuaTable(), new LuaTable()}, 1, LIMITS);
    }

    private InvocationResult run(String body) {
        return get(load("function onGet()\n" + body + "\nend"));
    }

    /**
     * The attack ends with one of {@code limits}, its error names that limit, and the meter counted what the limit
     * measures: an instruction limit is hit once the count passes it, and a memory or string bomb is stopped before
     * it allocated more than one largest string past its allowance (allocations are charged before they happen).
     */
    private void assertStopped(String body, Limit... limits) {
        InvocationResult r = run(body);
        assertThat(r.ok()).as("should have been stopped: %s", body).isFalse();
        assertThat(r.limit()).as("limit for %s (error: %s)", body, r.error()).isIn((Object[]) limits);
        assertThat(r.error()).as("error for %s", body).startsWith(r.limit().message());
        switch (r.limit()) {
            case INSTRUCTIONS -> assertThat(r.instructions()).as("instructions counted for %s", body)
                    .isGreaterThan(LIMITS.instructions());
            case MEMORY, STRING_SIZE -> assertThat(r.allocatedBytes()).as("bytes allocated by %s", body)
                    .isLessThanOrEqualTo(LIMITS.allocatedBytes() + LIMITS.stringBytes());
            default -> {
            }
        }
    }

    @Test
    void theSeedExampleRunsVerbatim() {
        AsoInstance o = load("""
                aso.value = "Hello world!"
                aso.getCount = 0
                function onGet()
                  self.getCount = self.getCount + 1
                  return {self.value, self.getCount}
                end
                """);
        assertThat(LuaValues.render(get(o).value())).isEqualTo("{\"Hello world!\", 1}");
        assertThat(LuaValues.render(get(o).value())).isEqualTo("{\"Hello world!\", 2}");
        assertThat(LuaValues.render(StateCodec.decode(o.savedState(), 16))).isEqualTo("{getCount = 2, value = \"Hello world!\"}");
        assertThat(o.handlers()).containsExactly("onGet");
        InvocationResult third = get(o);
        assertThat(third.instructions()).as("instructions of a short handler are counted").isBetween(5L, 50L);
        assertThat(third.allocatedBytes()).isPositive();
    }

    @Test
    void methodStyleHandlersGetTheObjectAsSelf() {
        AsoInstance o = load("""
                aso.ticks = 0
                function aso:onTimer() self.ticks = self.ticks + 1 end
                """);
        assertThat(sandbox.invoke(o, "onTimer", new LuaValue[0], 1, LIMITS).ok()).isTrue();
        assertThat(sandbox.invoke(o, "onTimer", new LuaValue[0], 1, LIMITS).ok()).isTrue();
        assertThat(LuaValues.render(StateCodec.decode(o.savedState(), 16))).isEqualTo("{ticks = 2}");
    }

    @Test
    void aFailedInvocationLeavesTheStateExactlyAsItWas() {
        AsoInstance o = load("""
                aso.n = 1
                aso.nested = {a = 1}
                function onGet() self.n = 99; self.nested.a = 2; self.extra = true; error("boom") end
                """);
        byte[] before = o.savedState();
        InvocationResult r = get(o);
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).contains("boom").contains("test:3");
        assertThat(o.savedState()).isEqualTo(before);
        assertThat(o.aso.get("n").toint()).isEqualTo(1);
        assertThat(o.aso.get("extra").isnil()).isTrue();
    }

    @Test
    void cometApiAnswersFromTheContext() {
        // the paper's names work as globals too
        AsoInstance o = load("function onGet() return {getSystemTime(), getNodeIP(), getNodeID(), getASOKey()} end");
        assertThat(LuaValues.render(get(o).value())).isEqualTo("{1234, \"127.0.0.1\", \"" + "ab".repeat(20) + "\", \"key\"}");
        AsoInstance o2 = load("function onGet() comet.log('hi', 1); comet.deleteSelf(); "
                + "return {comet.systemTime(), comet.getSystemTime(), comet.nodeIP(), comet.getASOKey()} end");
        InvocationResult r2 = get(o2);
        assertThat(LuaValues.render(r2.value())).isEqualTo("{1234, 1234, \"127.0.0.1\", \"key\"}");
        assertThat(r2.deleteSelf()).isTrue();
        assertThat(o2.log()).containsExactly("hi\t1");
    }

    @Test
    void mathRandomIsSeededPerInvocation() {
        AsoInstance o = load("function onGet() return {math.random(1000), math.random(1000), math.random()} end");
        String first = LuaValues.render(sandbox.invoke(o, "onGet", new LuaValue[0], 42, LIMITS).value());
        String again = LuaValues.render(sandbox.invoke(o, "onGet", new LuaValue[0], 42, LIMITS).value());
        String other = LuaValues.render(sandbox.invoke(o, "onGet", new LuaValue[0], 43, LIMITS).value());
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    // ------------------------------------------------------------------ hostile handlers

    @Test
    void plainLoop() {
        assertStopped("while true do end", Limit.INSTRUCTIONS, Limit.TIME);
    }

    @Test
    void loopInsidePcall() {
        assertStopped("pcall(function() while true do end end) return 'escaped'", Limit.INSTRUCTIONS, Limit.TIME);
    }

    @Test
    void loopInPcallRepeated() {
        assertStopped("for i = 1, 1e9 do pcall(function() while true do end end) end", Limit.INSTRUCTIONS, Limit.TIME);
    }

    @Test
    void loopInXpcallMessageHandler() {
        assertStopped("xpcall(function() error('x') end, function() while true do end end) return 'escaped'",
                Limit.INSTRUCTIONS, Limit.TIME);
    }

    @Test
    void limitErrorCaughtAndIgnoredStillStops() {
        assertStopped("local ok = pcall(function() while true do end end) while true do local x = 1 end",
                Limit.INSTRUCTIONS, Limit.TIME);
    }

    @Test
    void plainRecursion() {
        assertStopped("local function f(n) return 1 + f(n + 1) end return f(1)", Limit.CALL_DEPTH);
    }

    @Test
    void tailRecursion() {
        // tail calls do not deepen the stack; LuaJ boxes the numbers, so memory may run out first
        assertStopped("local function f(n) return f(n + 1) end return f(1)", Limit.INSTRUCTIONS, Limit.TIME, Limit.MEMORY);
    }

    @Test
    void metamethodRecursion() {
        assertStopped("local t = setmetatable({}, {__index = function(t, k) return t[k .. 'x'] end}) return t.a",
                Limit.CALL_DEPTH, Limit.STRING_SIZE, Limit.MEMORY, Limit.INSTRUCTIONS);
    }

    @Test
    void stringRepBomb() {
        assertStopped("return ('x'):rep(1e9)", Limit.STRING_SIZE, Limit.MEMORY);
    }

    @Test
    void concatDoublingBomb() {
        assertStopped("local s = 'x' while true do s = s .. s .. s .. s .. s .. s .. s .. s end",
                Limit.STRING_SIZE, Limit.MEMORY);
    }

    @Test
    void tableConcatBomb() {
        assertStopped("local t = {} local s = ('x'):rep(1000000) for i = 1, 100 do t[i] = s end return table.concat(t)",
                Limit.STRING_SIZE, Limit.MEMORY);
    }

    @Test
    void tableGrowth() {
        assertStopped("local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end",
                Limit.MEMORY, Limit.INSTRUCTIONS, Limit.TIME);
    }

    @Test
    void unpackBomb() {
        assertStopped("return table.unpack({}, 1, 1e8)", Limit.INSTRUCTIONS, Limit.MEMORY);
    }

    @Test
    void gsubBomb() {
        assertStopped("local s = ('x'):rep(100000) return s:gsub('x', ('y'):rep(1000))", Limit.STRING_SIZE, Limit.MEMORY);
    }

    @Test
    void catastrophicPattern() {
        assertStopped("return ('a'):rep(20000):find('.-.-.-.-b')", Limit.INSTRUCTIONS, Limit.TIME);
    }

    @Test
    void quadraticFind() {
        assertStopped("local s = ('a'):rep(500000) for i = 1, 1e9 do s:find('aaab', 1, true) end",
                Limit.INSTRUCTIONS, Limit.TIME);
    }

    @Test
    void forbiddenGlobalsAreAbsent() {
        InvocationResult r = run("""
                local names = {'load', 'loadstring', 'dofile', 'loadfile', 'require', 'package', 'debug', 'io', 'os',
                  'luajava', 'coroutine', 'collectgarbage', 'module', 'print'}
                local present = {}
                for _, n in ipairs(names) do if _G[n] ~= nil then present[#present + 1] = n end end
                if string.dump ~= nil then present[#present + 1] = 'string.dump' end
                return present
                """);
        assertThat(r.ok()).as(r.error()).isTrue();
        assertThat(LuaValues.render(r.value())).isEqualTo("{}");
    }

    @Test
    void libraryTablesAreReadOnly() {
        for (String attack : new String[] {"string.rep = nil", "table.concat = print", "math.floor = nil",
                "setmetatable(string, {})", "comet.log = nil"}) {
            InvocationResult r = run(attack);
            assertThat(r.ok()).as(attack).isFalse();
        }
        // rawset only reaches the object's own view; another object still sees the real library
        AsoInstance attacker = load("function onGet() rawset(string, 'rep', function() return 'pwned' end) "
                + "return string.rep('a', 2) end");
        assertThat(LuaValues.render(get(attacker).value())).isEqualTo("\"pwned\"");
        AsoInstance victim = load("function onGet() return {string.rep('a', 2), ('b'):rep(2)} end");
        assertThat(LuaValues.render(get(victim).value())).isEqualTo("{\"aa\", \"bb\"}");
    }

    @Test
    void theStringMetatableIsLocked() {
        InvocationResult r = run("return getmetatable('')");
        assertThat(LuaValues.render(r.value())).isEqualTo("\"locked\"");
        assertThat(run("getmetatable('').__index = {}").ok()).isFalse();
        assertThat(run("setmetatable('', {})").ok()).isFalse();
        assertThat(LuaValues.render(run("return ('abc'):upper()").value())).isEqualTo("\"ABC\"");
    }

    @Test
    void objectsCannotReachEachOther() {
        AsoInstance a = load("aso.secret = 'mine' function onGet() return aso.secret end");
        AsoInstance b = load("function onGet() return {aso.secret, _G.secret, self.secret} end");
        assertThat(LuaValues.render(get(b).value())).isEqualTo("{}");
        assertThat(LuaValues.render(get(a).value())).isEqualTo("\"mine\"");
        // globals set by one object are not seen by another
        AsoInstance c = load("function onGet() leaked = 'x' end");
        get(c);
        AsoInstance d = load("function onGet() return leaked end");
        assertThat(get(d).value().isnil()).isTrue();
    }

    @Test
    void stateSizeBomb() {
        InvocationResult r = run("self.big = ('x'):rep(20000)");
        assertThat(r.ok()).isFalse();
        assertThat(r.limit()).as(r.error()).isEqualTo(Limit.STATE_SIZE);
    }

    @Test
    void codeSizeBomb() {
        String code = "-- " + "x".repeat(LIMITS.codeBytes()) + "\nfunction onGet() end";
        assertThatThrownBy(() -> load(code)).isInstanceOf(CometException.class).hasMessageContaining("code size");
    }

    @Test
    void bytecodeCannotBeLoaded() {
        // no loader is reachable, and text-only compilation refuses a binary chunk given as code
        assertThatThrownBy(() -> load("\u001bLua\u0052\u0000")).isInstanceOf(CometException.class);
    }

    @Test
    void aLoopingChunkIsStoppedAtLoad() {
        assertThatThrownBy(() -> load("while true do end")).isInstanceOf(CometException.class)
                .hasMessageMatching("the object's code failed when it was loaded: (instruction|time) limit exceeded.*");
    }

    @Test
    void theSandboxKeepsServingAfterEveryAttack() {
        AsoInstance benign = load("aso.n = 0 function onGet() self.n = self.n + 1 return self.n end");
        for (String attack : Arrays.asList("while true do end", "return ('x'):rep(1e9)",
                "local function f() return 1 + f() end return f()")) {
            run(attack);
            InvocationResult r = get(benign);
            assertThat(r.ok()).as(r.error()).isTrue();
        }
        assertThat(get(benign).value().toint()).isEqualTo(4);
    }

    @Test
    void theHeapReturnsToItsBaselineAfterRepeatedAttacks() {
        String[] attacks = {"return ('x'):rep(1e9)", "local s = 'x' while true do s = s .. s .. s .. s end",
                "local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end",
                "return table.unpack({}, 1, 1e8)", "local s = ('x'):rep(100000) return s:gsub('x', ('y'):rep(1000))"};
        run(attacks[0]); // warm up class loading before the baseline
        long baseline = Heap.settledBaseline();
        for (int round = 0; round < 10; round++) {
            for (String attack : attacks) {
                assertThat(run(attack).ok()).isFalse();
            }
        }
        // each attack was allowed 4 MiB; none of it may stay reachable
        long bound = baseline + (32L << 20) - 1;
        long after = Heap.usedAfterGcUpTo(bound);
        assertThat(after - baseline).as("heap growth in bytes").isLessThan(32L << 20);
    }
}
