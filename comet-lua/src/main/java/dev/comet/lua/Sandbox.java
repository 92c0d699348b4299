package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoRequest;
import dev.comet.aso.HandlerLimits;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
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
import java.util.List;

/**
 * The Lua sandbox of one worker thread (DESIGN.md §4.1): compiles objects' code (text only) into environments of
 * their own that hold only the globals a handler needs, with read-only library tables, metered string and table
 * functions, pcall/xpcall that never swallow a limit, and a locked string metatable; runs handlers under a
 * {@link Meter}. Not thread-safe: one sandbox per worker thread, objects pinned to it.
 */
public final class Sandbox {
    /** The handlers an object may define (DESIGN.md §4). */
    public static final List<String> HANDLERS = List.of("onPut", "onGet", "onUpdate", "onDelete", "onTimer");

    /** Largest number of operands one CONCAT instruction may join; more is refused when the code is loaded. */
    static final int MAX_CONCAT_OPERANDS = 200;
    static final int MAX_STATE_DEPTH = 16;

    private static final ThreadLocal<Meter> CURRENT = new ThreadLocal<>();
    private static final LuaTable SHARED_STRING_LIB;

    static {
        // The string metatable is one static for the whole JVM: install a locked one, once, whose methods are the
        // metered functions; they find the running invocation's meter through the thread.
        Globals libs = libraryGlobals();
        LuaTable metatable = new LuaTable();
        SHARED_STRING_LIB = readOnly(libs.get("string").checktable());
        metatable.set(LuaValue.INDEX, SHARED_STRING_LIB);
        metatable.set(LuaValue.METATABLE, LuaValue.valueOf("locked"));
        LuaString.s_metatable = metatable;
    }

    private final Globals host;
    private final MeteringDebugLib metering = new MeteringDebugLib();
    private final LuaTable stringLib;
    private final LuaTable tableLib;
    private final LuaTable mathLib;
    private final Thread owner = Thread.currentThread();
    /** The running invocation's meter, for the watchdog (another thread) to cancel. */
    private volatile Meter active;
    private volatile boolean abandoned;
    /** Instructions every run on this sandbox used (loads included), for the node-wide budget. */
    private long instructionsRun;

    public Sandbox() {
        host = libraryGlobals();
        stringLib = host.get("string").checktable();
        tableLib = host.get("table").checktable();
        mathLib = host.get("math").checktable();
        Warmup.ensure(this);
    }

    /**
     * Called by the pool's watchdog (from another thread) when this sandbox's worker is abandoned: the running
     * invocation's meter is cancelled, so the thread stops at its next checkpoint if it ever gets back to Lua, and
     * so is every later one.
     */
    void abandon() {
        abandoned = true;
        Meter m = active;
        if (m != null) {
            m.cancel();
        }
    }

    /** Whether this sandbox's worker was replaced: objects loaded on it must be loaded again elsewhere. */
    public boolean abandoned() {
        return abandoned;
    }

    /** Instructions run on this sandbox so far, object loads included; read on the sandbox's thread. */
    public long instructionsRun() {
        return instructionsRun;
    }

    /** The meter of the invocation running on this thread, or null. */
    static Meter currentMeter() {
        return CURRENT.get();
    }

