package dev.comet.aso;

import dev.comet.ErrorCode;

import dev.comet.id.NodeId;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs active objects' handlers for a node, beside it, never on its thread (DESIGN.md §2.2). The node hands over
 * an {@link AsoCall} and gets the {@link AsoOutcome} back as an event: {@code done} must be called on the node's
 * thread. The simulator may run handlers inline.
 */
public interface AsoRuntime {
    void invoke(AsoCall call, Consumer<AsoOutcome> done);

    /**
     * Forgets any instance of {@code key} this runtime holds (the object was deleted, expired or its state could
     * not be saved); the next call loads it from what the node stored. Ordered after calls already handed over.
     */
    default void forget(NodeId key) {
    }

    /** What this runtime has done so far; safe to call from any thread. */
    default AsoStats stats() {
        return AsoStats.EMPTY;
    }

    /** The object under {@code key} as loaded here, if it is; completes off the node's thread. */
    default CompletableFuture<Optional<ObjectReport>> report(NodeId key) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /** For nodes without a runtime: every call is refused. */
    AsoRuntime NONE = (call, done) -> done.accept(AsoOutcome.failed(ErrorCode.NO_RUNTIME,
            "this node runs no active objects"));
}
