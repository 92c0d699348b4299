package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A bounded pool of worker threads, each with its own {@link Sandbox} (DESIGN.md §2.2): handler invocations never
 * run on a node's event thread. An object is pinned to one worker by its key, so invocations of one object run
 * one at a time in arrival order while different objects run in parallel. Each worker's queue is bounded; a full
 * queue refuses new work with an error instead of growing.
 */
public final class SandboxPool implements SandboxExecutor, AutoCloseable {
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean closed;

    /** {@code threads} workers (default: the number of cores), each queueing at most {@code queueCapacity} tasks. */
    public SandboxPool(int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "a sandbox pool needs at least one thread and a queue of one");
        }
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker(i, queueCapacity);
            workers.add(w);
            w.thread.start();
        }
    }

    /** The worker index that object {@code key} is pinned to. */
    public int workerOf(String key) {
        return Math.floorMod(key.hashCode(), workers.size());
    }

    /**
     * Runs {@code task} with the sandbox of the worker that {@code key} is pinned to. Completes exceptionally with a
     * CometException when the worker's queue is full or the pool is closed.
     */
    @Override
    public <T> CompletableFuture<T> submit(String key, Function<Sandbox, T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new CometException(ErrorCode.SERVER, "the sandbox pool is closed"));
            return result;
        }
        Worker worker = workers.get(workerOf(key));
        boolean queued = worker.queue.offer(() -> {
            try {
                result.complete(task.apply(worker.sandbox));
            } catch (RuntimeException | LimitExceeded | StackOverflowError e) {
                result.completeExceptionally(e);
            }
        });
        if (!queued) {
            result.completeExceptionally(new CometException(ErrorCode.SERVER,
                    "too many handler invocations waiting on worker " + worker.index + "; try again later"));
        }
        return result;
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            w.thread.interrupt();
        }
        for (Worker w : workers) {
            try {
                w.thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker {
        final int index;
        final BlockingQueue<Runnable> queue;
        final Thread thread;
        Sandbox sandbox;

        Worker(int index, int capacity) {
            this.index = index;
            this.queue = new ArrayBlockingQueue<>(capacity);
            this.thread = new Thread(this::loop, "comet-lua-" + index);
            this.thread.setDaemon(true);
        }

        private void loop() {
            sandbox = new Sandbox(); // created on, and so owned by, this thread
            while (!closed) {
                Runnable task;
                try {
                    task = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                task.run();
            }
        }
    }
}
