package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.HandlerLimits;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #10, items 1, 2, 8 and 9: no Lua runs outside a meter, every conversion out of Lua is bounded in nodes,
 * bytes and depth and refuses cycles, and handler names bound to non-functions are errors. Each case names the
 * exact error code the requester gets.
 */
class ConversionBoundsTest {
    private static final HandlerLimits LIMITS = HandlerLimits.defaults().withWallMillis(10_000);
    private final SandboxPool pool = new SandboxPool(1, 100);
    private final LuaAsoRuntime runtime = new LuaAsoRuntime(pool, Runnable::run, LIMITS, "127.0.0.1",
            NodeId.ofKey("node"), () -> 1_000L);
    private final Sandbox sandbox = new Sandbox();
    private final AsoContext context = new AsoContext("127.0.0.1", "ab".repeat(20), "key", () -> 1234L);

    @AfterEach
    void close() {
        pool.close();
    }

    /** A get of a fresh object with {@code code}, as a node runs it; a hung worker fails the test, not the suite. */
    private AsoOutcome get(String code) throws Exception {
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        runtime.invoke(new AsoCall(NodeId.ofKey(code), code.getBytes(StandardCharsets.UTF_8), null, true, "onGet",
                new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true),
                done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    private static void assertFails(AsoOutcome outcome, ErrorCode code, String message) {
        assertThat(outcome.ok()).as("failed").isFalse();
        assertThat(outcome.error().code()).as(outcome.error().toString()).isEqualTo(code);
        assertThat(outcome.error().message()).startsWith(message);
    }

    // ------------------------------------------------------------------ item 1: no Lua outside a meter

    @Test
    void theDefaultAnswerIsReadRawSoAMetatableOnAsoRunsNothing() throws Exception {
        AsoOutcome spin = get("setmetatable(aso, {__index = function() while true do end end})");
        assertThat(spin.ok()).isTrue();
        assertThat(spin.answer()).isNull();
        AsoOutcome computed = get("aso.value = 'raw' setmetatable(aso, {__index = function() return 'computed' end})");
        assertThat(new String((byte[]) computed.answer(), StandardCharsets.UTF_8)).isEqualTo("raw");
    }

    @Test
    void luaCalledFromJavaOutsideAnInvocationIsRefused() {
        AsoInstance o = sandbox.load("function onGet() return 1 end function probe() while true do end end",
                "=test", null, context, LIMITS);
        LuaValue handler = Sandbox.handler(o, "onGet");
        assertThatThrownBy(handler::call).isInstanceOf(UnmeteredLua.class)
                .hasMessage("Lua code may run only inside an invocation, under its meter");
        // the invocation itself still runs, metered
        assertThat(sandbox.invoke(o, "onGet", new LuaValue[0], 1, LIMITS).value().toint()).isEqualTo(1);
        LuaValue probe = o.env.rawget("probe");
        assertThatThrownBy(probe::call).isInstanceOf(UnmeteredLua.class);
    }

    @Test
    void metamethodsReachedFromJavaAfterAnInvocationAreRefused() {
        AsoInstance o = sandbox.load("""
                function onGet()
                  return setmetatable({}, {__len = function() while true do end end,
                                           __eq = function() while true do end end,
                                           __index = function() while true do end end})
                end
                """, "=test", null, context, LIMITS);
        LuaValue t = sandbox.invoke(o, "onGet", new LuaValue[0], 1, LIMITS).value();
        assertThatThrownBy(t::len).isInstanceOf(UnmeteredLua.class);
        assertThatThrownBy(() -> t.get("x")).isInstanceOf(UnmeteredLua.class);
        assertThatThrownBy(() -> t.eq(new LuaTable().setmetatable(t.getmetatable()))).isInstanceOf(UnmeteredLua.class);
        // the conversions never call them
        assertThat(LuaExport.answer(t)).isEqualTo(List.of());
        assertThat(LuaValues.render(t)).isEqualTo("{}");
    }

    // ------------------------------------------------------------------ item 2: bounded conversions

    @Test
    void sharedSubtablesCountEachTimeTheyAreReached() throws Exception {
        assertFails(get("function onGet() local t = 'x' for i = 1, 16 do t = {t, t, t, t} end return t end"),
                ErrorCode.ANSWER_TOO_BIG, "onGet: the answer is over 65507 bytes");
        assertFails(get("function onGet() local t = 'x' for i = 1, 17 do t = {t, t, t, t} end return t end"),
                ErrorCode.ANSWER_TOO_BIG, "onGet: the answer nests tables deeper than 16 levels");
        // entries left out of the answer (functions) count as values too
        assertFails(get("function onGet() local t = {} for i = 1, 100 do t['f' .. i] = function() end end "
                        + "local w = {} for i = 1, 1000 do w[i] = t end return w end"),
                ErrorCode.ANSWER_TOO_BIG, "onGet: the answer has more than 32753 values");
    }

    @Test
    void aBigStringCountsItsBytesEachTimeItIsReached() throws Exception {
        assertFails(get("function onGet() local s = ('x'):rep(2^20) return {s, s, s, s, s, s, s, s} end"),
                ErrorCode.ANSWER_TOO_BIG, "onGet: the answer is over 65507 bytes");
        assertFails(get("function onGet() local s = ('x'):rep(30000) return {s, s, s} end"),
                ErrorCode.ANSWER_TOO_BIG, "onGet: the answer is over 65507 bytes");
        assertThat((List<?>) get("function onGet() local s = ('x'):rep(30000) return {s, s} end").answer()).hasSize(2);
    }

    @Test
    void cyclicAnswersAreErrors() throws Exception {
        assertFails(get("function onGet() local t = {} t[1] = t return t end"), ErrorCode.HANDLER_REFUSED,
                "onGet: the answer is a table that contains itself: cycles cannot be converted");
        // _G is the object's locked environment: refused by name, never walked
        assertFails(get("function onGet() return _G end"), ErrorCode.HANDLER_REFUSED,
                "onGet: the answer holds a library or the global table (_G), which cannot be converted");
    }

    @Test
    void aFailedConversionLeavesTheStateAsItWas() throws Exception {
        String code = "aso.n = 0 function onGet() self.n = self.n + 1 local t = {} t[1] = t return t end "
                + "function onDelete() return self.n end";
        AsoOutcome failed = get(code);
        assertThat(failed.ok()).isFalse();
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        runtime.invoke(new AsoCall(NodeId.ofKey(code), code.getBytes(StandardCharsets.UTF_8), null, false, "onDelete",
                new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true),
                done::complete);
        assertThat(done.get(30, TimeUnit.SECONDS).answer()).as("n after the failed get").isEqualTo(0L);
    }

    @Test
    void plainValuesKeepNumberKeysThatAreNotAnArray() {
        LuaTable sparse = new LuaTable();
        sparse.set(5, LuaValue.valueOf("five"));
        sparse.set("name", LuaValue.valueOf("x"));
        // a number key is not a string: its bytes are not read as a string's
        assertThat(LuaValues.toPlain(sparse)).isEqualTo(Map.of("5", "five", "name", "x"));
    }

    @Test
    void plainValuesAndRenderingAreBoundedAndRefuseCycles() {
        LuaTable cycle = new LuaTable();
        cycle.set(1, cycle);
        assertThatThrownBy(() -> LuaValues.toPlain(cycle)).isInstanceOf(ConversionException.class)
                .hasMessage("the value is a table that contains itself: cycles cannot be converted");
        assertThatThrownBy(() -> LuaValues.render(cycle)).isInstanceOf(ConversionException.class)
                .hasMessage("the value is a table that contains itself: cycles cannot be converted");
        LuaValue shared = LuaValue.valueOf("x");
        for (int i = 0; i < 16; i++) {
            shared = LuaValue.listOf(new LuaValue[] {shared, shared, shared, shared});
        }
        LuaValue bomb = shared;
        assertThatThrownBy(() -> LuaValues.toPlain(bomb)).isInstanceOf(ConversionException.class)
                .hasMessage("the value has more than 100000 values");
        String rendered = LuaValues.render(bomb);
        assertThat(rendered).endsWith("…").hasSizeLessThanOrEqualTo(4097);
    }

    @Test
    void logLinesReadNoMoreOfTheirArgumentsThanTheyKeep() {
        AsoInstance o = sandbox.load("""
                function onGet()
                  local s = ('x'):rep(2^20)
                  for i = 1, 200 do comet.log(s, s, s, s, s, s, s, s) end
                  comet.log('n', 1, 2.5, true, nil, {}, 'end')
                end
                """, "=test", null, context, LIMITS);
        InvocationResult r = sandbox.invoke(o, "onGet", new LuaValue[0], 1, LIMITS);
        assertThat(r.error()).isNull();
        assertThat(o.log()).hasSize(AsoInstance.MAX_LOG_LINES);
        assertThat(o.log().get(0)).isEqualTo("x".repeat(AsoInstance.MAX_LOG_LINE_BYTES));
        assertThat(o.log().get(AsoInstance.MAX_LOG_LINES - 1)).isEqualTo("n\t1\t2.5\ttrue\tnil\ttable\tend");
    }

    @Test
    void requestArgumentsAreBoundedBeforeTheyAreCopied() throws Exception {
        assertFails(get("function onGet() local s = ('x'):rep(2^20) local a = {} for i = 1, 32 do a['k' .. i] = s end "
                        + "comet.get('other', {}, 'onAnswer', a) end function onAnswer() end"),
                ErrorCode.HANDLER_REFUSED, "onGet: object:1 comet.get: the arguments are over 8192 bytes together");
    }

    // ------------------------------------------------------------------ item 8: failures that are not errors

    @Test
    void aHandlerNameBoundToANonFunctionIsRefusedAtLoad() {
        for (String code : List.of("onGet = 5", "aso.onGet = 'hello'", "aso.onTimer = {} function onGet() end")) {
            assertThatThrownBy(() -> sandbox.load(code, "=test", null, context, LIMITS))
                    .as(code).isInstanceOf(CometException.class)
                    .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.CODE_INVALID))
                    .hasMessageMatching("refused: (onGet|onTimer) is a (number|string|table), not a function");
        }
    }

