package dev.comet.cli;

import dev.comet.aso.AsoRuntimeFactory;
import dev.comet.client.SharedLuaRuntime;

/** The Lua runtime the CLI's nodes run active objects in: the process's one shared pool of sandboxes. */
final class LuaRuntimes {
    private LuaRuntimes() {
    }

    static AsoRuntimeFactory factory() {
        return SharedLuaRuntime.factory();
    }

    /** Runtimes with the handler limits and instruction budget of {@code config}. */
    static AsoRuntimeFactory factory(dev.comet.core.NodeConfig config) {
        return SharedLuaRuntime.factory(config.objects());
    }
}
