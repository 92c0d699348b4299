package dev.comet.cli;

import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.aso.HandlerLimits;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxPool;

/** The Lua runtimes loopback-cluster tests give their nodes: one shared pool, and a wall-time backstop loose enough for a busy CI machine. */
final class LoopbackRuntimes {
    private LoopbackRuntimes() {
    }

    /** Runtimes that run every node's objects in {@code pool} with the default limits and a 5 s backstop. */
    static AsoRuntimeFactory lua(SandboxPool pool) {
        return (nodeThread, id, address, clock) -> new LuaAsoRuntime(pool, nodeThread,
                HandlerLimits.defaults().withWallMillis(5_000), address.getAddress().getHostAddress(), id, clock);
    }
}
