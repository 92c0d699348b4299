package dev.comet.lua;

import dev.comet.aso.HandlerLimits;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoStats;
import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectReport;
import dev.comet.ErrorCode;
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

    /** The runtime keeps the last requester's names: a get from another one must not see them. */
    @Test
    void eachGetSeesItsOwnCaller() throws Exception {
        NodeId key = NodeId.ofKey("who");
        String code = "function onGet(caller) return caller.ip .. ' ' .. caller.port .. ' ' .. caller.id end";
        AsoOutcome put = invoke(key, code, null, "onPut");
        NodeId alice = NodeId.ofKey("alice");
        NodeId bob = NodeId.ofKey("bob");
        AsoCall.Caller[] callers = {
                new AsoCall.Caller("10.0.0.1", 1, alice, false, null),
                new AsoCall.Caller("10.0.0.1", 2, bob, false, null),
                new AsoCall.Caller("10.0.0.2", 3, bob, false, null),
                new AsoCall.Caller("10.0.0.1", 4, alice, false, null),
                new AsoCall.Caller("10.0.0.1", 6, alice, false, null), // the same requester: its names are kept
                new AsoCall.Caller("10.0.0.1", 5, null, false, null)};
        byte[] state = put.state();
        for (AsoCall.Caller caller : callers) {
            CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
            runtime.invoke(new AsoCall(key, code.getBytes(StandardCharsets.UTF_8), state, false, "onGet", caller,
                    Map.of(), null, null, List.of(), true), done::complete);
            AsoOutcome get = done.get(5, TimeUnit.SECONDS);
            String id = caller.id() == null ? "" : caller.id().toHex();
            assertThat(new String((byte[]) get.answer(), StandardCharsets.UTF_8))
                    .isEqualTo(caller.ip() + " " + caller.port() + " " + id);
            state = get.state();
        }
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
                3_500_000, "127.0.0.1", NodeId.ofKey("node"), now::get);
        NodeId key = NodeId.ofKey("spinner");
        byte[] code = "function onGet() while true do end end".getBytes(StandardCharsets.UTF_8);
        java.util.function.Supplier<AsoOutcome> get = () -> {
            CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
            budgeted.invoke(new AsoCall(key, code, null, false, "onGet", new AsoCall.Caller("127.0.0.1", 1, null, false, null),
                    Map.of(), null, null, List.of(), true), done::complete);
            return done.orTimeout(30, TimeUnit.SECONDS).join();
        };
        // each get reserves what it may run (the first also its load) and is charged what it ran, 1M each
        assertThat(get.get().error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode());
        assertThat(get.get().error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode());
        assertThat(get.get().error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode()); // 3M used, 0.5M left
        AsoOutcome refused = get.get(); // its 1M reservation does not fit
        assertThat(refused.error().code()).isEqualTo(dev.comet.ErrorCode.HANDLERS_BUSY);
        assertThat(refused.error().message()).contains("3500000 instructions for this second");
        now.addAndGet(1_000);
        assertThat(get.get().error().code()).as("a new second, a new budget").isEqualTo(Limit.INSTRUCTIONS.errorCode());
    }

    /** Issue #10 item 5: a burst of calls queued before any has run may not all pass the budget check. */
    @Test
    void aBurstOfQueuedCallsIsAdmittedAgainstWhatIsAlreadyReserved() throws Exception {
        LuaAsoRuntime budgeted = new LuaAsoRuntime(pool, Runnable::run, HandlerLimits.defaults().withWallMillis(10_000),
                3_000_000, "127.0.0.1", NodeId.ofKey("node"), () -> 10_000L);
        NodeId key = NodeId.ofKey("burst");
        byte[] code = "function onGet() while true do end end".getBytes(StandardCharsets.UTF_8);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // the object's worker is busy: every call below is queued before any runs
        CompletableFuture<Boolean> blocker = pool.submit(key, sb -> {
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return false;
            }
        });
        List<CompletableFuture<AsoOutcome>> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
            budgeted.invoke(new AsoCall(key, code, null, false, "onGet", new AsoCall.Caller("127.0.0.1", 1, null, false, null),
                    Map.of(), null, null, List.of(), true), done::complete);
            burst.add(done);
        }
        release.countDown();
        assertThat(blocker.get(10, TimeUnit.SECONDS)).isTrue();
        // the first reserves a load and a run (2M of the 3M); each later one would take the reservations over 3M
        assertThat(burst.get(0).get(10, TimeUnit.SECONDS).error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode());
        for (CompletableFuture<AsoOutcome> refused : burst.subList(1, 4)) {
            assertThat(refused.get(10, TimeUnit.SECONDS).error().code()).isEqualTo(dev.comet.ErrorCode.HANDLERS_BUSY);
        }
    }

    /** Issue #10 item 5: running an object's chunk when it is loaded is Lua work, charged like a handler's. */
    @Test
    void loadingAnObjectIsChargedToTheBudget() throws Exception {
        LuaAsoRuntime budgeted = new LuaAsoRuntime(pool, Runnable::run, HandlerLimits.defaults().withWallMillis(10_000),
                2_500_000, "127.0.0.1", NodeId.ofKey("node"), () -> 10_000L);
        java.util.function.BiFunction<String, String, AsoOutcome> put = (name, code) -> {
            CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
            budgeted.invoke(new AsoCall(NodeId.ofKey(name), code.getBytes(StandardCharsets.UTF_8), null, true, "onPut",
                    new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true),
                    done::complete);
            return done.orTimeout(30, TimeUnit.SECONDS).join();
        };
        assertThat(put.apply("loads long", "while true do end").error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode());
        assertThat(budgeted.stats().instructions()).isGreaterThan(1_000_000L);
        // 1M used by that load: a new object's load and onPut (2M reserved) no longer fit in this second's 2.5M
        assertThat(put.apply("cheap", "aso.value = 1").error().code()).isEqualTo(dev.comet.ErrorCode.HANDLERS_BUSY);
    }

    /**
     * Found by LuaFuzzTest (comet-cli): a library call charged far over the instruction limit is refused before it
     * does that work, so the node-wide budget is charged no more than the invocation's limit. Charged the 1e9 it
     * asked for, one table.unpack used up the default 200,000,000 for the rest of its second, and every other
     * object's invocations were refused with 312.
     */
    @Test
    void aChargeOverTheLimitCostsTheBudgetNoMoreThanTheLimit() throws Exception {
        LuaAsoRuntime budgeted = new LuaAsoRuntime(pool, Runnable::run, HandlerLimits.defaults().withWallMillis(10_000),
                ObjectConfig.defaults().instructionsPerSecond(), "127.0.0.1", NodeId.ofKey("node"), () -> 10_000L);
        java.util.function.BiFunction<String, String, AsoOutcome> get = (name, code) -> {
            CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
            budgeted.invoke(new AsoCall(NodeId.ofKey(name), code.getBytes(StandardCharsets.UTF_8), null, true, "onGet",
                    new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true),
                    done::complete);
            return done.orTimeout(30, TimeUnit.SECONDS).join();
        };
        AsoOutcome hostile = get.apply("unpacks 1e9", "function onGet() return table.unpack({}, 1, 1e9) end");
        assertThat(hostile.error().code()).isEqualTo(Limit.INSTRUCTIONS.errorCode());
        assertThat(budgeted.stats().instructions()).as("a load and a run, each at most the limit")
                .isLessThanOrEqualTo(2 * HandlerLimits.defaults().instructions());
        // the same second: another object still runs
        assertThat(get.apply("benign", "function onGet() return 1 end").answer()).isEqualTo(1L);
    }

    // ------------------------------------------------------------------ the object cache and the memory budget

    private static AsoOutcome call(LuaAsoRuntime runtime, NodeId key, String code, byte[] state, boolean fresh,
                                   String handler, long expiresAt) {
        CompletableFuture<AsoOutcome> done = new CompletableFuture<>();
        runtime.invoke(new AsoCall(key, code.getBytes(StandardCharsets.UTF_8), state, fresh, handler,
                new AsoCall.Caller("127.0.0.1", 1, null, false, null), Map.of(), null, null, List.of(), true,
                expiresAt), done::complete);
        try {
            return done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no outcome", e);
        }
    }

    private static final String COUNTER = "aso.n = 0 function onGet() self.n = self.n + 1 return self.n end";

    /**
     * Issue #10 item 4: 1,000 objects put with a lifetime of 1 s and read once each leave at most the cache's bound
     * loaded, within its byte bound, and none once they have expired.
     */
    @Test
    void theObjectCacheIsBoundedByCountAndBytesAndDropsExpiredObjects() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(10_000);
        long oneObject = ObjectFootprint.of(COUNTER.length(), 16);
        ObjectConfig objects = ObjectConfig.builder().limits(HandlerLimits.defaults().withWallMillis(10_000))
                .maxCachedObjects(50).maxCachedBytes(30 * oneObject).build();
        LuaAsoRuntime bounded = new LuaAsoRuntime(pool, Runnable::run, objects, "127.0.0.1", NodeId.ofKey("node"), now::get);
        long expiresAt = now.get() + 1_000;
        for (int i = 0; i < 1_000; i++) {
            NodeId key = NodeId.ofKey("short-lived " + i);
            AsoOutcome put = call(bounded, key, COUNTER, null, true, "onPut", expiresAt);
            assertThat(put.ok()).isTrue();
            assertThat(call(bounded, key, COUNTER, put.state(), false, "onGet", expiresAt).answer()).isEqualTo(1L);
            AsoStats stats = bounded.stats();
            assertThat(stats.cachedObjects()).isLessThanOrEqualTo(30);
            assertThat(stats.cachedBytes()).isLessThanOrEqualTo(30 * oneObject);
        }
        assertThat(bounded.stats().cachedObjects()).isEqualTo(30);
        now.addAndGet(1_000); // all have expired: the next call sweeps them out
        NodeId other = NodeId.ofKey("long-lived");
        assertThat(call(bounded, other, COUNTER, null, true, "onPut", now.get() + 60_000).ok()).isTrue();
        AsoStats after = bounded.stats();
        assertThat(after.cachedObjects()).isEqualTo(1);
        assertThat(after.objectBytes()).as("the expired objects no longer count against the memory budget")
                .isEqualTo(after.cachedBytes());
    }

    @Test
    void anObjectTheNodeForgetsIsDroppedAtOnce() {
        LuaAsoRuntime r = new LuaAsoRuntime(pool, Runnable::run, ObjectConfig.defaults(), "127.0.0.1",
                NodeId.ofKey("node"), () -> 10_000L);
        NodeId key = NodeId.ofKey("deleted");
        assertThat(call(r, key, COUNTER, null, true, "onPut", Long.MAX_VALUE).ok()).isTrue();
        assertThat(r.stats().cachedObjects()).isEqualTo(1);
        r.forget(key);
        assertThat(r.stats().cachedObjects()).isZero();
        assertThat(r.stats().objectBytes()).isZero();
    }

    /** Issue #10, memory per node: a new object past the object memory budget is refused with 313, naming it. */
    @Test
    void newObjectsPastTheObjectMemoryBudgetAreRefused() {
        long oneObject = ObjectFootprint.of(COUNTER.length(), 16);
        ObjectConfig objects = ObjectConfig.builder().objectMemoryBytes(3 * oneObject).build();
        LuaAsoRuntime r = new LuaAsoRuntime(pool, Runnable::run, objects, "127.0.0.1", NodeId.ofKey("node"),
                () -> 10_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(call(r, NodeId.ofKey("fits " + i), COUNTER, null, true, "onPut", Long.MAX_VALUE).ok()).isTrue();
        }
        AsoOutcome refused = call(r, NodeId.ofKey("one too many"), COUNTER, null, true, "onPut", Long.MAX_VALUE);
        assertThat(refused.error().code()).isEqualTo(ErrorCode.OBJECT_MEMORY_FULL);
        assertThat(refused.error().code().krpcCode()).isEqualTo(313);
        assertThat(refused.error().message()).contains("objects.objectMemoryBytes");
        // objects already held still run
        assertThat(call(r, NodeId.ofKey("fits 0"), COUNTER, null, false, "onGet", Long.MAX_VALUE).answer()).isEqualTo(1L);
        r.forget(NodeId.ofKey("fits 1"));
        assertThat(call(r, NodeId.ofKey("one too many"), COUNTER, null, true, "onPut", Long.MAX_VALUE).ok()).isTrue();
    }

    // ------------------------------------------------------------------ the watchdog

    /**
     * Issue #10, the watchdog: an invocation wedged in Java code past its backstop is answered with 322, and the
     * object, whose instance lived on the replaced worker, is loaded again from the state the node kept.
     */
    @Test
    void aWedgedInvocationIsAnsweredWithTheTimeLimitAndItsObjectReloadedFromTheNodesState() {
        java.util.Set<NodeId> wedge = java.util.concurrent.ConcurrentHashMap.newKeySet();
        SandboxExecutor wedging = new SandboxExecutor() {
            @Override
            public <T> CompletableFuture<T> submit(Object key, java.util.function.Function<Sandbox, T> task) {
                return pool.submit(key, task);
            }

            @Override
            public <T> CompletableFuture<T> submit(Object key, long backstopMillis,
                                                   java.util.function.Function<Sandbox, T> task) {
                return pool.submit(key, backstopMillis, sb -> {
                    T value = task.apply(sb);
                    if (wedge.remove(key)) {
                        // a loop in Java code the meter cannot see, after the handler changed the instance
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.onSpinWait();
                        }
                    }
                    return value;
                });
            }
        };
        LuaAsoRuntime r = new LuaAsoRuntime(wedging, Runnable::run, HandlerLimits.defaults(), "127.0.0.1",
                NodeId.ofKey("node"), () -> 10_000L);
        NodeId key = NodeId.ofKey("wedged");
        AsoOutcome put = call(r, key, COUNTER, null, true, "onPut", Long.MAX_VALUE);
        AsoOutcome first = call(r, key, COUNTER, put.state(), false, "onGet", Long.MAX_VALUE);
        assertThat(first.answer()).isEqualTo(1L);
        wedge.add(key);
        AsoOutcome wedged = call(r, key, COUNTER, first.state(), false, "onGet", Long.MAX_VALUE);
        assertThat(wedged.error().code()).isEqualTo(ErrorCode.TIME_LIMIT);
        assertThat(wedged.error().message()).startsWith("onGet: time limit exceeded").contains("watchdog");
        AsoStats stats = r.stats();
        assertThat(stats.abandonedWorkers()).isEqualTo(1);
        assertThat(stats.limitsHit()).containsEntry("time", 1L);
        // the node kept the first get's state: the next get counts from it, not from the abandoned instance's 2
        assertThat(call(r, key, COUNTER, first.state(), false, "onGet", Long.MAX_VALUE).answer()).isEqualTo(2L);
    }
}
