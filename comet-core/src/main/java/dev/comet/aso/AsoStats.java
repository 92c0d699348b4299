package dev.comet.aso;

import java.util.Map;

/**
 * What a node's {@link AsoRuntime} has done since it started: handler invocations, the instructions and bytes they
 * used, refusals (a handler answered false or raised an error) and the limits hit, by limit name. A snapshot.
 */
public record AsoStats(long invocations, long instructions, long allocatedBytes, long refusals, long errors,
                       Map<String, Long> limitsHit) {
    public static final AsoStats EMPTY = new AsoStats(0, 0, 0, 0, 0, Map.of());

    public AsoStats {
        limitsHit = Map.copyOf(limitsHit);
    }
}
