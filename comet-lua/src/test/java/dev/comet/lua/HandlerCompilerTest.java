package dev.comet.lua;

import dev.comet.aso.HandlerEngine;
import dev.comet.aso.HandlerLimits;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compiled handlers count what the interpreter counts: the same answers and instructions (block charges add up to
 * the instructions run; only the checks of captured variables after the run differ, LuaJC keeping fewer), the same
 * errors with their positions; code the compiler cannot take, or would get wrong, runs interpreted; and a tiered
 * sandbox compiles a code once it is hot, the object reloaded from its live state.
 */
class HandlerCompilerTest {
    private static final HandlerLimits LIMITS = HandlerLimits.defaults().withWallMillis(10_000);
    private final AsoContext context = new AsoContext("127.0.0.1", "ab".repeat(20), "key", () -> 1234L);

    /** Handlers with loops of each kind, branches, closures, varargs, tail calls and concatenations. */
    private static final List<String> PROGRAMS = List.of(
            "function onGet() local s = 0 for i = 1, 1000 do s = s + i end return s end",
            "function onGet() local s, i = 0, 0 while i < 300 do i = i + 1 if i % 3 == 0 then s = s + i "
                    + "elseif i % 3 == 1 then s = s - 1 else s = s * 1 end end return s end",
            "function onGet() local t = {} for i = 1, 50 do t[i] = i * 2 end local s = 0 "
                    + "for k, v in pairs(t) do s = s + v end for i, v in ipairs(t) do s = s + i end return s end",
            "aso.n = 0 local function bump(k) aso.n = aso.n + k return aso.n end "
                    + "function onGet() local r repeat r = bump(2) until r > 40 return r end",
            "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end "
                    + "function onGet() return fib(15) end",
            "local function count(n, acc) if n == 0 then return acc end return count(n - 1, acc + 1) end "
                    + "function onGet() return count(500, 0) end",
            "local function sum(...) local s = 0 for _, v in ipairs({...}) do s = s + v end return s, select('#', ...) end "
                    + "function onGet() local a, b = sum(1, 2, 3, 4) return a + b end",
            "function onGet() local s = '' for i = 1, 20 do s = s .. i .. ',' .. 'x' end return s end",
            "function onGet() local a = nil local b = a and a.x or 'none' local c = not a "
                    + "return b .. tostring(c) .. tostring(1 < 2 and 3 > 2) end",
            "local counter = 0 local function make() return function() counter = counter + 1 return counter end end "
                    + "function onGet() local f = make() f() f() return f() end",
            // loops back to a function's first instruction (LuaJC's code there also sets up its registers)
            "local function f(n) while n > 0 do n = n - 1 end return n, n end "
                    + "local function g(n) repeat n = n - 1 until n < 0 return n end function onGet() return f(5) + g(3) end",
            // a numeric for converts numeral strings as the interpreter does
            "function onGet() local s = 0 for i = '1', '10', '2' do s = s + i end for i = 3, '1', -1 do s = s + i end "
                    + "return s end",
            // fractional and negative steps, a body that assigns its copy of the index, nested loops
            "function onGet() local s = 0 for i = 10, 1, -0.5 do s = s + i i = 100 end "
                    + "for i = 1, 3 do for j = i, 1, -1 do s = s + i * j end end return s end");

    private InvocationResult run(HandlerEngine engine, String code) {
        return invoke(engine, code).result();
    }

    /** An invocation's result, and the instructions it ran in Lua and libraries (not the captured variables' checks). */
    private record Run(InvocationResult result, long luaInstructions) {
    }

    private Run invoke(HandlerEngine engine, String code) {
        Sandbox sandbox = new Sandbox(engine);
        AsoInstance object = sandbox.load(code, "=prog", null, context, LIMITS);
        assertThat(object.compiled).as("compiled on %s: %s", engine, code).isEqualTo(engine == HandlerEngine.COMPILED);
        InvocationResult r = sandbox.invoke(object, "onGet", new LuaValue[] {new LuaTable(), new LuaTable()}, 1, LIMITS);
        return new Run(r, r.instructions() - object.retained.cellCount());
    }

