package dev.comet.lua;

/**
 * Thrown inside a handler when a {@link Limit} is hit. An {@link Error}, not an exception: LuaJ's pcall catches
 * every {@code Exception}, and the sandbox's own pcall/xpcall let this through, so Lua code cannot swallow it.
 */
public final class LimitExceeded extends Error {
    private final Limit limit;

    public LimitExceeded(Limit limit, String detail) {
        super(limit.message() + (detail == null || detail.isEmpty() ? "" : ": " + detail), null, false, false);
        this.limit = limit;
    }

    public Limit limit() {
        return limit;
    }
}
