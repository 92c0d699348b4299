package dev.comet.lua;

import java.util.List;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The sandbox's read-only tables: per-object views of the library tables, marked by their {@link Refusal}
 * {@code __newindex}, and objects' environments once locked ({@link ObjectGlobals}). {@link #isLocked} is how the
 * metered table functions, rawset and the conversions recognise both. No state.
 */
final class ReadOnlyTables {
    private ReadOnlyTables() {
    }

    /** A per-object view of a library table: reads go through, writes fail, the metatable cannot be reached. */
    static LuaTable readOnly(LuaTable library) {
        return lockedBehind(new LuaTable(), library);
    }

    /**
     * {@code front} with a locked metatable that reads from {@code contents} and refuses every write: the one shape
     * of every read-only table of the sandbox, which {@link #isLocked} recognises by its {@link Refusal}.
     */
    private static LuaTable lockedBehind(LuaTable front, LuaTable contents) {
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, contents);
        meta.rawset(LuaValue.NEWINDEX, new Refusal());
        meta.rawset(LuaValue.METATABLE, LuaValue.valueOf("locked"));
        front.setmetatable(meta);
        return front;
    }

    /**
     * Locks an object's environment once its chunk has run: reading its globals works as before, assigning one (new
     * or not) is a Lua error. An object keeps data only in {@code aso}, whose size the state limit bounds; a global
     * would outlive the invocation unmeasured. Returns the table that holds the globals: the environment itself.
     */
    static LuaTable lockGlobals(Globals env) {
        ((ObjectGlobals) env).lock();
        return env;
    }

    /** Whether {@code t} is one of the sandbox's read-only tables (a library view or a locked environment). */
    static boolean isLocked(LuaValue t) {
        if (t instanceof ObjectGlobals g) {
            return g.locked();
        }
        LuaValue meta = t.getmetatable();
        return meta != null && meta.rawget(LuaValue.NEWINDEX) instanceof Refusal;
    }

    /** The __newindex of the sandbox's read-only tables; its class marks them as such. */
    private static final class Refusal extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            throw new LuaError("attempt to modify a read-only table");
        }
    }

    /** rawset that refuses the sandbox's read-only tables, which it would otherwise write around. */
    static final class RawSet extends VarArgFunction {
        private final LuaValue rawset;

        RawSet(LuaValue rawset) {
            this.rawset = rawset;
            this.name = "rawset";
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (isLocked(args.arg1())) {
                throw new LuaError("attempt to modify a read-only table");
            }
            return rawset.invoke(args);
        }
    }
}
