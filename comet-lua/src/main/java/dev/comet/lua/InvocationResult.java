package dev.comet.lua;

import dev.comet.aso.AsoRequest;

import java.util.List;

import org.luaj.vm2.LuaValue;

/**
 * How one handler invocation ended: its answer or its error (a Lua error with its line, or the {@link Limit} it
 * hit), what it used, whether it asked to delete its object, the requests it asked the node to send, and whether
 * its answer comes later (an onGet's {@code comet.answerLater()}). A failed invocation changed no saved state and
 * sends nothing.
 */
public record InvocationResult(LuaValue value, String error, Limit limit, long instructions, long allocatedBytes,
                               boolean deleteSelf, List<AsoRequest> requests, boolean answerLater) {
    public boolean ok() {
        return error == null;
    }
}
