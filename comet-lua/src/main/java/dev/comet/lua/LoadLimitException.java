package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * An object that cannot be loaded because it hit a {@link Limit} (its code is too big, or its chunk ran into one):
 * the requester gets that limit's own code, as for a limit hit by a handler.
 */
public final class LoadLimitException extends CometException {
    private final Limit limit;

    public LoadLimitException(Limit limit, String message) {
        super(limit.errorCode(), message);
        this.limit = limit;
    }

    public Limit limit() {
        return limit;
    }
}
