package dev.comet.aso;

import dev.comet.CometError;
import dev.comet.ErrorCode;

import java.util.List;

/**
 * How an invocation ended: its answer as a bencodable value (byte[], Long, List, Map, or null for none), whether
 * the answer was the boolean {@code false} (a refusal, for onPut/onUpdate/onDelete), the object's state and meta
 * afterwards, or its error; whether the object asked to be deleted; the requests it sent
 * (sent by the node only when the invocation succeeded) and the instructions it used; and, for onGet, whether the
 * get is answered later, by the handler that hears the first answer to one of its requests
 * ({@code comet.answerLater()}).
 */
public record AsoOutcome(boolean ok, Object answer, boolean answeredFalse, byte[] state, ObjectMeta meta, CometError error,
                         boolean deleteSelf, List<AsoRequest> requests, long instructions, Applied applied,
                         boolean answerLater) {
    public AsoOutcome {
        requests = List.copyOf(requests);
    }

    /** An outcome that answers now (the get is not left waiting). */
    public AsoOutcome(boolean ok, Object answer, boolean answeredFalse, byte[] state, ObjectMeta meta, CometError error,
                      boolean deleteSelf, List<AsoRequest> requests, long instructions, Applied applied) {
        this(ok, answer, answeredFalse, state, meta, error, deleteSelf, requests, instructions, applied, false);
    }

    /** An outcome of a call that changed no version of the value. */
    public AsoOutcome(boolean ok, Object answer, boolean answeredFalse, byte[] state, ObjectMeta meta, CometError error,
                      boolean deleteSelf, List<AsoRequest> requests, long instructions) {
        this(ok, answer, answeredFalse, state, meta, error, deleteSelf, requests, instructions, null);
    }

    /**
     * What a {@link AsoCall.ValueUpdate} did: the index of the clause that held (-1: none did, the update aborted;
     * an installed version has 0) and the value afterwards ({@code aso.value}'s bytes, unchanged on an abort).
     */
    public record Applied(int clause, byte[] value) {
        public boolean aborted() {
            return clause < 0;
        }
    }

    /** This outcome, saying what the value update did. */
    public AsoOutcome with(Applied what) {
        return new AsoOutcome(ok, answer, answeredFalse, state, meta, error, deleteSelf, requests, instructions, what,
                answerLater);
    }

    public static AsoOutcome failed(ErrorCode code, String message) {
        return failed(new CometError(code, message), 0);
    }

    public static AsoOutcome failed(CometError error, long instructions) {
        return new AsoOutcome(false, null, false, null, null, error, false, List.of(), instructions);
    }
}
