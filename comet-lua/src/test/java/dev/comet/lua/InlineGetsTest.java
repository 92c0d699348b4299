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
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> pool.idle(key.toHex()));
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
            for (long n = 1; n <= 10; n++) {
                AsoOutcome get = invoke(runtime, SHORT, k, state, "onGet", Map.of());
                assertThat(get.ok()).isTrue();
                assertThat(get.answer()).isEqualTo(n);
                state = get.state();
            }
            AsoStats stats = minus(runtime.stats(), warm);
            assertThat(stats.invocations()).as("the gets: a put without onPut runs nothing").isEqualTo(10);
            if (inline == 0) {
                assertThat(stats.inlineGets()).isZero();
                continue;
            }
            // every get is tried on the caller's thread until the object could have been sent to the pool: a cold
            // JVM or a stall can hold a run past the 1 ms bound, and the third such run sends it there
            assertThat(stats.inlineGets()).isBetween((long) InlineGets.TIME_YIELDS_TO_STAY_ON_THE_POOL, 10L);
            if (stats.inlineGets() < 10) {
                assertThat(stats.inlineYields()).isEqualTo(InlineGets.TIME_YIELDS_TO_STAY_ON_THE_POOL);
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

        // past the instruction bound the object goes to the pool at once; a stall that trips the time bound first
        // (a cold JVM on a busy machine) sends it there at the third: either way, within that many slow gets
        byte[] state = first.state();
        long gets = 1;
        for (int i = 1; i < InlineGets.TIME_YIELDS_TO_STAY_ON_THE_POOL; i++) {
            AsoOutcome next = invoke(runtime, SLOW, key, state, "onGet", Map.of());
            assertThat(next.answer()).isEqualTo(++gets);
            state = next.state();
        }
        long tried = runtime.stats().inlineGets();
        assertThat(runtime.stats().inlineYields()).as("every attempt of the slow object yielded").isEqualTo(tried);
        AsoOutcome last = invoke(runtime, SLOW, key, state, "onGet", Map.of());
        assertThat(last.answer()).isEqualTo(++gets);
        assertThat(runtime.stats().inlineGets()).as("the slow object's gets stay on the pool").isEqualTo(tried);

        ObjectReport report = runtime.report(key).get(30, TimeUnit.SECONDS).orElseThrow();
        assertThat(report.log()).as("one line per get, none from the attempts").hasSize((int) gets);
        for (int i = 0; i < gets; i++) {
            assertThat(report.log().get(i)).endsWith("get " + (i + 1));
        }
        assertThat(report.invocations()).isEqualTo(gets);
        assertThat(report.errors()).isZero();
    }

    /** Past the instructions or the allocation once, an object's gets stay on the pool; past the time, a few times. */
    @Test
    void onlyARunThatKeepsCrossingTheTimeBoundSendsItsObjectToThePool() {
        InlineGets gets = InlineGets.within(HandlerLimits.defaults(), 10_000);
        ObjectCache.Entry slow = new ObjectCache.Entry(null, new byte[0], null, 0, Long.MAX_VALUE);
        for (int i = 1; i < InlineGets.TIME_YIELDS_TO_STAY_ON_THE_POOL; i++) {
            gets.yielded(slow, crossed(Limit.TIME));
            assertThat(slow.runsLong).as("after %d time yields", i).isFalse();
        }
        gets.yielded(slow, crossed(Limit.TIME));
        assertThat(slow.runsLong).isTrue();
        for (Limit once : new Limit[] {Limit.INSTRUCTIONS, Limit.MEMORY}) {
            ObjectCache.Entry entry = new ObjectCache.Entry(null, new byte[0], null, 0, Long.MAX_VALUE);
            assertThat(gets.crossedBounds(crossed(once))).isTrue();
            gets.yielded(entry, crossed(once));
            assertThat(entry.runsLong).as("%s", once).isTrue();
        }
        assertThat(gets.crossedBounds(crossed(Limit.STRING_SIZE))).as("the same limit on the pool: final").isFalse();
        assertThat(InlineGets.within(HandlerLimits.defaults(), 0)).isNull();
    }

    private static InvocationResult crossed(Limit limit) {
        return new InvocationResult(org.luaj.vm2.LuaValue.NIL, limit.message(), limit, 0, 0, false, List.of(), false);
    }
}
