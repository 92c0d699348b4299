package dev.comet.lua;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * An object's environment (a LuaJ {@link Globals}, the only environment LuaJ meters): once the object's chunk has
 * run it is locked, and every write to it, new global or existing one, is a Lua error, because an object keeps data
 * in {@code aso} only (docs/aso-api.md). Reads stay direct: the globals stay in this table, not behind an
 * {@code __index}, so a handler's every read of {@code self}, {@code comet} or {@code string} costs no extra lookup.
 * Owns the locked flag.
 */
final class ObjectGlobals extends Globals {
    private boolean locked;

    /** Locks the environment: drops any metatable the chunk gave it (it could hold data no restore sees). */
    void lock() {
        super.setmetatable(null);
        locked = true;
    }

    boolean locked() {
        return locked;
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        refuseIfLocked(key);
        super.rawset(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        refuseIfLocked(LuaValue.valueOf(key));
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        if (locked) {
            throw new LuaError("cannot change a protected metatable");
        }
        return super.setmetatable(metatable);
    }

    private void refuseIfLocked(LuaValue key) {
        if (locked) {
            throw new LuaError("cannot assign global '" + InvocationRunner.bounded(key.tojstring()) + "' after the "
                    + "object has loaded: an object keeps data in aso only");
        }
    }
}
