package dev.comet.lua;

import org.luaj.vm2.LuaValue;

/**
 * How one handler invocation ended: its answer or its error (a Lua error with its line, or the {@link Limit} it
 * hit), what it used, and whether it asked to delete its object. A failed invocation changed no saved state.
 */
public record InvocationResult(LuaValue value, String error, Limit limit, long instructions, long allocatedBytes,
                               long nanos, boolean deleteSelf) {
    public boolean ok() {
        return error == null;
    }
}