    @Test
    void aHandlerNameSetToANonFunctionLaterIsAnErrorNotTheDefaultAnswer() throws Exception {
        String code = "aso.value = 'v' function onPut() end function onDelete() self.onGet = 5 end";
        NodeId key = NodeId.ofKey(code);
        for (String handler : List.of("onDelete", "onGet")) {
            CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
            runtime.invoke(new AsoCall(key, code.getBytes(StandardCharsets.UTF_8), null, false, handler,
                    new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true),
                    done::complete);
            AsoOutcome outcome = done.get(30, TimeUnit.SECONDS);
            if (handler.equals("onGet")) {
                assertFails(outcome, ErrorCode.HANDLER_REFUSED, "onGet: onGet is a number, not a function");
            }
        }
    }

    // ------------------------------------------------------------------ item 9: state that holds library tables

    @Test
    void stateThatHoldsLibraryTablesIsRefusedWithAnError() throws Exception {
        assertFails(get("function onGet() self.lib = string self.api = comet self.env = _G return 'kept' end"),
                ErrorCode.HANDLER_REFUSED, "onGet: state field 'api' is a table with a metatable");
        assertFails(get("function onGet() self.env = _G return 'kept' end"),
                ErrorCode.HANDLER_REFUSED, "onGet: state field 'env' is the global table (_G)");
        assertFails(get("function onGet() return {lib = string, api = comet, env = _G} end"),
                ErrorCode.HANDLER_REFUSED, "onGet: the answer holds a library or the global table (_G)");
    }
}
