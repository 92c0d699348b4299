package dev.comet.aso;

/**
 * What the node needs to know of an object without running it, read from its state after each invocation.
 *
 * @param timerMillis  {@code aso.timerInterval} in milliseconds, 0 for no timer
 * @param replicate    false when the object set {@code aso.defaultReplication = false} (it replicates itself)
 */
public record ObjectMeta(long timerMillis, boolean replicate) {
    public static final ObjectMeta NONE = new ObjectMeta(0, true);
}
