package dev.comet.sim;

/** How the objects of a simulated workload are replicated (DESIGN.md §4.2). */
public enum ObjectReplication {
    /** The nodes re-store them: hourly republish and store-on-join (the default). */
    NODE,
    /** {@code aso.defaultReplication = false} and nothing else: the objects live only on the nodes first given them. */
    NONE,
    /** {@code aso.defaultReplication = false}; every replica's onTimer stores the object on the 7 closest nodes. */
    SELF;

    /** The Lua of {@link #SELF}, run at the end of onTimer. */
    static final String SELF_REPLICATION = """
            local nodes = comet.lookup()
            local chosen = {}
            for i = 1, math.min(7, #nodes) do chosen[i] = nodes[i] end
            comet.put(self, chosen)
            """;
}
