package dev.comet.lua;

import java.util.List;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The sandbox's read-only tables: per-object views of the library tables, and objects' environments once locked.
 * Both are marked by their {@link Refusal} {@code __newindex}, which is how the metered table functions, rawset and
 * the conversions recognise them. No state.
 */
final class ReadOnlyTables {
    private ReadOnlyTables() {
    }

    /** A per-object view of a library table: reads go through, writes fail, the metatable cannot be reached. */
    static LuaTable readOnly(LuaTable library) {
        return lockedBehind(new LuaTable(), library, false);
    }

    /**
     * {@code front} with a locked metatable that reads from {@code contents} and refuses every write: the one shape
     * of every read-only table of the sandbox, which {@link #isLocked} recognises by its {@link Refusal}.
     */
    private static LuaTable lockedBehind(LuaTable front, LuaTable contents, boolean globals) {
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, contents);
        meta.rawset(LuaValue.NEWINDEX, new Refusal(globals));
        meta.rawset(LuaValue.METATABLE, LuaValue.valueOf("locked"));
        front.setmetatable(meta);
        return front;
    }

    /**
     * Locks an object's environment once its chunk has run: its globals move to a table reached only through the
     * environment's locked metatable, so reading them works as before while assigning one (new or not) is a Lua
     * error. An object keeps data only in {@code aso}, whose size the state limit bounds; a global would outlive
     * the invocation unmeasured. Returns the table that now holds the globals.
     */
    static LuaTable lockGlobals(Globals env) {
        LuaTable globals = new LuaTable();
        List<LuaValue> keys = new java.util.ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = env.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            keys.add(k);
            globals.rawset(k, n.arg(2));
        }
        for (LuaValue key : keys) {
            env.rawset(key, LuaValue.NIL);
        }
        lockedBehind(env, globals, true);
        return globals;
    }

    /** The table that holds an object's globals: the environment itself until it is locked. */
    static LuaTable globalsOf(LuaTable env) {
        LuaValue meta = env.getmetatable();
        return isLocked(env) ? meta.rawget(LuaValue.INDEX).checktable() : env;
    }

    /** Whether {@code t} is one of the sandbox's read-only tables (a library view or a locked environment). */
    static boolean isLocked(LuaValue t) {
        LuaValue meta = t.getmetatable();
        return meta != null && meta.rawget(LuaValue.NEWINDEX) instanceof Refusal;
    }

    /** The __newindex of the sandbox's read-only tables; its class marks them as such. */
    private static final class Refusal extends VarArgFunction {
        private final boolean globals;

        Refusal(boolean globals) {
            this.globals = globals;
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (globals) {
                throw new LuaError("cannot assign global '" + InvocationRunner.bounded(args.arg(2).tojstring()) + "' after the object "
                        + "has loaded: an object keeps data in aso only");
            }
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
