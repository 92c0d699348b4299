package dev.comet.lua;

import dev.comet.aso.HandlerEngine;
import dev.comet.aso.HandlerLimits;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instruction limit holds to the instruction: a handler that needs exactly {@code n} instructions runs under a
 * limit of {@code n} and is stopped under {@code n - 1}, interpreted, compiled, with library work between, and with
 * interpreted and compiled frames in one invocation (each engine once kept its own count of up to 64 instructions
 * the meter had not heard of, so a mixed invocation could run about 126 past its limit).
 */
class InstructionLimitTest {
    private static final HandlerLimits LIMITS = HandlerLimits.defaults().withWallMillis(10_000);
    private final AsoContext context = new AsoContext("127.0.0.1", "ab".repeat(20), "key", () -> 1234L);

    /** Loops of a few instructions a pass, a call in each, and library calls that charge their own work. */
    private static final List<String> PROGRAMS = List.of(
            "function onGet() local s = 0 for i = 1, 997 do s = s + i end return s end",
            "local function f(n) return n * 2 end function onGet() local s = 0 for i = 1, 301 do s = s + f(i) end return s end",
            "function onGet() local t = {} for i = 1, 83 do t[#t + 1] = tostring(i) end table.sort(t) "
                    + "return table.concat(t, ',') .. string.rep('x', 3) end");

    /** Code the compiler refuses (two functions LuaJC would name alike): it runs interpreted on a compiling sandbox. */
    private static final String INTERPRETED_HELPER = "x = {} x['f$g'] = function() return 1 end\n"
            + "function f() local function g() return 2 end return g() end\n"
            + "function helper(n) local s = 0 for i = 1, n do s = s + i end return s end\n"
            + "function onGet() return 0 end";

    @Test
    void eachEngineRunsExactlyItsLimitAndNotOneInstructionMore() {
        for (HandlerEngine engine : List.of(HandlerEngine.INTERPRETER, HandlerEngine.COMPILED)) {
            for (String code : PROGRAMS) {
                assertHeldToWhatItNeeds(limits -> run(engine, code, limits), engine + ": " + code);
            }
        }
    }

    @Test
    void interpretedAndCompiledFramesInOneInvocationShareOneCount() {
        // a compiled handler calling an interpreted function of another object, many times, each call a few dozen
        // instructions on either side of the switch
        String caller = "function onGet(helper) local s = 0 for i = 1, 40 do s = s + helper(i % 7 + 20) end return s end";
        assertHeldToWhatItNeeds(limits -> mixed(caller, limits), "mixed frames");
    }

    /**
     * An invocation's result, and the steps of the check after it of what the object keeps outside {@code aso}:
     * counted once the invocation is done, not held to the limit (the Lua has stopped by then).
     */
    private record Run(InvocationResult result, long checkAfter) {
        long needed() {
            return result.instructions() - checkAfter;
        }
    }

    private void assertHeldToWhatItNeeds(Function<HandlerLimits, Run> runUnder, String what) {
        long needed = runUnder.apply(LIMITS).needed();
        assertThat(needed).as(what).isGreaterThan(500);
        Run exact = runUnder.apply(LIMITS.toBuilder().instructions(needed).build());
        assertThat(exact.result().ok()).as("%s under a limit of the %d instructions it needs: %s", what, needed,
                exact.result().error()).isTrue();
        assertThat(exact.needed()).as(what).isEqualTo(needed);
        Run under = runUnder.apply(LIMITS.toBuilder().instructions(needed - 1).build());
        assertThat(under.result().limit()).as("%s under a limit of %d: it needs %d", what, needed - 1, needed)
                .isEqualTo(Limit.INSTRUCTIONS);
    }

    private Run run(HandlerEngine engine, String code, HandlerLimits limits) {
        Sandbox sandbox = new Sandbox(engine);
        AsoInstance object = sandbox.load(code, "=prog", null, context, LIMITS);
        assertThat(object.compiled).as("compiled on %s", engine).isEqualTo(engine == HandlerEngine.COMPILED);
        InvocationResult r = sandbox.invoke(object, "onGet", new LuaValue[0], 1, limits);
        return new Run(r, object.retained.restore(null)); // nothing changed: the same steps as the check after the run
    }

    private Run mixed(String callerCode, HandlerLimits limits) {
        Sandbox sandbox = new Sandbox(HandlerEngine.COMPILED);
        AsoInstance helper = sandbox.load(INTERPRETED_HELPER, "=helper", null, context, LIMITS);
        AsoInstance caller = sandbox.load(callerCode, "=caller", null, context, LIMITS);
        assertThat(helper.compiled).as("the helper is interpreted").isFalse();
        assertThat(caller.compiled).as("the caller is compiled").isTrue();
        InvocationResult r = sandbox.invoke(caller, "onGet", new LuaValue[] {helper.env.rawget("helper")}, 1, limits);
        return new Run(r, caller.retained.restore(null));
    }
}
