package dev.comet.client;

import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.aso.HandlerEngine;
import dev.comet.aso.ObjectConfig;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxPool;

import java.util.EnumMap;
import java.util.Map;

/**
 * The process-wide pool of Lua sandboxes and the factory of the nodes' runtimes that run in it: every node of
 * this process gets its own runtime, all of them share the one pool (a cluster's 20 nodes do not each start a
 * pool). Owner of the pools (one per handler engine): this class; it lives as long as the process.
 */
public final class LuaRuntimePool {
    /** Queued invocations per worker before new work is refused (the node answers with an error). */
    private static final int QUEUE_PER_WORKER = 10_000;
    /** One pool per handler engine a node of this process asked for (nearly always just one). */
    private static final Map<HandlerEngine, SandboxPool> POOLS = new EnumMap<>(HandlerEngine.class);

    private LuaRuntimePool() {
    }

    /** A factory of runtimes that run objects in the shared pool with the default limits and budget. */
    public static AsoRuntimeFactory factory() {
        return factory(ObjectConfig.defaults());
    }

    /**
     * A factory of runtimes that run objects in the shared pool with a node's object settings: handler limits,
     * node-wide instruction budget, object cache bounds and object memory budget.
     */
    public static synchronized AsoRuntimeFactory factory(ObjectConfig objects) {
        SandboxPool shared = POOLS.computeIfAbsent(objects.handlerEngine(),
                engine -> new SandboxPool(Runtime.getRuntime().availableProcessors(), QUEUE_PER_WORKER, engine));
        return (nodeThread, id, address, clock) -> new LuaAsoRuntime(shared, nodeThread, objects,
                address.getAddress().getHostAddress(), id, clock);
    }
}
