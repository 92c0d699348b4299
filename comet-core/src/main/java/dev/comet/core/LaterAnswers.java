package dev.comet.core;

import dev.comet.CometError;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.ObjectConfig;
import dev.comet.krpc.Dict;

import java.util.HashMap;
import java.util.Map;

/**
 * Gets whose onGet called {@code comet.answerLater()}: each waits, its reply held, until the handler that hears the
 * first answer to one of that onGet's requests returns, and is answered with what it returns (a recursive get). A
 * wait is bounded in time ({@code objects.answerLaterMillis}, then 334) and in number ({@code objects.maxLaterAnswers},
 * past it the get is refused with 312), so a held reply is never forgotten and never piles up. Owns the waiting gets.
 */
final class LaterAnswers {
    /** The id of no waiting get: the requests of an invocation that answers now. */
    static final long NONE = 0;

    private final Environment env;
    private final ObjectConfig settings;
    private final Map<Long, Waiting> waiting = new HashMap<>();
    private long next = 1;

    private record Waiting(Dict.Builder values, ObjectReply reply, Environment.Timer timer) {
    }

    LaterAnswers(Environment env, ObjectConfig settings) {
        this.env = env;
        this.settings = settings;
    }

    /**
     * Holds a get's reply, to be answered with {@code values} and what a later handler returns; the id its requests
     * carry, or {@link #NONE} when the node holds as many as it allows (the get is then refused with 312).
     */
    long hold(Dict.Builder values, ObjectReply reply) {
        if (waiting.size() >= settings.maxLaterAnswers()) {
            reply.error(ErrorCode.HANDLERS_BUSY, "this node holds " + settings.maxLaterAnswers()
                    + " gets waiting for their objects' later answers, its maximum (objects.maxLaterAnswers)");
            return NONE;
        }
        long id = next++;
        Environment.Timer timer = env.schedule(settings.answerLaterMillis(), () -> {
            Waiting w = waiting.remove(id);
            if (w != null) {
                w.reply().error(ErrorCode.LATE_ANSWER, "the object said it would answer later, and no answer to its "
                        + "requests came within " + settings.answerLaterMillis() + " ms (objects.answerLaterMillis)");
            }
        });
        waiting.put(id, new Waiting(values, reply, timer));
        return id;
    }

    /** Answers the get {@code id} with {@code value} (null: found, without a value), if it still waits. */
    void answer(long id, Object value) {
        Waiting w = take(id);
        if (w == null) {
            return;
        }
        w.values().put("found", 1L);
        if (value != null) {
            w.values().put("v", value);
        }
        w.reply().ok(w.values().build());
    }

    /** Answers the get {@code id} with the error of the handler that was to answer it, if it still waits. */
    void failed(long id, AsoOutcome outcome) {
        Waiting w = take(id);
        if (w != null) {
            w.reply().failed(outcome);
        }
    }

    /**
     * Answers the get {@code id} as a node that does not hold the object does (no {@code found}; the client asks the
     * next replica), if it still waits: the object went while the get waited.
     */
    void notHeld(long id) {
        Waiting w = take(id);
        if (w != null) {
            w.reply().ok(w.values().build());
        }
    }

    /** Answers the get {@code id} with {@code error}, if it still waits. */
    void error(long id, CometError error) {
        Waiting w = take(id);
        if (w != null) {
            w.reply().error(error);
        }
    }

    private Waiting take(long id) {
        Waiting w = id == NONE ? null : waiting.remove(id);
        if (w != null) {
            w.timer().cancel();
        }
        return w;
    }
}
