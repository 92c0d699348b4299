package dev.comet.aso;

import java.util.Map;

/**
 * What a node's {@link AsoRuntime} has done since it started: handler invocations, the instructions and bytes they
 * used, refusals (a handler answered false or raised an error) and the limits hit, by limit name; invocations the
 * watchdog stopped (their worker thread abandoned); what the runtime holds now: loaded objects, their
 * estimated bytes, and the estimated bytes of every object it knows this node holds; and the gets whose
 * {@code onGet} was tried on the node's own thread, with those that crossed the inline bounds and ran again on the
 * pool ({@code objects.inlineInstructions}). A snapshot.
 */
public record AsoStats(long invocations, long instructions, long allocatedBytes, long refusals, long errors,
                       Map<String, Long> limitsHit, long abandonedWorkers, long cachedObjects, long cachedBytes,
                       long objectBytes, long inlineGets, long inlineYields) {
    public static final AsoStats EMPTY = new AsoStats(0, 0, 0, 0, 0, Map.of());

    public AsoStats {
        limitsHit = Map.copyOf(limitsHit);
    }

    /** Counts only: a runtime that abandons no workers and holds no objects. */
    public AsoStats(long invocations, long instructions, long allocatedBytes, long refusals, long errors,
                    Map<String, Long> limitsHit) {
        this(invocations, instructions, allocatedBytes, refusals, errors, limitsHit, 0, 0, 0, 0, 0, 0);
    }
}
