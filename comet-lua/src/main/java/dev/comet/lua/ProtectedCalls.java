package dev.comet.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The pcall and xpcall of an object's environment: like LuaJ's, except that a limit the invocation tripped is
 * never caught by the object, whatever error the call it protects ends with. No state.
 */
final class ProtectedCalls {
    private ProtectedCalls() {
    }

    /** Rethrows the limit the running invocation tripped, if any: the object may catch its own errors only. */
    private static void rethrowTripped() {
        Meter meter = InvocationRunner.currentMeter();
        if (meter != null && meter.tripped() != null) {
            throw meter.tripped();
        }
    }

    /** pcall that lets limit violations through (they are Errors; LuaJ's pcall would catch them as Throwables). */
    static final class ProtectedCall extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            try {
                return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(args.subargs(2)));
            } catch (LuaError e) {
                rethrowTripped();
                return LuaValue.varargsOf(LuaValue.FALSE, e.getMessageObject());
            }
        }
    }

    /** xpcall whose message handler runs metered and whose failures never hide a limit. */
    static final class ProtectedCallWithHandler extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            LuaValue handler = args.checkvalue(2);
            try {
                return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(args.subargs(3)));
            } catch (LuaError e) {
                rethrowTripped();
                return LuaValue.varargsOf(LuaValue.FALSE, handler.invoke(e.getMessageObject()));
            }
        }
    }
}
