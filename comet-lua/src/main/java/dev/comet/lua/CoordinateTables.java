package dev.comet.lua;

import dev.comet.coords.Estimate;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Network coordinates as Lua sees them ({@code comet.coordinates()}, {@code caller.coordinates}, the scenario probe
 * {@code coordinates(NODE)}): a new table {@code {x, y, h, error}} each time, so that a handler that changes it
 * changes nothing of its node's. Stateless.
 */
public final class CoordinateTables {
    private static final LuaString X = LuaString.valueOf("x");
    private static final LuaString Y = LuaString.valueOf("y");
    private static final LuaString H = LuaString.valueOf("h");
    private static final LuaString ERROR = LuaString.valueOf("error");

    private CoordinateTables() {
    }

    /** The table of {@code estimate}, or nil when there is none. */
    public static LuaValue of(Estimate estimate) {
        if (estimate == null) {
            return LuaValue.NIL;
        }
        LuaTable t = new LuaTable(0, 4);
        t.rawset(X, LuaValue.valueOf(estimate.coordinate().x()));
        t.rawset(Y, LuaValue.valueOf(estimate.coordinate().y()));
        t.rawset(H, LuaValue.valueOf(estimate.coordinate().height()));
        t.rawset(ERROR, LuaValue.valueOf(estimate.error()));
        return t;
    }
}
