package dev.comet.aso;

import java.util.List;

/**
 * How an invocation ended: its answer as a bencodable value (byte[], Long, List, Map, or null for none), whether
 * the answer was the boolean {@code false} (a refusal, for onPut/onUpdate/onDelete), the object's state and meta
 * afterwards, or an error with its KRPC code; whether the object asked to be deleted; the requests it sent
 * (sent by the node only when the invocation succeeded) and the instructions it used.
 */
public record AsoOutcome(boolean ok, Object answer, boolean answeredFalse, byte[] state, ObjectMeta meta, int errorCode,
                         String error, boolean deleteSelf, List<AsoRequest> requests, long instructions) {
    public AsoOutcome {
        requests = List.copyOf(requests);
    }

    public static AsoOutcome failed(int code, String error) {
        return new AsoOutcome(false, null, false, null, null, code, error, false, List.of(), 0);
    }

    public static AsoOutcome failed(int code, String error, long instructions) {
        return new AsoOutcome(false, null, false, null, null, code, error, false, List.of(), instructions);
    }
}