    /**
     * Loads an object: checks and compiles {@code code} (text only), runs the chunk once with {@code aso}/{@code self}
     * in scope under {@code limits}, then lays {@code state} (when not null) over the instance. Throws a
     * CometException for code that does not compile or fails, a {@link LoadLimitException} for one that hits a limit.
     */
    public AsoInstance load(String code, String name, byte[] state, AsoContext context, HandlerLimits limits) {
        checkThread();
        if (code.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limits.codeBytes()) {
            throw new LoadLimitException(Limit.CODE_SIZE, Limit.CODE_SIZE.message() + ": code is over " + limits.codeBytes() + " bytes");
        }
        Prototype prototype;
        try {
            prototype = host.compilePrototype(new StringReader(code), name);
        } catch (LuaError e) {
            throw new CometException(ErrorCode.CODE_INVALID, "does not compile: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new CometException(ErrorCode.CODE_INVALID, "cannot read code: " + e.getMessage());
        }
        refuseWideConcat(prototype);

        LuaTable aso = new LuaTable();
        Globals env = environment(aso);
        AsoInstance instance = new AsoInstance(code.getBytes(java.nio.charset.StandardCharsets.UTF_8), env, aso, context);
        LuaTable comet = cometTable(instance);
        env.set("comet", readOnly(comet));
        // the Comet paper's names, as globals too
        for (String alias : new String[] {"getSystemTime", "getNodeIP", "getNodeID", "getASOKey", "deleteSelf"}) {
            env.set(alias, comet.get(alias));
        }
        env.set("math", readOnly(objectMath(instance)));
        LuaValue chunk = new org.luaj.vm2.LuaClosure(prototype, env);
        InvocationResult result = run(instance, chunk, LuaValue.NONE, limits);
        if (!result.ok()) {
            String message = "the object's code failed when it was loaded: " + result.error();
            throw result.limit() != null ? new LoadLimitException(result.limit(), message)
                    : new CometException(ErrorCode.CODE_INVALID, message);
        }
        if (state != null) {
            clearState(aso);
            StateCodec.decodeInto(state, aso, MAX_STATE_DEPTH);
        }
        for (String handler : HANDLERS) {
            String notAFunction = notAFunction(instance, handler);
            if (notAFunction != null) {
                // it would load and silently answer as if the handler were missing: say so when it is stored
                throw new CometException(ErrorCode.CODE_INVALID, "refused: " + notAFunction);
            }
        }
        instance.savedState = StateCodec.encode(aso, limits.stateBytes(), MAX_STATE_DEPTH);
        // from here on the object keeps data only in aso (docs/aso-api.md, "What an object keeps between invocations")
        LuaTable globals = lockGlobals(env);
        instance.retained = RetainedData.capture(env, globals, aso);
        return instance;
    }

    /**
     * Why {@code handler} of {@code object} cannot run although the object names it ({@code onGet = 5}: "onGet is a
     * number, not a function"), or null when it is a function or absent. Raw reads: no metamethod runs.
     */
    static String notAFunction(AsoInstance object, String handler) {
        if (handler(object, handler) != null) {
            return null;
        }
        LuaValue value = object.aso.rawget(handler);
        if (value.isnil()) {
            value = object.env.rawget(handler);
        }
        return value.isnil() ? null : handler + " is a " + value.typename() + ", not a function";
    }

    /**
     * Runs {@code handler} of {@code object} with {@code args} under {@code limits}; {@code randomSeed} seeds
     * {@code math.random} for this invocation. On success the state is saved; on any failure it is restored
     * exactly as it was. Never throws for anything the handler does.
     */
    public InvocationResult invoke(AsoInstance object, String handler, LuaValue[] args, long randomSeed, HandlerLimits limits) {
        checkThread();
        LuaValue function = handler(object, handler);
        if (function == null) {
            return new InvocationResult(LuaValue.NIL, null, null, 0, 0, 0, false, List.of());
        }
        boolean method = object.aso.rawget(handler).isfunction();
        Varargs callArgs = method ? LuaValue.varargsOf(object.aso, LuaValue.varargsOf(args)) : LuaValue.varargsOf(args);
        object.random = new java.util.Random(randomSeed);
        return run(object, function, callArgs, limits);
    }

    /** The function implementing {@code handler}: a method on {@code aso} first, then a global function. */
    static LuaValue handler(AsoInstance object, String handler) {
        LuaValue method = object.aso.rawget(handler);
        if (method.isfunction()) {
            return method;
        }
        LuaValue global = globalsOf(object.env).rawget(handler);
        return global.isfunction() ? global : null;
    }

    private InvocationResult run(AsoInstance object, LuaValue function, Varargs args, HandlerLimits limits) {
        Meter meter = new Meter(limits);
        active = meter;
        if (abandoned) {
            meter.cancel();
        }
        CURRENT.set(meter);
        metering.begin(meter);
        object.deleteRequested = false;
        object.limits = limits;
        object.requests.clear();
        LuaValue value = LuaValue.NIL;
        String error = null;
        Limit limit = null;
        try {
            value = function.invoke(args).arg1();
            meter.check();
            byte[] state = StateCodec.encode(object.aso, limits.stateBytes(), MAX_STATE_DEPTH);
            object.savedState = state;
        } catch (LimitExceeded e) {
            error = e.getMessage();
            limit = e.limit();
        } catch (LuaError e) {
            LimitExceeded tripped = meter.tripped();
            if (tripped != null) {
                error = tripped.getMessage();
                limit = tripped.limit();
            } else {
                error = luaMessage(e);
            }
        } catch (StateException e) {
            // the state could not be encoded (size, functions, cycles)
            error = e.getMessage();
            if (e.reason() == StateException.Reason.SIZE) {
                error = Limit.STATE_SIZE.message() + ": " + e.getMessage();
                limit = Limit.STATE_SIZE;
            }
        } catch (StackOverflowError e) {
            error = Limit.CALL_DEPTH.message() + ": the Java stack ran out";
            limit = Limit.CALL_DEPTH;
        } catch (OutOfMemoryError e) {
            error = Limit.MEMORY.message() + ": the JVM ran out of heap";
            limit = Limit.MEMORY;
        } catch (RuntimeException e) {
            error = "handler failed: " + e;
        } finally {
            if (object.retained != null) {
                // what the invocation changed outside aso ends with it: counted, not checked (it is already done)
                meter.record(object.retained.restore());
            }
            CURRENT.remove();
            metering.reset();
            active = null;
            instructionsRun += meter.instructions();
        }
        error = bounded(error);
        List<AsoRequest> requests = List.of();
        if (error != null) {
            restore(object);
            object.deleteRequested = false;
        } else if (!object.requests.isEmpty()) {
            requests = new java.util.ArrayList<>();
            for (AsoRequest r : object.requests) {
                // a replica put carries the state the handler left, not the one it had when it asked
                requests.add(r instanceof AsoRequest.Put p && p.replica()
                        ? new AsoRequest.Put(p.key(), p.code(), object.savedState.clone(), true, p.to()) : r);
            }
        }
        object.requests.clear();
        return new InvocationResult(error == null ? value : LuaValue.NIL, error, limit, meter.instructions(),
                meter.allocatedBytes(), meter.elapsedNanos(), error == null && object.deleteRequested, requests);
    }

    /** A Lua error as one line for people: its position and message, without LuaJ's trailing traceback. */
    static String luaMessage(LuaError e) {
        String m = String.valueOf(e.getMessage());
        int traceback = m.indexOf("\nstack traceback");
        return (traceback >= 0 ? m.substring(0, traceback) : m).strip();
    }

    /** Longest error message, in characters, that leaves the sandbox (a handler chooses its own with error()). */
    static final int MAX_ERROR_CHARS = 512;

    /**
     * An error message cut to {@link #MAX_ERROR_CHARS}, saying how long it was: every error leaves the sandbox
     * through here, so a requester, a log line or {@code comet check} never carries a handler's megabyte.
     */
    static String bounded(String message) {
        if (message == null || message.length() <= MAX_ERROR_CHARS) {
            return message;
        }
        return message.substring(0, MAX_ERROR_CHARS) + "… (" + message.length() + " characters)";
    }

    private void restore(AsoInstance object) {
        if (object.savedState == null) {
            return; // failed while loading: the object is discarded
        }
        clearState(object.aso);
        StateCodec.decodeInto(object.savedState, object.aso, MAX_STATE_DEPTH);
    }

    private static void clearState(LuaTable aso) {
        List<LuaValue> stateKeys = new java.util.ArrayList<>();
        LuaValues.forEachPair(aso, (key, value) -> {
            if (!value.isfunction()) {
                stateKeys.add(key);
            }
        });
        for (LuaValue k : stateKeys) {
            aso.rawset(k, LuaValue.NIL);
        }
    }

    /** An object's own environment: a Globals (LuaJ meters only closures whose environment is one). */
    private Globals environment(LuaTable aso) {
        Globals env = new Globals();
        env.debuglib = metering;
        for (String name : new String[] {"assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
                "select", "tonumber", "tostring", "type", "getmetatable", "setmetatable"}) {
            env.set(name, host.get(name));
        }
        env.set("rawset", new RawSet(host.get("rawset")));
        env.set("_G", env);
        env.set("_VERSION", host.get("_VERSION"));
        env.set("pcall", new ProtectedCall());
        env.set("xpcall", new ProtectedCallWithHandler());
        env.set("unpack", tableLib.get("unpack"));
        env.set("string", readOnly(stringLib));
        env.set("table", readOnly(tableLib));
        env.set("aso", aso);
        env.set("self", aso);
        return env;
    }

    /** The math library with random and randomseed bound to the object's per-invocation generator. */
    private LuaTable objectMath(AsoInstance instance) {
        LuaTable math = new LuaTable();
        LuaValues.forEachPair(mathLib, math::set);
        math.set("random", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                java.util.Random r = instance.random;
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
            instance.random = new java.util.Random(args.checklong(1));
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
                currentMeter().charge(text.length());
                instance.log.addLast(text);
                while (instance.log.size() > AsoInstance.MAX_LOG_LINES) {
                    instance.log.removeFirst();
                }
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
        comet.set("log", log);
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

    /** A per-object view of a library table: reads go through, writes fail, the metatable cannot be reached. */
    static LuaTable readOnly(LuaTable library) {
        LuaTable proxy = new LuaTable();
        LuaTable meta = new LuaTable();
        meta.set(LuaValue.INDEX, library);
        meta.set(LuaValue.NEWINDEX, new Refusal(false));
        meta.set(LuaValue.METATABLE, LuaValue.valueOf("locked"));
        proxy.setmetatable(meta);
        return proxy;
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
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, globals);
        meta.rawset(LuaValue.NEWINDEX, new Refusal(true));
        meta.rawset(LuaValue.METATABLE, LuaValue.valueOf("locked"));
        env.setmetatable(meta);
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
                throw new LuaError("cannot assign global '" + bounded(args.arg(2).tojstring()) + "' after the object "
                        + "has loaded: an object keeps data in aso only");
            }
            throw new LuaError("attempt to modify a read-only table");
        }
    }

