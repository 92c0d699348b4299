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

    /** This reply, which runs {@code then} after a successful answer has gone. */
    default ObjectReply onOk(Runnable then) {
        ObjectReply reply = this;
        return new ObjectReply() {
            @Override
            public void ok(Dict values) {
                reply.ok(values);
                then.run();
            }

            @Override
            public void error(CometError error) {
                reply.error(error);
            }

            @Override
            public void failed(AsoOutcome outcome) {
                reply.failed(outcome);
            }
        };
    }
}
