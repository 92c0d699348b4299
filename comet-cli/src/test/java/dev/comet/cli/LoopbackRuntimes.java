package dev.comet.cli;

import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.aso.HandlerLimits;
import dev.comet.core.NodeConfig;
import dev.comet.lua.LuaAsoRuntime;
import dev.comet.lua.SandboxPool;

/** The Lua runtimes loopback-cluster tests give their nodes: one shared pool, and a wall-time backstop loose enough for a busy CI machine. */
final class LoopbackRuntimes {
    private LoopbackRuntimes() {
    }

    /**
     * The node settings of a loopback test that counts an object's replicas exactly: no store-on-join. A holder that
     * meets a node it had not known hands it a copy when its own table puts that node among the closest, and copies
     * up to the hand-off margin beyond them are kept by design (architecture.md); about one object in 400 put on a
     * cluster started in one process gets such an extra copy, carrying its sender's state (stop 42's CI met one).
     */
    static NodeConfig countedReplicas() {
        return NodeConfig.defaults().withReplication(false);
    }

    /** Runtimes that run every node's objects in {@code pool} with the default limits and a 5 s backstop. */
    static AsoRuntimeFactory lua(SandboxPool pool) {
        return (nodeThread, id, address, clock) -> new LuaAsoRuntime(pool, nodeThread,
                HandlerLimits.defaults().withWallMillis(5_000), address.getAddress().getHostAddress(), id, clock);
    }
}
