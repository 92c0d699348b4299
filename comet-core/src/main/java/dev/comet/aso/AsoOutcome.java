package dev.comet.aso;

import dev.comet.CometError;
import dev.comet.ErrorCode;

import java.util.List;

/**
 * How an invocation ended: its answer as a bencodable value (byte[], Long, List, Map, or null for none), whether
 * the answer was the boolean {@code false} (a refusal, for onPut/onUpdate/onDelete), the object's state and meta
 * afterwards, or its error; whether the object asked to be deleted; the requests it sent
 * (sent by the node only when the invocation succeeded) and the instructions it used.
 */
public record AsoOutcome(boolean ok, Object answer, boolean answeredFalse, byte[] state, ObjectMeta meta, CometError error,
                         boolean deleteSelf, List<AsoRequest> requests, long instructions) {
    public AsoOutcome {
        requests = List.copyOf(requests);
    }

    public static AsoOutcome failed(ErrorCode code, String message) {
        return failed(new CometError(code, message), 0);
    }

    public static AsoOutcome failed(CometError error, long instructions) {
        return new AsoOutcome(false, null, false, null, null, error, false, List.of(), instructions);
    }
}
