package dev.comet.sim;

/**
 * Handler work added up over simulated nodes: invocations, Lua instructions and requests that handlers sent
 * ({@code comet.put}/{@code comet.get}). An immutable value.
 */
public record HandlerTotals(long invocations, long instructions, long requestsSent) {
    public static final HandlerTotals NONE = new HandlerTotals(0, 0, 0);

    public HandlerTotals plus(HandlerTotals o) {
        return new HandlerTotals(invocations + o.invocations, instructions + o.instructions,
                requestsSent + o.requestsSent);
    }
}
