package dev.comet.cli;

import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.aso.HandlerLimits;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxPool;

/** The Lua runtime the CLI's nodes run active objects in: one pool of sandboxes shared by the process's nodes. */
final class LuaRuntimes {
    private static final int QUEUE_PER_WORKER = 10_000;
    private static SandboxPool pool;

    private LuaRuntimes() {
    }

    static synchronized AsoRuntimeFactory factory() {
        if (pool == null) {
            pool = new SandboxPool(Runtime.getRuntime().availableProcessors(), QUEUE_PER_WORKER);
        }
        SandboxPool shared = pool;
        return (nodeThread, id, address, clock) -> new LuaAsoRuntime(shared, nodeThread, HandlerLimits.defaults(),
                address.getAddress().getHostAddress(), id, clock);
    }
}
