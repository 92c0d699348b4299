package dev.comet.aso;

/**
 * How an invocation ended: its answer as a bencodable value (byte[], Long, List, Map, or null for none), whether
 * the answer was the boolean {@code false} (a refusal, for onPut/onUpdate/onDelete), the object's state
 * afterwards, or an error with its KRPC code; and whether the object asked to be deleted.
 */
public record AsoOutcome(boolean ok, Object answer, boolean answeredFalse, byte[] state, int errorCode, String error,
                         boolean deleteSelf) {
    public static AsoOutcome failed(int code, String error) {
        return new AsoOutcome(false, null, false, null, code, error, false);
    }
}
