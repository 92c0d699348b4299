package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

import java.io.StringReader;

/**
 * What an object's code can reach: compiles it with the host's compiler and builds its environment, the globals a
 * handler needs with read-only library views, metered functions, and the comet table and math functions bound to
 * the one object. Owns a sandbox's host globals (the libraries, never exposed to objects as such) and, once per
 * JVM, the locked string metatable.
 */
final class ObjectEnvironment {
    private static final LuaTable SHARED_STRING_LIB;

    static {
        // The string metatable is one static for the whole JVM: install a locked one, once, whose methods are the
        // metered functions; they find the running invocation's meter through the thread.
        Globals libs = libraryGlobals();
        LuaTable metatable = new LuaTable();
        SHARED_STRING_LIB = ReadOnlyTables.readOnly(libs.get("string").checktable());
        metatable.set(LuaValue.INDEX, SHARED_STRING_LIB);
        metatable.set(LuaValue.METATABLE, LuaValue.valueOf("locked"));
        LuaString.s_metatable = metatable;
    }

    private final Globals host;
    private final MeteringDebugLib metering;
    private final LuaTable stringLib;
    private final LuaTable tableLib;
    private final LuaTable mathLib;

    ObjectEnvironment(MeteringDebugLib metering) {
        this.metering = metering;
        host = libraryGlobals();
        stringLib = host.get("string").checktable();
        tableLib = host.get("table").checktable();
        mathLib = host.get("math").checktable();
    }

    /** Compiles an object's code (text only); a CometException for code that does not compile. */
    Prototype compile(String code, String name) {
        try {
            return host.compilePrototype(new StringReader(code), name);
        } catch (LuaError e) {
            throw new CometException(ErrorCode.CODE_INVALID, "does not compile: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new CometException(ErrorCode.CODE_INVALID, "cannot read code: " + e.getMessage());
        } catch (RuntimeException e) {
            // LuaJ's lexer lets Java's number parser throw on a malformed numeral ("1e"): bad code, not a bug here
            throw new CometException(ErrorCode.CODE_INVALID, "does not compile: "
                    + InvocationRunner.bounded(String.valueOf(e.getMessage())));
        }
    }

    /** An object's own environment: a Globals (LuaJ meters only closures whose environment is one). */
    Globals environment(LuaTable aso) {
        Globals env = new ObjectGlobals();
        env.debuglib = metering;
        for (String name : new String[] {"assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
                "select", "tonumber", "tostring", "type", "getmetatable", "setmetatable"}) {
            env.set(name, host.get(name));
        }
        env.set("rawset", new ReadOnlyTables.RawSet(host.get("rawset")));
        env.set("_G", env);
        env.set("_VERSION", host.get("_VERSION"));
        env.set("pcall", new ProtectedCalls.ProtectedCall());
        env.set("xpcall", new ProtectedCalls.ProtectedCallWithHandler());
        env.set("unpack", tableLib.get("unpack"));
        env.set("string", ReadOnlyTables.readOnly(stringLib));
        env.set("table", ReadOnlyTables.readOnly(tableLib));
        env.set("aso", aso);
        env.set("self", aso);
        return env;
    }

    /** Binds the functions that act on {@code instance} into its environment: the comet table and math. */
    void bind(Globals env, AsoInstance instance) {
        LuaTable comet = cometTable(instance);
        env.set("comet", ReadOnlyTables.readOnly(comet));
        // the Comet paper's names, as globals too
        for (String alias : new String[] {"getSystemTime", "getNodeIP", "getNodeID", "getASOKey", "deleteSelf"}) {
            env.set(alias, comet.get(alias));
        }
        env.set("math", ReadOnlyTables.readOnly(objectMath(instance)));
    }

    /** The math library with random and randomseed bound to the object's per-invocation generator. */
    private LuaTable objectMath(AsoInstance instance) {
        LuaTable math = new LuaTable();
        LuaValues.forEachPair(mathLib, math::set);
        math.set("random", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                java.util.Random r = instance.random();
                switch (args.narg()) {
                    case 0:
                        return LuaValue.valueOf(r.nextDouble());
                    case 1: {
                        int m = args.checkint(1);
                        if (m < 1) {
                            throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(1 + r.nextInt(m));
                    }
                    default: {
                        int m = args.checkint(1);
                        int n = args.checkint(2);
                        if (m > n) {
                            throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                        }
                        return LuaValue.valueOf(m + (int) (r.nextDouble() * ((long) n - m + 1)));
                    }
                }
            }
        });
        math.set("randomseed", new MathRandomSeed(instance));
        return math;
    }

