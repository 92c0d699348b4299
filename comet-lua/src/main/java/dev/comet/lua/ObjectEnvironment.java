package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.Lru;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an object's code can reach: compiles it with the host's compiler and builds its environment, the globals a
 * handler needs with read-only library views, metered functions, and the comet table and math functions bound to
 * the one object. Owns a sandbox's host globals (the libraries, never exposed to objects as such) and, once per
 * JVM, the locked string metatable.
 */
final class ObjectEnvironment {
    /**
     * The names this class sets in every environment, as Lua strings made once: making each again from a Java
     * string (bytes, hash, LuaJ's string cache) was a quarter of an object's load.
     */
    private static final Map<String, LuaString> NAMES = new ConcurrentHashMap<>();
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

    /** Compiled code kept for loads to come (see {@link #compile}). */
    private static final int COMPILED_KEPT = 16;

    private final Globals host;
    private final MeteringDebugLib metering;
    /**
     * The last {@link #COMPILED_KEPT} codes compiled, by chunk name and text, least recently used first. The same
     * code is loaded again and again: by every replica of a simulation (one sandbox for a lane's nodes), for the incoming
     * object of each onUpdate, and after the object cache dropped it. A prototype is never changed once compiled, so
     * closures of different objects share it safely; it stays on this sandbox's thread.
     */
    private final Map<CompiledKey, Prototype> compiled = new Lru<>(COMPILED_KEPT);
    private final LuaTable stringLib;
    private final LuaTable tableLib;
    private final LuaTable mathLib;

    private record CompiledKey(String name, String code) {
    }

    ObjectEnvironment(MeteringDebugLib metering) {
        this.metering = metering;
        host = libraryGlobals();
        stringLib = host.get(name("string")).checktable();
        tableLib = host.get(name("table")).checktable();
        mathLib = host.get(name("math")).checktable();
    }

    /** Compiles an object's code (text only); a CometException for code that does not compile. */
    Prototype compile(String code, String name) {
        CompiledKey key = new CompiledKey(name, code);
        Prototype kept = compiled.get(key);
        if (kept != null) {
            return kept;
        }
        Prototype prototype = compileText(code, name);
        compiled.put(key, prototype);
        return prototype;
    }

    private Prototype compileText(String code, String name) {
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
            env.set(name(name), host.get(name(name)));
        }
        env.set(name("rawset"), new ReadOnlyTables.RawSet(host.get(name("rawset"))));
        env.set(name("_G"), env);
        env.set(name("_VERSION"), host.get(name("_VERSION")));
        env.set(name("pcall"), new ProtectedCalls.ProtectedCall());
        env.set(name("xpcall"), new ProtectedCalls.ProtectedCallWithHandler());
        env.set(name("unpack"), tableLib.get(name("unpack")));
        env.set(name("string"), ReadOnlyTables.readOnly(stringLib));
        env.set(name("table"), ReadOnlyTables.readOnly(tableLib));
        env.set(name("aso"), aso);
        env.set(name("self"), aso);
        return env;
    }

    /** Binds the functions that act on {@code instance} into its environment: the comet table and math. */
    void bind(Globals env, AsoInstance instance) {
        LuaTable comet = cometTable(instance);
        env.set(name("comet"), ReadOnlyTables.readOnly(comet));
        // the Comet paper's names, as globals too
        for (String alias : new String[] {"getSystemTime", "getNodeIP", "getNodeID", "getASOKey", "deleteSelf"}) {
            env.set(name(alias), comet.get(name(alias)));
        }
        env.set(name("math"), ReadOnlyTables.readOnly(objectMath(instance)));
    }

    /** The math library with random and randomseed bound to the object's per-invocation generator. */
    private LuaTable objectMath(AsoInstance instance) {
        LuaTable math = new LuaTable();
        LuaValues.forEachPair(mathLib, math::set);
        math.set(name("random"), new VarArgFunction() {
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
        math.set(name("randomseed"), new MathRandomSeed(instance));
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
        comet.set(name("systemTime"), time);
        comet.set(name("getSystemTime"), time);
        comet.set(name("nodeIP"), nodeIp);
        comet.set(name("getNodeIP"), nodeIp);
        comet.set(name("nodeID"), nodeId);
        comet.set(name("getNodeID"), nodeId);
        comet.set(name("asoKey"), asoKey);
        comet.set(name("getASOKey"), asoKey);
        comet.set(name("deleteSelf"), deleteSelf);
        comet.set(name("answerLater"), new ZeroArgFunction() {
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
        comet.set(name("log"), log);
        comet.set(name("coordinates"), new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return CoordinateTables.of(instance.here);
            }
        });
        comet.set(name("lookup"), new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return ObjectRequests.lookup(instance);
            }
        });
        comet.set(name("put"), new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                ObjectRequests.put(instance, args);
                return LuaValue.NONE;
            }
        });
        comet.set(name("get"), new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                ObjectRequests.get(instance, args);
                return LuaValue.NONE;
            }
        });
        return comet;
    }

    /** {@code text} as a Lua string, made once for the JVM (only the names written in this class come here). */
    private static LuaString name(String text) {
        return NAMES.computeIfAbsent(text, LuaString::valueOf);
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
        string.set(name("dump"), LuaValue.NIL);
        MeteredLibraries.install(string, g.get("table").checktable(), InvocationRunner::currentMeter);
        MeteredLibraries.installBase(g, InvocationRunner::currentMeter);
        MeteredLibraries.installMath(g.get("math").checktable(), InvocationRunner::currentMeter);
        return g;
    }
}
