package dev.comet.lua;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoRequest;
import dev.comet.aso.AsoStats;
import dev.comet.aso.HandlerLimits;
import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectReport;
import dev.comet.id.NodeId;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gets of a loaded object run on the caller's thread while they keep within the inline bounds, with the answers
 * and state they would have on the pool; one that crosses them leaves no trace of its attempt and runs again on
 * the pool, where its object's gets then stay.
 */
class InlineGetsTest {
    /** Counts its gets, logs each, then loops {@code spin} times: past the inline bounds when large. */
    private static String code(int spin) {
        return "aso.n = 0 "
                + "function onGet(caller, args) self.n = self.n + 1 comet.log('get ' .. self.n) "
                + "if args.ask then comet.get(self, 'replicas', 'onAnswer') end "
                + "for i = 1, " + spin + " do end return self.n end "
                + "function onAnswer() end";
    }

    private static final String SHORT = code(0);
    /** About 4 instructions a turn: far past 10,000, far within the limit of 1,000,000. */
    private static final String SLOW = code(50_000);
    private final SandboxPool pool = new SandboxPool(1, 100);
    private final NodeId key = NodeId.ofKey("inline");

    @AfterEach
    void close() {
        pool.close();
    }

    private LuaAsoRuntime runtime(long inlineInstructions) {
        // one get from the replicas a second per object: a rolled-back attempt must not use up the pool run's allowance
        HandlerLimits limits = HandlerLimits.defaults().toBuilder().wallMillis(10_000)
                .requestsPerSecond(AsoRequest.GetFromReplicas.COUNT).build();
        return new LuaAsoRuntime(pool, Runnable::run, ObjectConfig.defaults().toBuilder().limits(limits)
                .inlineInstructions(inlineInstructions).build(), "127.0.0.1", NodeId.ofKey("node"), () -> 1_000L);
    }

