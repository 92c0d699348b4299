package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool lends an idle slot's sandbox to the caller's thread ({@link SandboxPool#runHereIfIdle}): never while the
 * slot has work queued or running, never to two threads at once, and an Error in a borrowed run retires the
 * sandbox, not the worker.
 */
class SandboxLendingTest {
    @Test
    void anIdleSlotLendsItsSandboxAndABusyOneDoesNot() throws Exception {
        try (SandboxPool pool = new SandboxPool(1, 10)) {
            Sandbox workers = pool.submit("x", sb -> sb).get(30, TimeUnit.SECONDS);
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> pool.runHereIfIdle("x", sb -> sb) != null);
            CompletableFuture<Thread> here = pool.runHereIfIdle("x", sb -> {
                assertThat(sb).isSameAs(workers);
                return Thread.currentThread();
            });
            assertThat(here).isNotNull();
            assertThat(here.get()).isSameAs(Thread.currentThread());

            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> running = pool.submit("x", sb -> {
                started.countDown();
                await(release);
                return "ran";
            });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.runHereIfIdle("x", sb -> "borrowed")).as("a task is running").isNull();
            CompletableFuture<String> queued = pool.submit("x", sb -> "queued");
            release.countDown();
            assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo("queued");
            assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo("ran");

            // the worker takes its sandbox back: the same one, usable on its thread after a borrow
            assertThat(pool.submit("x", sb -> {
                sb.checkThread();
                return sb;
            }).get(30, TimeUnit.SECONDS)).isSameAs(workers);
        }
    }

    /** Tasks submitted from one thread while another borrows: one user at a time, never two. */
    @Test
    void borrowsAndQueuedTasksNeverOverlap() throws Exception {
        try (SandboxPool pool = new SandboxPool(1, 100_000)) {
            pool.submit("x", sb -> sb).get(30, TimeUnit.SECONDS);
            AtomicInteger users = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger borrowed = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean submitting = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread borrower = new Thread(() -> {
                while (submitting.get()) {
                    CompletableFuture<Object> r = pool.runHereIfIdle("x", sb -> use(sb, users, overlaps));
                    if (r != null) {
                        borrowed.incrementAndGet();
                        if (r.isCompletedExceptionally()) {
                            overlaps.incrementAndGet(); // the sandbox was not handed to this thread
                        }
                    }
                }
            });
            borrower.start();
            List<CompletableFuture<Object>> tasks = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                tasks.add(pool.submit("x", sb -> use(sb, users, overlaps)));
                if (i % 16 == 15) {
                    tasks.get(i).get(30, TimeUnit.SECONDS); // the slot goes idle now and then: borrows get in
                }
            }
            submitting.set(false);
            borrower.join(60_000);
            for (CompletableFuture<Object> t : tasks) {
                t.get(30, TimeUnit.SECONDS);
            }
            assertThat(overlaps.get()).isZero();
            assertThat(borrowed.get()).as("some borrows found the slot idle").isPositive();
        }
    }

    /**
     * One thread submitting and borrowing, as a node's thread does: results are delivered in the order the work was
     * asked for, so a borrow's outcome never reaches the node before the outcome of a task asked for earlier.
     */
    @Test
    void resultsAreDeliveredInTheOrderTheWorkWasAskedFor() throws Exception {
        try (SandboxPool pool = new SandboxPool(1, 100_000)) {
            pool.submit("x", sb -> sb).get(30, TimeUnit.SECONDS);
            List<Integer> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.Random random = new java.util.Random(1);
            AtomicInteger borrowed = new AtomicInteger();
            CompletableFuture<Object> last = null;
            for (int i = 0; i < 20_000; i++) {
                int n = i;
                CompletableFuture<Object> r = random.nextInt(4) == 0 ? null : pool.runHereIfIdle("x", sb -> n);
                if (r != null) {
                    borrowed.incrementAndGet();
                } else {
                    r = pool.submit("x", sb -> n);
                }
                last = r.whenComplete((v, e) -> delivered.add(n));
            }
            last.get(30, TimeUnit.SECONDS);
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> delivered.size() == 20_000);
            assertThat(delivered).isSorted();
            assertThat(borrowed.get()).as("some borrows found the slot idle").isPositive();
        }
    }

    @Test
    void anErrorInABorrowedRunFailsItAndTheSlotsNextTaskGetsAFreshSandbox() throws Exception {
        try (SandboxPool pool = new SandboxPool(1, 10)) {
            Sandbox before = pool.submit("x", sb -> sb).get(30, TimeUnit.SECONDS);
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> pool.runHereIfIdle("x", sb -> sb) != null);
            CompletableFuture<Object> failed = pool.runHereIfIdle("x", sb -> {
                throw new OutOfMemoryError("Java heap space");
            });
            assertThat(failed).isCompletedExceptionally();
            assertThat(failed.handle((v, e) -> e).get()).isInstanceOf(CometException.class)
                    .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.MEMORY_LIMIT));
            assertThat(before.abandoned()).isTrue();
            Sandbox after = pool.submit("x", sb -> sb).get(30, TimeUnit.SECONDS);
            assertThat(after).isNotSameAs(before);
            assertThat(after.abandoned()).isFalse();
            assertThat(pool.replacedWorkers()).as("the worker itself lives on").isZero();
        }
    }

    private static Object use(Sandbox sb, AtomicInteger users, AtomicInteger overlaps) {
        if (users.incrementAndGet() != 1) {
            overlaps.incrementAndGet();
        }
        sb.checkThread(); // throws unless the sandbox was handed to this thread
        users.decrementAndGet();
        return null;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
