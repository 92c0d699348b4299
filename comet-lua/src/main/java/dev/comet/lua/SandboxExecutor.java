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
     * One sandbox, used from one thread at a time: tasks run at once, on the submitting thread. For the simulator,
     * where each lane of hosts has its own; a lane may move to another thread between two windows of virtual time
     * (the network orders them), and its sandbox is then handed to that thread.
     */
    static SandboxExecutor inline() {
        return inline(HandlerEngine.INTERPRETER);
    }

    /** {@link #inline()} with a sandbox that runs handlers on {@code engine}. */
    static SandboxExecutor inline(HandlerEngine engine) {
        return new SandboxExecutor() {
            private Sandbox sandbox;

            @Override
            public <T> CompletableFuture<T> submit(Object key, Function<Sandbox, T> task) {
                if (sandbox == null) {
                    sandbox = new Sandbox(engine);
                } else {
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