    private AsoOutcome invoke(LuaAsoRuntime runtime, String code, NodeId key, byte[] state, String handler,
                              Map<String, byte[]> args) throws Exception {
        // the previous call's outcome is delivered a moment before its worker counts the slot free: wait for that,
        // as a node's next get usually does
        Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(30, TimeUnit.SECONDS)
                .until(() -> pool.idle(key));
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        runtime.invoke(new AsoCall(key, code.getBytes(StandardCharsets.UTF_8), state, state == null, handler,
                new AsoCall.Caller("127.0.0.1", 1, null, false, null), args, null, null, List.of(), true), done::complete);
        return done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void shortGetsRunInlineWithTheAnswersAndStateThePoolGives() throws Exception {
        for (long inline : new long[] {10_000, 0}) {
            LuaAsoRuntime runtime = runtime(inline);
            NodeId k = NodeId.ofKey("short-" + inline);
            AsoOutcome put = invoke(runtime, SHORT, k, null, "onPut", Map.of());
            byte[] state = put.state();
            AsoStats warm = warmUp(runtime);
            for (long n = 1; n <= 100; n++) {
                AsoOutcome get = invoke(runtime, SHORT, k, state, "onGet", Map.of());
                assertThat(get.ok()).isTrue();
                assertThat(get.answer()).isEqualTo(n);
                state = get.state();
            }
            AsoStats stats = minus(runtime.stats(), warm);
            assertThat(stats.invocations()).as("the gets: a put without onPut runs nothing").isEqualTo(100);
            if (inline == 0) {
                assertThat(stats.inlineGets()).isZero();
                continue;
            }
            // a stall (a collection, the scheduler) can hold a run past the 1 ms bound: the object's next gets then
            // back off to the pool for a while, and some may have
            if (stats.inlineYields() == 0) {
                assertThat(stats.inlineGets()).as("every get tried on the caller's thread").isEqualTo(100);
            }
            assertThat(stats.inlineGets() - stats.inlineYields()).as("gets that ran on the caller's thread")
                    .isPositive();
        }
    }

    /** Gets of another object, so that the measured ones do not run as the JVM's first, in interpreted code. */
    private AsoStats warmUp(LuaAsoRuntime runtime) throws Exception {
        NodeId other = NodeId.ofKey("warm-up");
        byte[] state = invoke(runtime, SHORT, other, null, "onPut", Map.of()).state();
        for (int i = 0; i < 300; i++) {
            state = invoke(runtime, SHORT, other, state, "onGet", Map.of()).state();
        }
        return runtime.stats();
    }

    private static AsoStats minus(AsoStats now, AsoStats before) {
        return new AsoStats(now.invocations() - before.invocations(), now.instructions() - before.instructions(),
                now.allocatedBytes() - before.allocatedBytes(), now.refusals() - before.refusals(),
                now.errors() - before.errors(), now.limitsHit(), now.abandonedWorkers(), now.cachedObjects(),
                now.cachedBytes(), now.objectBytes(), now.inlineGets() - before.inlineGets(),
                now.inlineYields() - before.inlineYields());
    }

    @Test
    void aGetPastTheBoundsLeavesNoTraceOfItsAttemptAndItsObjectStaysOnThePool() throws Exception {
        // a bound of 100 instructions: crossed within a few microseconds, unless the thread stalls
        LuaAsoRuntime runtime = runtime(100);
        AsoOutcome put = invoke(runtime, SLOW, key, null, "onPut", Map.of());
        AsoOutcome first = invoke(runtime, SLOW, key, put.state(), "onGet", Map.of("ask", new byte[] {'1'}));
        assertThat(first.ok()).as("%s", first.error()).isTrue();
        assertThat(first.answer()).as("the attempt's increment was rolled back").isEqualTo(1L);
        assertThat(first.requests()).hasSize(1);
        AsoStats stats = runtime.stats();
        assertThat(stats.inlineGets()).isEqualTo(1);
        assertThat(stats.inlineYields()).isEqualTo(1);
        assertThat(stats.invocations()).as("one get: a put without onPut runs nothing").isEqualTo(1);
        assertThat(stats.errors()).isZero();
        assertThat(stats.limitsHit().values()).containsOnly(0L);

        // past the instruction bound the object goes to the pool for good; past the time bound first (a stall, or a
        // cold JVM on a busy machine), for its next 16 gets: either way the next get is not tried here
        AsoOutcome second = invoke(runtime, SLOW, key, first.state(), "onGet", Map.of());
        assertThat(second.answer()).isEqualTo(2L);
        assertThat(runtime.stats().inlineGets()).as("the slow object's next get went to the pool").isEqualTo(1);

        ObjectReport report = runtime.report(key).get(30, TimeUnit.SECONDS).orElseThrow();
        assertThat(report.log()).as("one line per get, none from the attempt").hasSize(2);
        assertThat(report.log().get(0)).endsWith("get 1");
        assertThat(report.log().get(1)).endsWith("get 2");
        assertThat(report.invocations()).isEqualTo(2);
        assertThat(report.errors()).isZero();
    }

    /**
     * Past the instructions or the allocation once, an object's gets stay on the pool while it is loaded; past the time
     * only, its next 16 gets do, then 32 after the next time yield, and so on up to 4,096.
     */
    @Test
    void aTimeYieldBacksOffAndTheOtherBoundsSendAnObjectToThePool() {
        InlineGets gets = InlineGets.within(HandlerLimits.defaults(), 10_000);
        ObjectCache cache = new ObjectCache(10, 1 << 20);
        byte[] code = {'x'};
        Sandbox sandbox = new Sandbox();
        NodeId slow = NodeId.ofKey("slow");
        ObjectCache.Entry entry = new ObjectCache.Entry(sandbox, code, null, 0, Long.MAX_VALUE);
        cache.put(slow, entry, 0);
        assertThat(cache.runsShort(slow, code)).isTrue();
        int[] expected = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 4096, 4096};
        for (int yields = 1; yields <= expected.length; yields++) {
            gets.yielded(cache, entry, crossed(Limit.TIME));
            int onThePool = 0;
            while (!cache.runsShort(slow, code)) {
                onThePool++;
            }
            assertThat(onThePool).as("gets on the pool after time yield %d", yields).isEqualTo(expected[yields - 1]);
        }
        assertThat(cache.runsLong(entry)).isFalse();
        for (Limit once : new Limit[] {Limit.INSTRUCTIONS, Limit.MEMORY}) {
            NodeId key = NodeId.ofKey(once.name());
            ObjectCache.Entry e = new ObjectCache.Entry(sandbox, code, null, 0, Long.MAX_VALUE);
            cache.put(key, e, 0);
            assertThat(gets.crossedBounds(crossed(once))).isTrue();
            gets.yielded(cache, e, crossed(once));
            assertThat(cache.runsLong(e)).as("%s", once).isTrue();
            assertThat(cache.runsShort(key, code)).isFalse();
        }
        assertThat(gets.crossedBounds(crossed(Limit.STRING_SIZE))).as("the same limit on the pool: final").isFalse();
        assertThat(InlineGets.within(HandlerLimits.defaults(), 0)).isNull();
    }

    private static InvocationResult crossed(Limit limit) {
        return new InvocationResult(org.luaj.vm2.LuaValue.NIL, limit.message(), limit, 0, 0, false, List.of(), false);
    }
}
