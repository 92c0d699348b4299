package dev.comet.lua;

import dev.comet.aso.HandlerLimits;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoStats;
import dev.comet.aso.ObjectReport;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The runtime of a real node: outcomes, statistics and an object's report as its owner reads it. */
class LuaAsoRuntimeTest {
    private final SandboxPool pool = new SandboxPool(2, 100);
    /** A long wall-time backstop: the looping handler must stop on instructions, also on a cold, busy JVM. */
    private final LuaAsoRuntime runtime = new LuaAsoRuntime(pool, Runnable::run, HandlerLimits.defaults().withWallMillis(10_000),
            "127.0.0.1", NodeId.ofKey("node"), () -> 1_000L);

    @AfterEach
    void close() {
        pool.close();
    }

    private AsoOutcome invoke(NodeId key, String code, byte[] state, String handler) throws Exception {
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        runtime.invoke(new AsoCall(key, code.getBytes(StandardCharsets.UTF_8), state, state == null, handler,
                new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true), done::complete);
        return done.get(5, TimeUnit.SECONDS);
    }

    @Test
    void statsCountInvocationsInstructionsAndLimitsHit() throws Exception {
        NodeId key = NodeId.ofKey("counter");
        String code = "aso.n = 0 function onGet() self.n = self.n + 1 comet.log('get', self.n) return self.n end "
                + "function onDelete() while true do end end";
        AsoOutcome put = invoke(key, code, null, "onPut");
        assertThat(put.ok()).isTrue();
        AsoOutcome get = invoke(key, code, put.state(), "onGet");
        assertThat(get.answer()).isEqualTo(1L);
        AsoOutcome loop = invoke(key, code, get.state(), "onDelete");
        assertThat(loop.ok()).isFalse();
        assertThat(loop.error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode());

        AsoStats stats = runtime.stats();
        assertThat(stats.invocations()).isEqualTo(2);
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.limitsHit()).containsEntry("instructions", 1L).containsEntry("memory", 0L);
        assertThat(stats.instructions()).isGreaterThan(1_000_000L);

        ObjectReport report = runtime.report(key).get(5, TimeUnit.SECONDS).orElseThrow();
        assertThat(report.state()).isEqualTo(Map.of("n", 1L));
        assertThat(report.handlers()).containsExactly("onGet", "onDelete");
        assertThat(report.invocations()).isEqualTo(2);
        assertThat(report.errors()).isEqualTo(1);
        assertThat(report.log()).hasSize(1).first().asString().contains("get").contains("1");
        assertThat(runtime.report(NodeId.ofKey("absent")).get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aRefusalIsCounted() throws Exception {
        NodeId key = NodeId.ofKey("refuser");
        AsoOutcome put = invoke(key, "function onPut() return false end", null, "onPut");
        assertThat(put.answeredFalse()).isTrue();
        assertThat(runtime.stats().refusals()).isEqualTo(1);
        assertThat(List.of(put.ok())).containsExactly(true);
    }

    @Test
    void theNodeWideInstructionBudgetRefusesNewWorkUntilTheNextSecond() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(10_000);
        LuaAsoRuntime budgeted = new LuaAsoRuntime(pool, Runnable::run, HandlerLimits.defaults().withWallMillis(10_000),
                1_500_000, "127.0.0.1", NodeId.ofKey("node"), now::get);
        NodeId key = NodeId.ofKey("spinner");
        byte[] code = "function onGet() while true do end end".getBytes(StandardCharsets.UTF_8);
        java.util.function.Supplier<AsoOutcome> get = () -> {
            CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
            budgeted.invoke(new AsoCall(key, code, null, false, "onGet", new AsoCall.Caller("127.0.0.1", 1, null, false, null),
                    Map.of(), null, null, List.of(), true), done::complete);
            return done.join();
        };
        assertThat(get.get().error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode()); // 1M of the 1.5M used
        assertThat(get.get().error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode()); // started under budget, ends over it
        AsoOutcome refused = get.get();
        assertThat(refused.error().code()).isEqualTo(dev.comet.ErrorCode.HANDLERS_BUSY);
        assertThat(refused.error().message()).contains("1500000 instructions for this second");
        now.addAndGet(1_000);
        assertThat(get.get().error().code()).as("a new second, a new budget").isEqualTo(Limit.INSTRUCTIONS.errorCode());
    }
}
