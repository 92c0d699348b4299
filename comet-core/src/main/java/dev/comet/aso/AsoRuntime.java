package dev.comet.aso;

import dev.comet.ErrorCode;

import java.util.function.Consumer;

/**
 * Runs active objects' handlers for a node, beside it, never on its thread (DESIGN.md §2.2). The node hands over
 * an {@link AsoCall} and gets the {@link AsoOutcome} back as an event: {@code done} must be called on the node's
 * thread. The simulator may run handlers inline.
 */
public interface AsoRuntime {
    void invoke(AsoCall call, Consumer<AsoOutcome> done);

    /** For nodes without a runtime: every call is refused. */
    AsoRuntime NONE = (call, done) -> done.accept(AsoOutcome.failed(ErrorCode.NO_RUNTIME.krpcCode(),
            "this node runs no active objects"));
}