    @Test
    void compiledHandlersAnswerAndCountAsTheInterpreterDoes() {
        for (String code : PROGRAMS) {
            Run interpretedRun = invoke(HandlerEngine.INTERPRETER, code);
            Run compiledRun = invoke(HandlerEngine.COMPILED, code);
            InvocationResult interpreted = interpretedRun.result();
            InvocationResult compiled = compiledRun.result();
            assertThat(interpreted.ok()).as("interpreted %s: %s", code, interpreted.error()).isTrue();
            assertThat(compiled.ok()).as("compiled %s: %s", code, compiled.error()).isTrue();
            assertThat(LuaValues.render(compiled.value())).as(code).isEqualTo(LuaValues.render(interpreted.value()));
            assertThat(compiledRun.luaInstructions()).as("instructions of %s", code)
                    .isEqualTo(interpretedRun.luaInstructions());
        }
    }

    @Test
    void errorsCarryTheInterpretersPositionsAndMessages() {
        for (String body : List.of("error('boom')", "local t = nil return t.x", "return 1 + {}",
                "for i = 1, nil do end", "for i = {}, 2 do end", "for i = 1, 2, 'x' do end",
                // values checked in the interpreter's order: start, limit, step
                "for i = 1, nil, 'x' do end", "for i = 'a', nil, {} do end", "for i = 1, '2', false do end",
                "local function f() error('deep') end f()", "error('a' .. 7)", "error('no position', 0)")) {
            String code = "aso.n = 1\nfunction onGet()\n  local x = 1\n  " + body + "\nend";
            InvocationResult interpreted = run(HandlerEngine.INTERPRETER, code);
            InvocationResult compiled = run(HandlerEngine.COMPILED, code);
            assertThat(compiled.ok()).isFalse();
            assertThat(compiled.error()).as(body).isEqualTo(interpreted.error());
        }
    }

    @Test
    void aConcatenationMetamethodDoesNotHideTheOperandsCharged() {
        String code = "local t = setmetatable({}, {__concat = function(a, b) return 'a' .. 'b' .. 'c' end})\n"
                + "function onGet() local big = ('x'):rep(200000) return big .. t .. big end";
        InvocationResult interpreted = run(HandlerEngine.INTERPRETER, code);
        InvocationResult compiled = run(HandlerEngine.COMPILED, code);
        assertThat(interpreted.limit()).isEqualTo(Limit.STRING_SIZE);
        assertThat(compiled.limit()).as(String.valueOf(compiled.error())).isEqualTo(Limit.STRING_SIZE);
    }

    /** Code LuaJC would get wrong runs interpreted, with the interpreter's answers. */
    @Test
    void codeTheCompilerWouldGetWrongRunsInterpreted() {
        Map<String, String> answers = Map.of(
                // two functions whose classes LuaJC would give one name
                "x = {} x['f$g'] = function() return 'A' end\n"
                        + "function f() local function g() return 'B' end return g() end\n"
                        + "function onGet() return f() .. x['f$g']() end", "BA",
                // a string constant that is not UTF-8 (LuaJC passes constants through Java strings)
                "function onGet() return #'\\xC0\\x80' .. tostring('\\xC1\\x81' == 'A') end", "2false");
        answers.forEach((code, answer) -> {
            Sandbox sandbox = new Sandbox(HandlerEngine.COMPILED);
            AsoInstance object = sandbox.load(code, "=prog", null, context, LIMITS);
            assertThat(object.compiled).as(code).isFalse();
            InvocationResult r = sandbox.invoke(object, "onGet", new LuaValue[0], 1, LIMITS);
            assertThat(r.value().tojstring()).as(code).isEqualTo(answer);
        });
    }

