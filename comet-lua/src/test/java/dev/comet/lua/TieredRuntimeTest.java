package dev.comet.lua;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.HandlerEngine;
import dev.comet.aso.ObjectConfig;
import dev.comet.id.NodeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node's runtime on a tiered pool: a hot object is swapped for its compiled self between two gets, on the pool or
 * after an inline get, and no get sees a count lost or repeated across the swap.
 */
class TieredRuntimeTest {
    private final SandboxPool pool = new SandboxPool(1, 100, HandlerEngine.TIERED);
    private final LuaAsoRuntime runtime = new LuaAsoRuntime(pool, Runnable::run, ObjectConfig.defaults(),
            "127.0.0.1", NodeId.ofKey("node"), () -> 1_000L);

    @AfterEach
    void close() {
        pool.close();
    }

    private AsoOutcome invoke(NodeId key, byte[] code, byte[] state, String handler) throws Exception {
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        runtime.invoke(new AsoCall(key, code, state, state == null, handler,
                new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true),
                done::complete);
        return done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHotObjectRunsCompiledAndKeepsCounting() throws Exception {
        NodeId key = NodeId.ofKey("counter");
        byte[] code = "aso.n = 0 function onGet() self.n = self.n + 1 return self.n end".getBytes(StandardCharsets.UTF_8);
        AsoOutcome put = invoke(key, code, null, "onPut");
        assertThat(put.ok()).isTrue();
        byte[] state = put.state();
        int gets = HandlerEngine.TIERED_AFTER + 50;
        for (int i = 1; i <= gets; i++) {
            AsoOutcome get = invoke(key, code, state, "onGet");
            assertThat(get.ok()).as("get %d: %s", i, get.error()).isTrue();
            assertThat(get.answer()).as("get %d", i).isEqualTo((long) i);
            state = get.state();
            if (i == HandlerEngine.TIERED_AFTER - 1) {
                assertThat(runtime.runsCompiled(key)).as("interpreted while cold").isFalse();
            }
        }
        assertThat(runtime.runsCompiled(key)).as("compiled once hot").isTrue();
    }
}
