package dev.comet.sim;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoRuntime;
import dev.comet.aso.AsoStats;
import dev.comet.aso.HandlerLimits;
import dev.comet.aso.ObjectReport;
import dev.comet.id.NodeId;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxExecutor;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The active-object runtime of one simulated node (DESIGN.md §2.2): handlers run inline on the thread of its lane
 * and cost virtual time, so the run stays deterministic. An outcome reaches the node {@link #BASE_COST_MILLIS}
 * plus one millisecond per {@link #INSTRUCTIONS_PER_MILLI} instructions after the call, never before an earlier
 * outcome of the same object.
 */
public final class SimAsoRuntime implements AsoRuntime {
    static final long BASE_COST_MILLIS = 1;
    static final long INSTRUCTIONS_PER_MILLI = 50_000;

    private final LuaAsoRuntime lua;
    private final SimNetwork.Host host;
    /** When the last outcome of each object reaches the node, to keep one object's outcomes in order. */
    private final Map<NodeId, Long> lastDelivery = new HashMap<>();

    /**
     * A runtime for the node {@code nodeId} on {@code host}; {@code sandboxes} is shared by the nodes of the host's
     * lane, which runs on one thread at a time ({@link SimNetwork}). The wall-time backstop is lifted: it would make
     * runs depend on the machine.
     */
    public SimAsoRuntime(SandboxExecutor sandboxes, SimNetwork.Host host, NodeId nodeId, HandlerLimits limits) {
        this.host = host;
        this.lua = new LuaAsoRuntime(sandboxes, Runnable::run, limits.withWallMillis(3_600_000),
                host.address().getAddress().getHostAddress(), nodeId, host::now);
    }

    @Override
    public void invoke(AsoCall call, Consumer<AsoOutcome> done) {
        lua.invoke(call, outcome -> {
            long at = Math.max(host.now() + BASE_COST_MILLIS + outcome.instructions() / INSTRUCTIONS_PER_MILLI,
                    lastDelivery.getOrDefault(call.key(), 0L));
            lastDelivery.put(call.key(), at);
            host.schedule(at - host.now(), () -> done.accept(outcome));
        });
    }

    @Override
    public void forget(NodeId key) {
        lua.forget(key);
    }

    @Override
    public AsoStats stats() {
        return lua.stats();
    }

    @Override
    public CompletableFuture<Optional<ObjectReport>> report(NodeId key) {
        return lua.report(key);
    }
}