    /** LuaJC's time grows faster than a function's size: past a budget the code is not compiled at all. */
    @Test
    void manyFunctionsOrALongOneRunInterpreted() {
        StringBuilder many = new StringBuilder("local fs = {}\n");
        for (int i = 0; i <= HandlerCompiler.MAX_FUNCTIONS; i++) {
            many.append("fs[").append(i).append("] = function() return ").append(i).append(" end\n");
        }
        many.append("function onGet() return fs[3]() end");
        // under the instructions a function may have, but 20 registers' variables analysed at 12 joins
        StringBuilder joins = new StringBuilder("function onGet()\n");
        for (int i = 0; i < 20; i++) {
            joins.append("  local v").append(i).append(" = ").append(i).append('\n');
        }
        for (int i = 0; i < 6; i++) {
            joins.append("  if v0 then v1 = v0 end\n");
        }
        for (int i = 0; i < 400; i++) {
            joins.append("  v1 = v1 + 1\n");
        }
        joins.append("  return v1\nend");
        Map<String, Long> answers = Map.of(many.toString(), 3L, joins.toString(), 400L);
        answers.forEach((code, answer) -> {
            Sandbox sandbox = new Sandbox(HandlerEngine.COMPILED);
            AsoInstance object = sandbox.load(code, "=prog", null, context, LIMITS);
            assertThat(HandlerCompiler.withinBudget(object.prototype)).isFalse();
            assertThat(object.compiled).isFalse();
            assertThat(sandbox.invoke(object, "onGet", new LuaValue[0], 1, LIMITS).value().tolong()).isEqualTo(answer);
        });
    }

    @Test
    void codeTooCostlyToCompileRunsInterpreted() {
        StringBuilder code = new StringBuilder("function onGet(x)\n");
        for (int i = 0; i < 120; i++) {
            code.append("local a").append(i).append(" = ").append(i).append('\n');
        }
        for (int i = 0; i < 600; i++) {
            code.append("if x then a").append(i % 120).append(" = x end\n");
        }
        code.append("return a0 end\n");
        assertThat(code.length()).isLessThan(LIMITS.codeBytes());
        Sandbox sandbox = new Sandbox(HandlerEngine.COMPILED);
        AsoInstance object = sandbox.load(code.toString(), "=costly", null, context, LIMITS);
        assertThat(HandlerCompiler.withinBudget(object.prototype)).isFalse();
        assertThat(object.compiled).isFalse();
        assertThat(sandbox.invoke(object, "onGet", new LuaValue[0], 1, LIMITS).value().tolong()).isZero();
    }

    @Test
    void codeTheCompilerCannotTakeRunsInterpreted() {
        // one function past the JVM's 64 KiB of code a method may hold (and far past the instructions compiled)
        StringBuilder code = new StringBuilder("function onGet()\n  local s = 0\n");
        for (int i = 0; i < 6_000; i++) {
            code.append("  s = s + aso.n * ").append(i).append('\n');
        }
        code.append("  return s\nend\naso.n = 1\n");
        HandlerLimits large = LIMITS.toBuilder().codeBytes(1 << 20).build();
        Sandbox sandbox = new Sandbox(HandlerEngine.COMPILED);
        AsoInstance object = sandbox.load(code.toString(), "=big", null, context, large);
        assertThat(object.compiled).isFalse();
        InvocationResult r = sandbox.invoke(object, "onGet", new LuaValue[0], 1, large);
        assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
        assertThat(r.value().tolong()).isEqualTo(5_999L * 6_000 / 2);
    }

    @Test
    void aTieredSandboxCompilesAHotCodeAndTheObjectKeepsItsState() {
        Sandbox sandbox = new Sandbox(HandlerEngine.TIERED);
        String code = "aso.n = 0\ncomet.log('loaded')\nfunction onGet() self.n = self.n + 1 comet.log('get') return self.n end";
        AsoInstance object = sandbox.load(code, "=hot", null, context, LIMITS);
        assertThat(object.compiled).isFalse();
        long expected = 0;
        for (int i = 0; i < HandlerEngine.TIERED_AFTER; i++) {
            assertThat(sandbox.wantsRecompiling(object)).isFalse();
            assertThat(sandbox.invoke(object, "onGet", new LuaValue[0], 1, LIMITS).value().tolong()).isEqualTo(++expected);
        }
        assertThat(sandbox.wantsRecompiling(object)).isTrue();
        AsoInstance compiled = sandbox.recompiled(object, LIMITS);
        assertThat(compiled.compiled).isTrue();
        assertThat(compiled.invocations).isEqualTo(object.invocations);
        assertThat(compiled.log).containsExactlyElementsOf(object.log);
        assertThat(sandbox.invoke(compiled, "onGet", new LuaValue[0], 1, LIMITS).value().tolong()).isEqualTo(++expected);
        assertThat(sandbox.wantsRecompiling(compiled)).isFalse();
        // another object with the same code now loads compiled at once
        assertThat(sandbox.load(code, "=hot", null, context, LIMITS).compiled).isTrue();
    }
}
