package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * The watchdog's answer to a task that ran past its wall-time backstop (error 322): the task's worker was replaced
 * and its thread abandoned. Owns nothing; {@link SandboxPool} completes the task's future with it.
 */
public final class InvocationAbandoned extends CometException {
    public InvocationAbandoned(long backstopMillis) {
        super(ErrorCode.TIME_LIMIT, Limit.TIME.message() + ": still running after " + backstopMillis
                + " ms, stopped by the watchdog; the worker was replaced");
    }
}
