package dev.comet.lua;

import dev.comet.aso.HandlerEngine;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Where handler invocations run: a {@link SandboxPool} of worker threads for a real node, or {@link #inline()} on
 * the caller's thread for the simulator (which charges virtual time for them instead).
 */
public interface SandboxExecutor {
    /**
     * Runs {@code task} with the sandbox that object {@code key} is pinned to: equal keys (an object's {@code NodeId})
     * are pinned to the same sandbox, so one object's calls run in order.
     */
    <T> CompletableFuture<T> submit(Object key, Function<Sandbox, T> task);

    /**
     * Runs {@code task} like {@link #submit(Object, Function)}, with a wall-time backstop: an executor with a
     * watchdog ({@link SandboxPool}) fails the task's future with {@link InvocationAbandoned} once it has run for
     * {@code backstopMillis}. Without one (inline), the same as {@link #submit(Object, Function)}.
     */
    default <T> CompletableFuture<T> submit(Object key, long backstopMillis, Function<Sandbox, T> task) {
        return submit(key, task);
    }

    /**
     * Runs {@code task} at once on the calling thread if the sandbox {@code key} is pinned to is idle (nothing queued
     * or running for it), and returns its completed future; returns null, running nothing, when it is busy or this
     * executor never lends its sandboxes (the default). The caller's thread is not watched: the task must bound
     * itself.
     */
    default <T> CompletableFuture<T> runHereIfIdle(Object key, Function<Sandbox, T> task) {
        return null;
    }

    /**
     * One sandbox, created on and used only from the first thread that submits: tasks run at once, on that thread.
     * For the single-threaded simulator.
     */
    static SandboxExecutor inline() {
        return inline(HandlerEngine.INTERPRETER);
    }

    /** {@link #inline()} with a sandbox that runs handlers on {@code engine}. */
    static SandboxExecutor inline(HandlerEngine engine) {
        return inline(engine, false);
    }

    /**
     * One sandbox on {@code engine}, made now on the calling thread and handed to whichever thread submits next: for a
     * simulator lane, which runs on one thread at a time and moves between threads only between windows of virtual
     * time (the network orders the two). Tasks run at once, on the submitting thread. Made now, in the order the
     * lanes are, so that which of them the JVM's first sandbox is (the one that runs the warm-up) does not depend on
     * which thread comes first.
     */
    static SandboxExecutor inlineHandedOver(HandlerEngine engine) {
        SandboxExecutor executor = inline(engine, true);
        executor.submit(null, sandbox -> null);
        return executor;
    }

    private static SandboxExecutor inline(HandlerEngine engine, boolean handedOver) {
        return new SandboxExecutor() {
            private Sandbox sandbox;

            @Override
            public <T> CompletableFuture<T> submit(Object key, Function<Sandbox, T> task) {
                if (sandbox == null) {
                    sandbox = new Sandbox(engine);
                } else if (handedOver) {
                    sandbox.handTo(Thread.currentThread());
                }
                try {
                    return CompletableFuture.completedFuture(task.apply(sandbox));
                } catch (RuntimeException | LimitExceeded e) {
                    return CompletableFuture.failedFuture(e);
                } catch (Throwable e) {
                    // as in the pool: an Error outside the sandbox's own nets fails this task, and the sandbox is
                    // not trusted with the next one
                    sandbox = null;
                    return CompletableFuture.failedFuture(SandboxPool.failure(e));
                }
            }
        };
    }
}
