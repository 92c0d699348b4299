package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.HandlerEngine;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A bounded pool of worker threads, each with its own {@link Sandbox} (DESIGN.md §2.2): handler invocations run
 * beside a node's event thread, not on it (but for the short gets a caller may run on an idle slot's sandbox,
 * below). An object is pinned to one worker slot by its key, so invocations of one object run
 * one at a time in arrival order while different objects run in parallel. Each slot's queue is bounded; a full
 * queue refuses new work with an error instead of growing.
 *
 * <p>Owns the worker threads, their sandboxes and the watchdog. Every task's future completes: with the task's
 * value, with what it threw, or, when the task overruns its backstop, with {@link InvocationAbandoned} (322). A
 * worker whose task overran, or raised an {@link Error} that is not a sandbox limit ({@code OutOfMemoryError},
 * {@code StackOverflowError}, ...), is replaced by a fresh thread with a fresh sandbox that takes over the slot's
 * queue; an overrunning thread is interrupted, its sandbox's running meter cancelled, and it is abandoned (a
 * daemon, counted in {@link #abandonedThreads()}). Objects loaded on a replaced sandbox must be reloaded: callers
 * tell by {@link Sandbox} identity.
 *
 * <p>A caller may also borrow an idle slot's sandbox and run a short task on its own thread ({@link #runHereIfIdle}):
 * a slot with nothing queued or running, claimed through its count of outstanding tasks, so the slot's order holds.
 * The worker takes its next task only once the borrower is done (each worker's {@code running} lock).
 */
public final class SandboxPool implements SandboxExecutor, AutoCloseable {
    /** Backstop of a task submitted without one (reports, cache upkeep): none of them runs Lua for long. */
    static final long DEFAULT_BACKSTOP_MILLIS = 10_000;
    /** How often the watchdog looks at the running tasks; an overrun is answered at most this much late. */
    private static final long WATCHDOG_TICK_MILLIS = 10;

    private final AtomicReferenceArray<Worker> workers;
    /**
     * Per slot, tasks queued, running or not yet delivered (a borrower's run counts as one): a slot at 0 is idle and
     * may be borrowed.
     */
    private final AtomicIntegerArray outstanding;
    private final ScheduledExecutorService watchdog;
    private final List<Thread> abandoned = new CopyOnWriteArrayList<>();
    private final LongAdder abandonedCount = new LongAdder();
    private final LongAdder replacedCount = new LongAdder();
    private volatile boolean closed;

    /** How its workers' sandboxes run handlers. */
    private final HandlerEngine engine;

    /** {@code threads} workers (default: the number of cores), each queueing at most {@code queueCapacity} tasks. */
    public SandboxPool(int threads, int queueCapacity) {
        this(threads, queueCapacity, HandlerEngine.INTERPRETER);
    }

    /** {@link #SandboxPool(int, int)} whose sandboxes run handlers on {@code engine}. */
    public SandboxPool(int threads, int queueCapacity, HandlerEngine engine) {
        this.engine = engine;
        if (threads < 1 || queueCapacity < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "a sandbox pool needs at least one thread and a queue of one");
        }
        workers = new AtomicReferenceArray<>(threads);
        outstanding = new AtomicIntegerArray(threads);
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker(i, new ArrayBlockingQueue<>(queueCapacity), 0);
            workers.set(i, w);
            w.thread.start();
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "comet-lua-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::checkOverruns, WATCHDOG_TICK_MILLIS, WATCHDOG_TICK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** The worker index that object {@code key} is pinned to (by its hash: equal keys, one worker). */
    public int workerOf(Object key) {
        return Math.floorMod(key.hashCode(), workers.length());
    }

    /** Threads the watchdog abandoned (their task overran its backstop) since the pool started. */
    public long abandonedThreads() {
        return abandonedCount.sum();
    }

    /** Abandoned threads that have not ended yet (stuck in code that ignores interrupts). */
    public int stuckThreads() {
        abandoned.removeIf(t -> !t.isAlive());
        return abandoned.size();
    }

    /** Workers replaced since the pool started: abandoned by the watchdog, or after an Error escaped a task. */
    public long replacedWorkers() {
        return replacedCount.sum();
    }

    @Override
    public <T> CompletableFuture<T> submit(Object key, Function<Sandbox, T> task) {
        return submit(key, DEFAULT_BACKSTOP_MILLIS, task);
    }

    /**
     * Runs {@code task} with the sandbox of the worker that {@code key} is pinned to; if it runs for more than
     * {@code backstopMillis} its future fails with {@link InvocationAbandoned} and the worker is replaced. Completes
     * exceptionally with a CometException when the worker's queue is full or the pool is closed.
     */
    @Override
    public <T> CompletableFuture<T> submit(Object key, long backstopMillis, Function<Sandbox, T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new CometException(ErrorCode.SERVER, "the sandbox pool is closed"));
            return result;
        }
        int index = workerOf(key);
        Worker worker = workers.get(index);
        // the queue belongs to the slot: a replacement worker takes over the same one
        outstanding.incrementAndGet(index);
        if (!worker.queue.offer(new Task<>(task, result, backstopMillis))) {
            outstanding.decrementAndGet(index);
            result.completeExceptionally(new CometException(ErrorCode.SERVER,
                    "too many handler invocations waiting on worker " + index + "; try again later"));
        }
        return result;
    }

    /**
     * Runs {@code task} at once on the calling thread, with the sandbox of the worker {@code key} is pinned to, if
     * that slot has nothing queued or running; otherwise runs nothing and returns null. The watchdog does not watch
     * a borrowed run (the caller's thread is not the pool's to interrupt or replace): the task must bound itself, as
     * an invocation under a meter does. An Error that escapes it fails the returned future and retires the sandbox:
     * the slot's next task gets a fresh one.
     */
    @Override
    public <T> CompletableFuture<T> runHereIfIdle(Object key, Function<Sandbox, T> task) {
        int index = workerOf(key);
        if (closed || !outstanding.compareAndSet(index, 0, 1)) {
            return null;
        }
        try {
            Worker worker = workers.get(index);
            if (worker.isRetired() || !worker.running.tryLock()) {
                return null; // being replaced (the lock is free whenever the count is 0: this is a guard)
            }
            try {
                Sandbox sandbox;
                try {
                    sandbox = worker.usableSandbox();
                } catch (Throwable e) {
                    return null; // no memory for a fresh sandbox: the worker's next task tries again
                }
                if (sandbox == null) {
                    return null; // the worker has not made its first one yet
                }
                CompletableFuture<T> result = new CompletableFuture<>();
                sandbox.handTo(Thread.currentThread()); // the worker takes it back before its next task
                Task<T> borrowed = new Task<>(task, result, 0);
                Throwable fatal = borrowed.run(sandbox);
                if (fatal != null) {
                    sandbox.abandon(); // not trusted with the next task: the next run makes a fresh one
                    borrowed.thrown = failure(fatal, "its sandbox was replaced");
                }
                borrowed.deliver();
                return result;
            } finally {
                worker.running.unlock();
            }
        } finally {
            outstanding.decrementAndGet(index);
        }
    }

    /** Whether {@code key}'s slot has nothing queued, running or undelivered now (for tests). */
    boolean idle(Object key) {
        return outstanding.get(workerOf(key)) == 0;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        for (int i = 0; i < workers.length(); i++) {
            workers.get(i).thread.interrupt();
        }
        for (int i = 0; i < workers.length(); i++) {
            try {
                workers.get(i).thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // tasks still queued would wait for ever: every future completes
        for (int i = 0; i < workers.length(); i++) {
            Task<?> t;
            while ((t = workers.get(i).queue.poll()) != null) {
                t.fail(new CometException(ErrorCode.SERVER, "the sandbox pool is closed"));
            }
        }
    }

    /**
     * The watchdog's round. A scheduled task that throws is never run again, so nothing may escape it: a round that
     * fails (no memory for a new thread, say) is retried at the next tick.
     */
    private void checkOverruns() {
        try {
            abandonOverruns();
        } catch (Throwable e) {
            // the next round looks again; a worker already retired here was replaced or is retried below
        }
    }

    /** Abandons each worker whose running task is past its backstop. */
    private void abandonOverruns() {
        long now = System.nanoTime();
        for (int i = 0; i < workers.length(); i++) {
            Worker w = workers.get(i);
            if (w.isRetired()) {
                replace(w); // its replacement failed earlier (or is under way: then this does nothing)
                continue;
            }
            Task<?> overrun = w.takeIfOverdue(now);
            if (overrun == null) {
                continue;
            }
            abandonedCount.increment();
            outstanding.decrementAndGet(w.index); // its thread never counts its task as done: it is retired
            abandoned.add(w.thread);
            overrun.fail(new InvocationAbandoned(overrun.backstopMillis));
            w.thread.interrupt();
            w.sandbox.abandon();
            replace(w);
        }
    }

    /**
     * Puts a fresh worker in {@code old}'s slot, on the same queue (unless the pool is closing); once per retired
     * worker, as two workers on one queue would run one object's invocations out of order. If it fails (no thread
     * could be made), the slot keeps the retired worker and the watchdog's next round tries again.
     */
    private void replace(Worker old) {
        if (closed || !old.replaced.compareAndSet(false, true)) {
            return;
        }
        Worker fresh;
        try {
            fresh = new Worker(old.index, old.queue, old.generation + 1);
        } catch (Throwable e) {
            old.replaced.set(false);
            throw e;
        }
        // counted and in its slot before it starts: once started it may finish a task before this thread goes on,
        // and whoever gets that task's result must already see the replacement
        workers.set(old.index, fresh);
        replacedCount.increment();
        try {
            fresh.thread.start();
        } catch (Throwable e) {
            workers.set(old.index, old);
            replacedCount.decrement();
            old.replaced.set(false);
            throw e;
        }
    }

    /** One queued piece of work and the future it must complete, whatever happens. */
    private static final class Task<T> {
        final Function<Sandbox, T> function;
        final CompletableFuture<T> result;
        final long backstopMillis;
        long deadlineNanos;
        /** What the run gave: its value, or what it threw. */
        private T value;
        private Throwable thrown;

        Task(Function<Sandbox, T> function, CompletableFuture<T> result, long backstopMillis) {
            this.function = function;
            this.result = result;
            this.backstopMillis = backstopMillis;
        }

        /**
         * Runs on {@code sandbox} and keeps what it gave, for {@link #deliver()} once the sandbox is free again;
         * returns the Error that must retire the sandbox, or null.
         */
        Throwable run(Sandbox sandbox) {
            try {
                value = function.apply(sandbox);
                return null;
            } catch (RuntimeException | LimitExceeded e) {
                thrown = e;
                return null;
            } catch (Throwable e) {
                // an OutOfMemoryError or StackOverflowError outside the sandbox's own nets (or anything stranger):
                // answer with the error, and do not trust this sandbox with the next task
                thrown = failure(e);
                return e;
            }
        }

        /** Completes the future with what {@link #run} kept (nothing, if the watchdog answered it first). */
        void deliver() {
            if (thrown != null) {
                result.completeExceptionally(thrown);
            } else {
                result.complete(value);
            }
        }

        void fail(Throwable e) {
            result.completeExceptionally(e);
        }
    }

    /** What a requester is told of an Error that escaped a task. */
    static CometException failure(Throwable e) {
        return failure(e, "the worker was replaced");
    }

    /** The same, saying what became of the sandbox ({@code after}). */
    static CometException failure(Throwable e, String after) {
        if (e instanceof OutOfMemoryError) {
            return new CometException(ErrorCode.MEMORY_LIMIT,
                    Limit.MEMORY.message() + ": the JVM ran out of heap; " + after, e);
        }
        if (e instanceof StackOverflowError) {
            return new CometException(ErrorCode.CALL_DEPTH_LIMIT,
                    Limit.CALL_DEPTH.message() + ": the Java stack ran out; " + after, e);
        }
        return new CometException(ErrorCode.INTERNAL, "a handler invocation failed: " + e.getClass().getName(), e);
    }

    private final class Worker {
        final int index;
        final int generation;
        final BlockingQueue<Task<?>> queue;
        final Thread thread;
        volatile Sandbox sandbox;
        /** Held while a task runs on this worker's sandbox, by the worker or by a borrower ({@link #runHereIfIdle}). */
        final ReentrantLock running = new ReentrantLock();
        /** The task running now (guarded by this), and whether this worker was retired. */
        private Task<?> current;
        private boolean retired;
        /** Whether a successor took this (retired) worker's slot. */
        final java.util.concurrent.atomic.AtomicBoolean replaced = new java.util.concurrent.atomic.AtomicBoolean();

        Worker(int index, BlockingQueue<Task<?>> queue, int generation) {
            this.index = index;
            this.queue = queue;
            this.generation = generation;
            this.thread = new Thread(this::loop, "comet-lua-" + index + (generation == 0 ? "" : "." + generation));
            this.thread.setDaemon(true);
        }

        synchronized boolean isRetired() {
            return retired;
        }

        /**
         * The sandbox to run the next task on, made afresh if a borrower's run retired it; null before the worker made
         * its first one. Called with {@link #running} held.
         */
        Sandbox usableSandbox() {
            Sandbox s = sandbox;
            if (s != null && s.abandoned() && !isRetired()) {
                s = new Sandbox(engine);
                sandbox = s;
            }
            return s;
        }

        /** The running task if it is past its deadline: this worker is then retired (under the same lock). */
        synchronized Task<?> takeIfOverdue(long now) {
            if (retired || current == null || now - current.deadlineNanos < 0) {
                return null;
            }
            Task<?> t = current;
            current = null;
            retired = true;
            return t;
        }

        private void replaceOrLeaveToWatchdog() {
            try {
                replace(this);
            } catch (Throwable e) {
                // the watchdog's next round replaces this retired worker
            }
        }

        private void loop() {
            try {
                sandbox = new Sandbox(engine); // created on this thread; lent to borrowers under the running lock
            } catch (Throwable e) {
                // cannot happen short of a broken JVM; leave the slot to a successor rather than to nobody
                synchronized (this) {
                    retired = true;
                }
                replaceOrLeaveToWatchdog();
                return;
            }
            while (!closed) {
                Task<?> task;
                try {
                    task = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                Throwable fatal;
                running.lock(); // a borrower may be running on this sandbox: the task waits for it
                try {
                    synchronized (this) {
                        task.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(task.backstopMillis);
                        current = task;
                    }
                    Sandbox sb;
                    try {
                        sb = usableSandbox();
                    } catch (Throwable e) {
                        sb = null; // no memory for a fresh sandbox: this task fails, and a successor tries again
                        task.thrown = failure(e);
                    }
                    if (sb != null) {
                        sb.handTo(thread); // back from a borrower, if one used it
                    }
                    fatal = sb == null ? new IllegalStateException("no sandbox") : task.run(sb);
                } finally {
                    running.unlock();
                }
                synchronized (this) {
                    if (retired) {
                        return; // the watchdog answered this task, counted it done and gave the slot to a successor
                    }
                    current = null;
                    if (fatal != null) {
                        retired = true;
                    }
                }
                // delivered before the slot counts as free: whoever gets the result (the node's thread, through its
                // queue) gets it before the outcome of any run that borrows the slot next
                task.deliver();
                outstanding.decrementAndGet(index);
                if (fatal != null) {
                    sandbox.abandon();
                    replaceOrLeaveToWatchdog();
                    return;
                }
            }
        }
    }
}
