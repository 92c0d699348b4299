package dev.comet.client;

import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.aso.HandlerLimits;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxPool;

/**
 * The Lua runtime for nodes of this process: one pool of sandboxes shared by all of them (a cluster's 20 nodes
 * do not each start a pool). Owner of the pool: this class; it lives as long as the process.
 */
public final class SharedLuaRuntime {
    /** Queued invocations per worker before new work is refused (the node answers with an error). */
    private static final int QUEUE_PER_WORKER = 10_000;
    private static SandboxPool pool;

    private SharedLuaRuntime() {
    }

    /** A factory of runtimes that run objects in the shared pool with the default handler limits. */
    public static AsoRuntimeFactory factory() {
        return factory(HandlerLimits.defaults());
    }

    /** A factory of runtimes that run objects in the shared pool with {@code limits} (a node's configured ones). */
    public static synchronized AsoRuntimeFactory factory(HandlerLimits limits) {
        if (pool == null) {
            pool = new SandboxPool(Runtime.getRuntime().availableProcessors(), QUEUE_PER_WORKER);
        }
        SandboxPool shared = pool;
        return (nodeThread, id, address, clock) -> new LuaAsoRuntime(shared, nodeThread, limits,
                address.getAddress().getHostAddress(), id, clock);
    }
}