    /** rawset that refuses the sandbox's read-only tables, which it would otherwise write around. */
    private static final class RawSet extends VarArgFunction {
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
        MeteredLibraries.install(string, g.get("table").checktable(), Sandbox::currentMeter);
        MeteredLibraries.installBase(g, Sandbox::currentMeter);
        MeteredLibraries.installMath(g.get("math").checktable(), Sandbox::currentMeter);
        return g;
    }

    /** Refuses code whose single CONCAT instructions join very many operands (one huge allocation each). */
    private static void refuseWideConcat(Prototype p) {
        for (int instruction : p.code) {
            if (Lua.GET_OPCODE(instruction) == Lua.OP_CONCAT
                    && Lua.GETARG_C(instruction) - Lua.GETARG_B(instruction) + 1 > MAX_CONCAT_OPERANDS) {
                throw new CometException(ErrorCode.CODE_INVALID, "refused: one concatenation of more than "
                        + MAX_CONCAT_OPERANDS + " operands");
            }
        }
        for (Prototype child : p.p) {
            refuseWideConcat(child);
        }
    }

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a sandbox is used by the thread that created it only");
        }
    }

    /** pcall that lets limit violations through (they are Errors; LuaJ's pcall would catch them as Throwables). */
    private static final class ProtectedCall extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            try {
                return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(args.subargs(2)));
            } catch (LuaError e) {
                Meter meter = currentMeter();
                if (meter != null && meter.tripped() != null) {
                    throw meter.tripped();
                }
                return LuaValue.varargsOf(LuaValue.FALSE, e.getMessageObject());
            }
        }
    }

    /** xpcall whose message handler runs metered and whose failures never hide a limit. */
    private static final class ProtectedCallWithHandler extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            LuaValue handler = args.checkvalue(2);
            try {
                return LuaValue.varargsOf(LuaValue.TRUE, f.invoke(args.subargs(3)));
            } catch (LuaError e) {
                Meter meter = currentMeter();
                if (meter != null && meter.tripped() != null) {
                    throw meter.tripped();
                }
                return LuaValue.varargsOf(LuaValue.FALSE, handler.invoke(e.getMessageObject()));
            }
        }
    }
}
