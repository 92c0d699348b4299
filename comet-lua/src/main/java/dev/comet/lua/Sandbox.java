package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.HandlerEngine;
import dev.comet.aso.HandlerLimits;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Lua sandbox of one worker thread (DESIGN.md §4.1): compiles objects' code (text only) into environments of
 * their own that hold only the globals a handler needs, with read-only library tables, metered string and table
 * functions, pcall/xpcall that never swallow a limit, and a locked string metatable; runs handlers under a
 * {@link Meter}. Not thread-safe: one sandbox per worker thread, objects pinned to it; a pool may hand it to
 * another thread for a run while its worker waits ({@link #handTo}), and only that thread may use it then.
 *
 * <p>Owns which thread may use it and the steps of loading an object; an object's environment comes from its
 * {@link ObjectEnvironment}, its invocations run on its {@link InvocationRunner}.
 */
public final class Sandbox {
    /** The handlers an object may define (DESIGN.md §4). */
    public static final List<String> HANDLERS = List.of("onPut", "onGet", "onUpdate", "onDelete", "onTimer");

    /** Largest number of operands one CONCAT instruction may join; more is refused when the code is loaded. */
    static final int MAX_CONCAT_OPERANDS = 200;
    static final int MAX_STATE_DEPTH = 16;

    private final ObjectEnvironment environments;
    private final InvocationRunner runner;
    /** Compiles objects' code to metered JVM classes; null when this sandbox interprets every object. */
    private final HandlerCompiler compiler;
    /** The one thread that may use it: its maker, until a pool hands it to another ({@link #handTo}). */
    private volatile Thread owner = Thread.currentThread();

    /** A sandbox that runs handlers on LuaJ's interpreter. */
    public Sandbox() {
        this(HandlerEngine.INTERPRETER);
    }

    /** A sandbox that runs handlers on {@code engine} (objects the compiler refuses run on the interpreter). */
    public Sandbox(HandlerEngine engine) {
        MeteringDebugLib metering = new MeteringDebugLib();
        runner = new InvocationRunner(metering);
        environments = new ObjectEnvironment(metering);
        compiler = switch (engine) {
            case INTERPRETER -> null;
            case COMPILED -> new HandlerCompiler(metering.compiled(), 0);
            case TIERED -> new HandlerCompiler(metering.compiled(), HandlerEngine.TIERED_AFTER);
        };
        if (compiler != null) {
            compiler.warmUp(environments.compile(HandlerCompiler.WARM_UP, "=warm-up"));
        }
        Warmup.ensure(this);
    }

    /**
     * Called by the pool's watchdog (from another thread) when this sandbox's worker is abandoned: the running
     * invocation's meter is cancelled, so the thread stops at its next checkpoint if it ever gets back to Lua, and
     * so is every later one.
     */
    void abandon() {
        runner.abandon();
    }

    /**
     * Makes {@code thread} the one that may use this sandbox from now on. Only for a pool that lends a worker's
     * sandbox to another thread while the worker waits (SandboxPool's {@code running} lock orders the two), and for
     * the simulator's inline executor, whose lane moves between threads only between windows.
     */
    void handTo(Thread thread) {
        owner = thread;
    }

    /** Whether this sandbox's worker was replaced: objects loaded on it must be loaded again elsewhere. */
    public boolean abandoned() {
        return runner.abandoned();
    }

    /** Instructions run on this sandbox so far, object loads included; read on the sandbox's thread. */
    public long instructionsRun() {
        return runner.instructionsRun();
    }

    /**
     * Loads an object: checks and compiles {@code code} (text only), runs the chunk once with {@code aso}/{@code self}
     * in scope under {@code limits}, then lays {@code state} (when not null) over the instance. Throws a
     * CometException for code that does not compile or fails, a {@link LoadLimitException} for one that hits a limit.
     */
    public AsoInstance load(String code, String name, byte[] state, AsoContext context, HandlerLimits limits) {
        checkThread();
        if (code.getBytes(StandardCharsets.UTF_8).length > limits.codeBytes()) {
            throw new LoadLimitException(Limit.CODE_SIZE, Limit.CODE_SIZE.message() + ": code is over " + limits.codeBytes() + " bytes");
        }
        Prototype prototype = environments.compile(code, name);
        refuseWideConcat(prototype);
        return load(code.getBytes(StandardCharsets.UTF_8), prototype, name, state, context, limits);
    }

    /** {@link #load(String, String, byte[], AsoContext, HandlerLimits)} of code already checked and compiled. */
    private AsoInstance load(byte[] code, Prototype prototype, String name, byte[] state, AsoContext context,
                             HandlerLimits limits) {
        LuaTable aso = new LuaTable();
        Globals env = environments.environment(aso);
        AsoInstance instance = new AsoInstance(code, env, aso, context);
        environments.bind(env, instance);
        LuaValue chunk = compiler == null ? null : compiler.instantiate(prototype, name, env);
        instance.chunkName = name;
        instance.prototype = prototype;
        instance.compiled = chunk != null;
        if (chunk == null) {
            chunk = new org.luaj.vm2.LuaClosure(prototype, env);
        }
        InvocationResult result = runner.run(instance, chunk, LuaValue.NONE, limits);
        if (!result.ok()) {
            String message = "the object's code failed when it was loaded: " + result.error();
            throw result.limit() != null ? new LoadLimitException(result.limit(), message)
                    : new CometException(ErrorCode.CODE_INVALID, message);
        }
        if (state != null) {
            InvocationRunner.clearState(aso);
            StateCodec.decodeInto(state, aso, MAX_STATE_DEPTH);
        }
        for (String handler : HANDLERS) {
            String notAFunction = notAFunction(instance, handler);
            if (notAFunction != null) {
                // it would load and silently answer as if the handler were missing: say so when it is stored
                throw new CometException(ErrorCode.CODE_INVALID, "refused: " + notAFunction);
            }
        }
        StateEncoder encoder = runner.stateEncoder();
        instance.savedState = StateCodec.encode(encoder, aso, limits.stateBytes(), null);
        instance.stateLayout = encoder.takeLayout();
        encoder.methodsMet().forget(); // the load has no check after it: the methods met are not needed
        instance.longKeys = encoder.sawLongKeys();
        // from here on the object keeps data only in aso (docs/aso-api.md, "What an object keeps between invocations")
        LuaTable globals = ReadOnlyTables.lockGlobals(env);
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
        // as handler(object, handler), looking the name up once: a method on aso gets aso as its first argument
        LuaString name = nameOf(handler);
        LuaValue function = object.aso.rawget(name);
        boolean method = function.isfunction();
        if (!method) {
            function = object.env.rawget(name);
            if (!function.isfunction()) {
                return new InvocationResult(LuaValue.NIL, null, null, 0, 0, false, List.of(), false);
            }
        }
        Varargs callArgs = method ? LuaValue.varargsOf(object.aso, LuaValue.varargsOf(args)) : LuaValue.varargsOf(args);
        object.seedRandom(randomSeed);
        if (compiler != null && !object.compiled && object.prototype != null) {
            compiler.invoked(object.prototype);
        }
        // only a get can be answered later, and only by requests it may send
        object.mayAnswerLater = object.mayRequest && "onGet".equals(handler);
        return runner.run(object, function, callArgs, limits);
    }

    /**
     * Whether {@code object} runs interpreted while its code is now to run compiled ({@link HandlerEngine#TIERED}):
     * its holder should replace it with {@link #recompiled} before its next invocation.
     */
    public boolean wantsRecompiling(AsoInstance object) {
        checkThread();
        return compiler != null && !object.compiled && object.prototype != null && compiler.compiles(object.prototype);
    }

    /**
     * {@code object} loaded again, compiled, from its live state, with what it used so far and its log; or
     * {@code object} itself, kept interpreted for good, when loading it again fails (its load is not retried). Its
     * chunk runs again, as after any reload (docs/aso-api.md, "What an object keeps between invocations").
     */
    public AsoInstance recompiled(AsoInstance object, HandlerLimits limits) {
        checkThread();
        try {
            AsoInstance fresh = load(object.code, object.prototype, object.chunkName, object.savedState,
                    object.context, limits);
            fresh.carryOver(object);
            return fresh;
        } catch (LimitExceeded | RuntimeException | LinkageError e) {
            object.prototype = null;
            return object;
        }
    }

    /** The function implementing {@code handler}: a method on {@code aso} first, then a global function. */
    static LuaValue handler(AsoInstance object, String handler) {
        LuaString name = nameOf(handler);
        LuaValue method = object.aso.rawget(name);
        if (method.isfunction()) {
            return method;
        }
        LuaValue global = object.env.rawget(name);
        return global.isfunction() ? global : null;
    }

    private static final java.util.Map<String, LuaString> HANDLER_NAMES = HANDLERS.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(h -> h, LuaString::valueOf));

    /** A handler's name as a Lua string, made once for the five handlers: every invocation looks its handler up. */
    private static LuaString nameOf(String handler) {
        LuaString name = HANDLER_NAMES.get(handler);
        return name != null ? name : LuaString.valueOf(handler);
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

    void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a sandbox is used by the thread it was handed to only");
        }
    }
}
