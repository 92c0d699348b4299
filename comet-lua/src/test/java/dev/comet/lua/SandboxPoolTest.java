package dev.comet.lua;

import dev.comet.aso.HandlerLimits;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.awaitility.Awaitility;

/**
 * Invocations of one object run in order on its worker; different objects run on different workers; every task's
 * future completes, and a worker whose task overran or raised an Error is replaced.
 */
class SandboxPoolTest {
    private static final HandlerLimits LIMITS = HandlerLimits.defaults();
    private static final AsoContext CONTEXT = new AsoContext("127.0.0.1", "00".repeat(20), "k", () -> 0L);

    @Test
    void invocationsOfOneObjectRunInArrivalOrderOnOneThread() throws Exception {
        try (SandboxPool pool = new SandboxPool(2, 1000)) {
            AsoInstance object = pool.submit("counter", sb -> sb.load(
                    "aso.seen = {} function onGet(caller, args) self.seen[#self.seen + 1] = args end", "=c", null,
                    CONTEXT, LIMITS)).get(5, TimeUnit.SECONDS);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            List<CompletableFuture<InvocationResult>> calls = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                LuaValue[] args = {LuaValue.NIL, LuaValue.valueOf(i)};
                calls.add(pool.submit("counter", sb -> {
                    threads.add(Thread.currentThread().getName());
                    return sb.invoke(object, "onGet", args, 1, LIMITS);
                }));
            }
            for (CompletableFuture<InvocationResult> c : calls) {
                assertThat(c.get(10, TimeUnit.SECONDS).ok()).isTrue();
            }
            assertThat(threads).hasSize(1);
            String state = pool.submit("counter", sb -> LuaValues.render(StateCodec.decode(object.savedState(), 16)))
                    .get(5, TimeUnit.SECONDS);
            StringBuilder expected = new StringBuilder("{seen = {");
            for (int i = 1; i <= 200; i++) {
                expected.append(i).append(i < 200 ? ", " : "}}");
            }
            assertThat(state).isEqualTo(expected.toString());
        }
    }

    @Test
    void objectsOnDifferentWorkersRunInParallel() throws Exception {
        try (SandboxPool pool = new SandboxPool(2, 10)) {
            String a = "a";
            String b = keyOnOtherWorker(pool, a);
            CountDownLatch bothRunning = new CountDownLatch(2);
            CompletableFuture<Boolean> first = pool.submit(a, sb -> await(bothRunning));
            CompletableFuture<Boolean> second = pool.submit(b, sb -> await(bothRunning));
            assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(second.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aFullQueueRefusesWorkWithAnError() throws Exception {
        try (SandboxPool pool = new SandboxPool(1, 1)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Boolean> busy = pool.submit("x", sb -> {
                started.countDown();
                try {
                    return release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return false;
                }
            });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue(); // the worker holds the first task
            CompletableFuture<Boolean> queued = pool.submit("x", sb -> true); // takes the one free slot
            CompletableFuture<Boolean> refused = pool.submit("x", sb -> true);
            assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(CometException.class)
                    .hasMessageContaining("too many handler invocations");
            release.countDown();
            assertThat(busy.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(queued.get(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Issue #10, the watchdog: a task stuck in Java code the meter cannot see is answered with 322. */
    @Test
    void aTaskStuckInJavaIsAnsweredWithTheTimeLimitAndItsWorkerReplaced() throws Exception {
        try (SandboxPool pool = new SandboxPool(1, 10)) {
            AtomicReference<Thread> stuck = new AtomicReference<>();
            AtomicReference<Sandbox> first = new AtomicReference<>();
            CompletableFuture<Object> wedged = pool.submit("x", 50, sb -> {
                stuck.set(Thread.currentThread());
                first.set(sb);
                spinUntilInterrupted();
                return "never answered this way";
            });
            // queued behind the stuck task, on the same worker slot
            CompletableFuture<Sandbox> behind = pool.submit("x", sb -> sb);
            assertThatThrownBy(() -> wedged.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(InvocationAbandoned.class)
                    .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.TIME_LIMIT))
                    .hasMessageContaining("time limit exceeded");
            Sandbox fresh = behind.get(30, TimeUnit.SECONDS);
            assertThat(fresh).isNotSameAs(first.get());
            assertThat(first.get().abandoned()).isTrue();
            assertThat(pool.abandonedThreads()).isEqualTo(1);
            assertThat(pool.replacedWorkers()).isEqualTo(1);
            // the stuck thread was interrupted (this one stops then) and was a daemon
            assertThat(stuck.get().isDaemon()).isTrue();
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> !stuck.get().isAlive());
            assertThat(pool.stuckThreads()).isZero();
        }
    }

    /** Issue #10: the pool survives every Throwable a task raises, completes its future, and replaces the worker. */
    @Test
    void errorsThatEscapeATaskFailItsFutureAndReplaceTheWorker() throws Exception {
        try (SandboxPool pool = new SandboxPool(1, 10)) {
            Sandbox before = pool.submit("x", sb -> sb).get(30, TimeUnit.SECONDS);
            CompletableFuture<Object> oom = pool.submit("x", sb -> {
                throw new OutOfMemoryError("Java heap space");
            });
            assertThatThrownBy(() -> oom.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(CometException.class)
                    .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.MEMORY_LIMIT));
            CompletableFuture<Object> overflow = pool.submit("x", sb -> recurse(1));
            assertThatThrownBy(() -> overflow.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(CometException.class)
                    .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.CALL_DEPTH_LIMIT));
            CompletableFuture<Object> odd = pool.submit("x", sb -> {
                throw new AssertionError("any other Error");
            });
            assertThatThrownBy(() -> odd.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(CometException.class)
                    .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.INTERNAL));
            Sandbox after = pool.submit("x", sb -> sb).get(30, TimeUnit.SECONDS);
            assertThat(after).isNotSameAs(before);
            assertThat(before.abandoned()).isTrue();
            assertThat(pool.replacedWorkers()).isEqualTo(3);
            assertThat(pool.abandonedThreads()).as("none overran: they ended").isZero();
        }
    }

    private static void spinUntilInterrupted() {
        long n = 0;
        while (!Thread.currentThread().isInterrupted()) {
            n++;
        }
        if (n == -1) {
            throw new IllegalStateException();
        }
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    /** Counts down {@code latch}, then waits for the others to do the same. */
    private static boolean await(CountDownLatch latch) {
        latch.countDown();
        try {
            return latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String keyOnOtherWorker(SandboxPool pool, String key) {
        for (int i = 0; ; i++) {
            String candidate = "k" + i;
            if (pool.workerOf(candidate) != pool.workerOf(key)) {
                return candidate;
            }
        }
    }
}