    /** {@code math.randomseed(x)}: reseeds the generator of this object that its {@code math.random} draws from. */
    private static final class MathRandomSeed extends VarArgFunction {
        private final AsoInstance instance;

        MathRandomSeed(AsoInstance instance) {
            this.instance = instance;
        }

        @Override
        public Varargs invoke(Varargs args) {
            instance.seedRandom(args.checklong(1));
            return LuaValue.NONE;
        }
    }

    private LuaTable cometTable(AsoInstance instance) {
        LuaTable comet = new LuaTable();
        LuaFunction time = new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return LuaValue.valueOf((double) instance.context.clock().getAsLong());
            }
        };
        LuaFunction nodeIp = constant(instance.context.nodeIp());
        LuaFunction nodeId = constant(instance.context.nodeId());
        LuaFunction asoKey = constant(instance.context.asoKey());
        LuaFunction deleteSelf = new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                instance.deleteRequested = true;
                return LuaValue.NONE;
            }
        };
        LuaFunction log = new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // bounded before anything is read: a huge string or many arguments cost only what the line keeps
                String text = LuaExport.logLine(args, AsoInstance.MAX_LOG_LINE_BYTES);
                InvocationRunner.currentMeter().charge(text.length());
                instance.addLog(text);
                return LuaValue.NONE;
            }
        };
        comet.set("systemTime", time);
        comet.set("getSystemTime", time);
        comet.set("nodeIP", nodeIp);
        comet.set("getNodeIP", nodeIp);
        comet.set("nodeID", nodeId);
        comet.set("getNodeID", nodeId);
        comet.set("asoKey", asoKey);
        comet.set("getASOKey", asoKey);
        comet.set("deleteSelf", deleteSelf);
        comet.set("answerLater", new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                if (!instance.mayAnswerLater) {
                    throw new LuaError("comet.answerLater() is for onGet, and not in one run for another object's "
                            + "request (it may not send the requests whose answer it would wait for)");
                }
                instance.answerLaterRequested = true;
                return LuaValue.NONE;
            }
        });
        comet.set("log", log);
        comet.set("coordinates", new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return CoordinateTables.of(instance.here);
            }
        });
        comet.set("lookup", new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return ObjectRequests.lookup(instance);
            }
        });
        comet.set("put", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                ObjectRequests.put(instance, args);
                return LuaValue.NONE;
            }
        });
        comet.set("get", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                ObjectRequests.get(instance, args);
                return LuaValue.NONE;
            }
        });
        return comet;
    }

    private static LuaFunction constant(String value) {
        LuaValue v = value == null ? LuaValue.NIL : LuaValue.valueOf(value);
        return new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return v;
            }
        };
    }

    /** The host globals: the libraries a sandbox draws from, never exposed to objects as such. */
    private static Globals libraryGlobals() {
        Globals g = new Globals();
        g.load(new JseBaseLib());
        g.load(new PackageLib());
        g.load(new StringLib());
        g.load(new TableLib());
        g.load(new JseMathLib());
        LoadState.install(g);
        LuaC.install(g);
        LuaTable string = g.get("string").checktable();
        string.set("dump", LuaValue.NIL);
        MeteredLibraries.install(string, g.get("table").checktable(), InvocationRunner::currentMeter);
        MeteredLibraries.installBase(g, InvocationRunner::currentMeter);
        MeteredLibraries.installMath(g.get("math").checktable(), InvocationRunner::currentMeter);
        return g;
    }
}
