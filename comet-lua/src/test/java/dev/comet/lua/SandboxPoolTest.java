package dev.comet.lua;

import dev.comet.aso.HandlerLimits;

import dev.comet.CometException;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invocations of one object run in order on its worker; different objects run on different workers. */
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
