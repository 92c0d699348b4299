package dev.comet.core;

import dev.comet.CometError;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoOutcome;
import dev.comet.krpc.Dict;

/** Where the answer to one {@code comet_*} query goes once its handler has run: a reply, or an error reply. */
interface ObjectReply {
    void ok(Dict values);

    void error(CometError error);

    default void error(ErrorCode code, String message) {
        error(new CometError(code, message));
    }

    /** The invocation failed: its error is the answer. */
    default void failed(AsoOutcome outcome) {
        error(outcome.error());
    }
}
