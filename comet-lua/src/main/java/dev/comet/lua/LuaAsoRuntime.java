package dev.comet.lua;

import dev.comet.aso.HandlerLimits;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoRuntime;
import dev.comet.aso.AsoStats;
import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectMeta;
import dev.comet.aso.ObjectReport;
import dev.comet.id.NodeId;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The {@link AsoRuntime} of a real node: handlers run on a {@link SandboxPool}, objects pinned to workers by key,
 * and each outcome is handed back on the node's own thread through {@code nodeThread}. Loaded objects are kept in
 * a bounded {@link ObjectCache} and reloaded when the node's stored code differs from what the cache holds, when
 * it was dropped (bounds, expiry) or when its worker was replaced. All Lua work is admitted against and charged
 * to the node's {@link InstructionBudget}; new objects are admitted against its {@link ObjectMemoryBudget}; each
 * invocation runs under the pool's watchdog, except a short get of a loaded object, which may run on the node's
 * thread within tight bounds ({@link InlineGets}).
 */
public final class LuaAsoRuntime implements AsoRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(LuaAsoRuntime.class);
    /** The fields {@link #meta} reads after every invocation, as Lua strings made once. */
    private static final LuaString TIMER_INTERVAL = LuaString.valueOf("timerInterval");
    private static final LuaString DEFAULT_REPLICATION = LuaString.valueOf("defaultReplication");

    private final SandboxExecutor pool;
    private final Executor nodeThread;
    private final HandlerLimits limits;
    private final String nodeIp;
    private final String nodeId;
    private final LongSupplier clock;
    private final ObjectCache cache;
    private final ObjectMemoryBudget memory;
    private final InstructionBudget budget;
    /** When gets run on the caller's thread; null when every handler runs on the pool. */
    private final InlineGets inline;
    private long seeds;
    private final LongAdder abandoned = new LongAdder();
    private final LongAdder invocations = new LongAdder();
    private final LongAdder instructions = new LongAdder();
    private final LongAdder allocatedBytes = new LongAdder();
    private final LongAdder refusals = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<Limit, LongAdder> limitsHit = new EnumMap<>(Limit.class);
    /** Makes handlers' arguments, keeping the last caller's names. */
    private final HandlerArguments handlerArguments = new HandlerArguments();

    /** A runtime without a node-wide instruction budget (each invocation is still limited). */
    public LuaAsoRuntime(SandboxExecutor pool, Executor nodeThread, HandlerLimits limits, String nodeIp, NodeId nodeId,
                         LongSupplier clock) {
        this(pool, nodeThread, limits, Long.MAX_VALUE, nodeIp, nodeId, clock);
    }

    /** A runtime with the default cache and object memory bounds. */
    public LuaAsoRuntime(SandboxExecutor pool, Executor nodeThread, HandlerLimits limits, long instructionsPerSecond,
                         String nodeIp, NodeId nodeId, LongSupplier clock) {
        this(pool, nodeThread, ObjectConfig.defaults().toBuilder().limits(limits)
                .instructionsPerSecond(instructionsPerSecond).build(), nodeIp, nodeId, clock);
    }

    /**
     * A runtime with a node's object settings: its handler limits; its handlers together run at most
     * {@code instructionsPerSecond} instructions in any second of {@code clock} (past it, new invocations are
     * refused with {@link ErrorCode#HANDLERS_BUSY}); it keeps at most {@code maxCachedObjects} loaded objects of
     * {@code maxCachedBytes}; and refuses new objects past {@code objectMemoryBytes}.
     */
    public LuaAsoRuntime(SandboxExecutor pool, Executor nodeThread, ObjectConfig objects, String nodeIp,
                         NodeId nodeId, LongSupplier clock) {
        this.pool = pool;
        this.nodeThread = nodeThread;
        this.limits = objects.limits();
        this.cache = new ObjectCache(objects.maxCachedObjects(), objects.maxCachedBytes());
        this.memory = new ObjectMemoryBudget(objects.objectMemoryBytes());
        this.budget = new InstructionBudget(objects.instructionsPerSecond(), clock);
        this.inline = InlineGets.within(limits, objects.inlineInstructions());
        this.nodeIp = nodeIp;
        this.nodeId = nodeId.toHex();
        this.clock = clock;
        for (Limit l : Limit.values()) {
            limitsHit.put(l, new LongAdder());
        }
    }

    @Override
    public AsoStats stats() {
        Map<String, Long> hit = new TreeMap<>();
        limitsHit.forEach((limit, count) -> hit.put(limit.name().toLowerCase(java.util.Locale.ROOT), count.sum()));
        return new AsoStats(invocations.sum(), instructions.sum(), allocatedBytes.sum(), refusals.sum(), errors.sum(), hit,
                abandoned.sum(), cache.size(), cache.bytes(), memory.bytes(), inline == null ? 0 : inline.runs(),
                inline == null ? 0 : inline.yields());
    }

    @Override
    public CompletableFuture<Optional<ObjectReport>> report(NodeId key) {
        return pool.submit(key, sandbox -> {
            ObjectCache.Entry cached = cache.get(key, sandbox, clock.getAsLong());
            if (cached == null) {
                return Optional.<ObjectReport>empty();
            }
            AsoInstance i = cached.instance;
            Object state = LuaValues.toPlain(StateCodec.decode(i.savedState, 32));
            return Optional.of(new ObjectReport(key.toHex(), i.handlers(), state, i.invocations, i.instructions,
                    i.errors, i.log()));
        });
    }

    @Override
    public void invoke(AsoCall call, Consumer<AsoOutcome> done) {
        // admitted against what is queued already: the most this call may run is reserved until it ends
        long reservation = limits.instructions() * runsAtMost(call);
        if (!budget.reserve(reservation)) {
            refusals.increment();
            nodeThread.execute(() -> done.accept(AsoOutcome.failed(ErrorCode.HANDLERS_BUSY,
                    "this node's handlers have run their " + budget.perSecond()
                            + " instructions for this second; try again in a second")));
            return;
        }
        long seed = ++seeds;
        // what the task ran, loads included; an invocation that never reports (abandoned) is charged its reservation
        AtomicLong ran = new AtomicLong(reservation);
        long ranHere = 0;
        if (inline != null && inline.mayTry(call, cache)) {
            CompletableFuture<AsoOutcome> here = pool.runHereIfIdle(call.key(), sandbox -> {
                long before = sandbox.instructionsRun();
                try {
                    return runHere(sandbox, call, seed);
                } finally {
                    ran.set(sandbox.instructionsRun() - before);
                }
            });
            if (here != null && !(here.isDone() && !here.isCompletedExceptionally() && here.join() == null)) {
                ran.set(Math.min(reservation, ran.get()));
                here.whenComplete((outcome, failure) -> complete(call, reservation, ran.get(), outcome, failure, done));
                return;
            }
            ranHere = here == null ? 0 : ran.get(); // it yielded, rolled back: the pool runs it again
        }
        long alreadyRan = ranHere;
        ran.set(reservation); // until the pool run reports: one the watchdog abandons is charged its reservation
        pool.submit(call.key(), backstopMillis(), sandbox -> {
            long before = sandbox.instructionsRun();
            try {
                return run(sandbox, call, seed, limits, null);
            } finally {
                // at most the reservation: a library call charged far past the limit (table.unpack of 1e9 values)
                // was refused before it did that work, and charged in full it would use up the node's budget for
                // the rest of the second, refusing every other object's invocations with 312
                ran.set(Math.min(reservation, alreadyRan + sandbox.instructionsRun() - before));
            }
        }).whenComplete((outcome, failure) -> complete(call, reservation, ran.get(), outcome, failure, done));
    }

    /** Gives back the unused part of a call's reservation and hands its outcome to the node's thread. */
    private void complete(AsoCall call, long reservation, long ran, AsoOutcome outcome, Throwable failure,
                          Consumer<AsoOutcome> done) {
        budget.complete(reservation, ran);
        instructions.add(ran);
        AsoOutcome result = failure == null ? outcome : AsoOutcome.failed(failureOf(call, failure), 0);
        nodeThread.execute(() -> done.accept(result));
    }

    /**
     * The inline attempt of a get ({@link InlineGets}), on the caller's thread with the sandbox borrowed: null, having
     * changed nothing, when the object is not loaded on this sandbox or the run crossed the inline bounds.
     */
    private AsoOutcome runHere(Sandbox sandbox, AsoCall call, long seed) {
        ObjectCache.Entry cached = cache.get(call.key(), sandbox, clock.getAsLong());
        // whether its gets run short was asked just before, on this thread (InlineGets.mayTry): only the sandbox and
        // the code are left to check, and run() takes the entry found here instead of looking it up again
        if (cached == null || !Arrays.equals(cached.code, call.code()) || sandbox.wantsRecompiling(cached.instance)) {
            return null; // loading takes milliseconds: the pool does it
        }
        return run(sandbox, call, seed, inline.bounds(), cached);
    }

    /** Metered Lua runs one call may make: its handler, a load when the object is not loaded, the incoming object. */
    private long runsAtMost(AsoCall call) {
        long runs = 1;
        if (call.fresh() || !cache.holds(call.key(), call.code())) {
            runs++;
        }
        if ("onUpdate".equals(call.handler()) && call.incoming() != null) {
            runs++;
        }
        return runs;
    }

    /**
     * The watchdog's backstop for one invocation: every metered run it makes (load, incoming object, handler) may
     * take the wall-time limit, and the meter checks it itself; the watchdog is for code the meter cannot see.
     */
    private long backstopMillis() {
        return Math.multiplyExact(limits.wallMillis(), 3) + 100;
    }

    /**
     * The error a requester gets when the pool could not run an invocation to its end: the watchdog's (322), an
     * Error that escaped the sandbox (its limit's code), the pool's own refusal (full, closed), or, for anything
     * else (a bug), an internal error whose text stays on this node.
     */
    private CometError failureOf(AsoCall call, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause() : failure;
        Limit limit = cause instanceof LimitExceeded l ? l.limit()
                : cause instanceof InvocationAbandoned ? Limit.TIME
                : cause instanceof CometException e ? limitOf(e.code()) : null;
        if (limit != null) {
            errors.increment();
            limitsHit.get(limit).increment();
            if (cause instanceof InvocationAbandoned) {
                abandoned.increment();
            }
            return new CometError(limit.errorCode(), call.handler() + ": " + cause.getMessage());
        }
        if (cause instanceof CometException e) {
            if (e.code() == ErrorCode.INTERNAL) {
                LOG.error("a handler invocation failed outside the sandbox", cause);
                return CometError.of(ErrorCode.INTERNAL);
            }
            return e.error();
        }
        LOG.error("a handler invocation failed outside the sandbox", cause);
        return CometError.of(ErrorCode.INTERNAL);
    }

    private static Limit limitOf(ErrorCode code) {
        for (Limit l : Limit.values()) {
            if (l.errorCode() == code) {
                return l;
            }
        }
        return null;
    }

    @Override
    public void forget(NodeId key) {
        // at once, so a full queue cannot keep a deleted object's memory; and again after the calls already
        // queued, which may have loaded it meanwhile
        cache.remove(key);
        memory.remove(key);
        pool.submit(key, sandbox -> {
            cache.remove(key);
            memory.remove(key);
            return null;
        });
    }

    /**
     * Runs {@code call} on {@code sandbox} with the handler under {@code handlerLimits}: the node's limits, or the
     * inline bounds, and then null when the run crossed them (rolled back, nothing counted). {@code loaded} is the
     * object's cache entry when the caller has just found it (an inline get), else null: it is looked up or loaded.
     */
    private AsoOutcome run(Sandbox sandbox, AsoCall call, long seed, HandlerLimits handlerLimits,
                           ObjectCache.Entry loaded) {
        long now = clock.getAsLong();
        if (!memory.count(call.key(), ObjectFootprint.of(call.code().length, call.state() == null ? 0 : call.state().length),
                call.expiresAtMillis(), now, call.fresh())) {
            return AsoOutcome.failed(ErrorCode.OBJECT_MEMORY_FULL, "this node's objects use their "
                    + memory.maxBytes() + "-byte object memory budget (objects.objectMemoryBytes); "
                    + "no object was dropped for this one");
        }
        ObjectCache.Entry entry;
        AsoInstance instance;
        LuaValue[] args;
        byte[] before;
        ValueUpdates.Result changed = null;
        try {
            entry = loaded != null ? loaded : instanceFor(sandbox, call, now);
            instance = entry.instance;
            before = instance.savedState;
            if (call.update() != null) {
                changed = ValueUpdates.apply(instance, call.update(), limits);
            }
            args = changed != null && changed.applied().clause() >= 0 && call.update().program() != null
                    ? new LuaValue[] {handlerArguments.caller(call), ValueUpdates.argument(call.update(), changed)}
                    : arguments(sandbox, call);
        } catch (LoadLimitException e) {
            // a load that hit a limit is that limit's error, counted like one hit by a handler
            errors.increment();
            limitsHit.get(e.limit()).increment();
            return AsoOutcome.failed(e.limit().errorCode(), e.getMessage());
        } catch (CometException e) {
            return AsoOutcome.failed(e.error(), 0);
        }
        AsoOutcome.Applied applied = changed == null ? null : changed.applied();
        if (applied != null && applied.aborted()) {
            // no clause held: nothing changed, and no handler is asked about an update that did not happen
            return new AsoOutcome(true, null, false, instance.savedState(), meta(instance), null, false, List.of(), 0,
                    applied);
        }
        if (Sandbox.handler(instance, call.handler()) == null) {
            measure(call, entry, now);
            return withoutHandler(instance, call).with(applied);
        }
        instance.neighbors = call.neighbors();
        instance.here = call.here();
        instance.mayRequest = call.mayRequest();
        boolean attempt = handlerLimits != limits;
        InvocationResult r;
        if (attempt) {
            boolean yielding = false;
            instance.beginAttempt();
            try {
                r = sandbox.invoke(instance, call.handler(), args, seed, handlerLimits);
                yielding = inline.crossedBounds(r);
            } finally {
                instance.endAttempt(!yielding);
            }
            inline.countRun(yielding);
            if (yielding) {
                inline.yielded(cache, entry, r);
                return null;
            }
        } else {
            r = sandbox.invoke(instance, call.handler(), args, seed, handlerLimits);
        }
        count(instance, r);
        measure(call, entry, now);
        if (!r.ok()) {
            if (applied != null) {
                putBack(instance, before); // the invocation restored the state it started with: the updated one
            }
            ErrorCode code = r.limit() != null ? r.limit().errorCode() : ErrorCode.HANDLER_REFUSED;
            return AsoOutcome.failed(new CometError(code, call.handler() + ": " + r.error()), r.instructions());
        }
        boolean refused = r.value().isboolean() && !r.value().toboolean();
        if (refused) {
            refusals.increment();
        }
        Object answer;
        try {
            answer = LuaExport.answer(r.value());
        } catch (ConversionException e) {
            // an answer that cannot be sent fails the invocation: its state goes back to what it was before
            errors.increment();
            instance.errors++;
            putBack(instance, before);
            return AsoOutcome.failed(new CometError(e.code(), call.handler() + ": " + e.getMessage()), r.instructions());
        }
        if (refused && applied != null) {
            putBack(instance, before); // onUpdate refused the update: the value and state it had stay
            instance.addLog("onUpdate refused the update: the value stays at version " + call.update().version());
        }
        return new AsoOutcome(true, answer, refused, instance.savedState(), meta(instance), null,
                r.deleteSelf(), r.requests(), r.instructions(), applied, r.answerLater());
    }

    /** Puts {@code instance}'s state back to {@code saved}, the state before this call. */
    private static void putBack(AsoInstance instance, byte[] saved) {
        InvocationRunner.clearState(instance.aso);
        StateCodec.decodeInto(saved, instance.aso, Sandbox.MAX_STATE_DEPTH);
        instance.savedState = saved;
    }

    /**
     * A call of a handler the object does not define: a put is taken, a get answers {@code aso.value}, anything else
     * does nothing. The value is read raw: a metatable on {@code aso} runs nothing here, outside any meter. A
     * handler name bound to something other than a function is an error, not a missing handler.
     */
    private static AsoOutcome withoutHandler(AsoInstance instance, AsoCall call) {
        String notAFunction = Sandbox.notAFunction(instance, call.handler());
        if (notAFunction != null) {
            return AsoOutcome.failed(new CometError(ErrorCode.HANDLER_REFUSED, call.handler() + ": " + notAFunction), 0);
        }
        Object answer;
        try {
            answer = "onGet".equals(call.handler()) ? LuaExport.answer(instance.aso.rawget("value")) : null;
        } catch (ConversionException e) {
            return AsoOutcome.failed(new CometError(e.code(), call.handler() + ": " + e.getMessage()), 0);
        }
        return new AsoOutcome(true, answer, false, instance.savedState(), meta(instance), null, false, List.of(), 0);
    }

    /** The object's estimated bytes and expiry after an invocation, for the cache and the memory budget. */
    private void measure(AsoCall call, ObjectCache.Entry entry, long now) {
        long footprint = ObjectFootprint.of(entry.code.length, entry.instance.savedState.length);
        cache.update(call.key(), entry, footprint, call.expiresAtMillis());
        memory.count(call.key(), footprint, call.expiresAtMillis(), now, false);
    }

    private void count(AsoInstance instance, InvocationResult r) {
        invocations.increment();
        allocatedBytes.add(r.allocatedBytes());
        instance.invocations++;
        instance.instructions += r.instructions();
        if (!r.ok()) {
            errors.increment();
            instance.errors++;
            if (r.limit() != null) {
                limitsHit.get(r.limit()).increment();
            }
        }
    }

    /** Whether {@code key} is loaded and runs compiled; read by tests. */
    boolean runsCompiled(NodeId key) {
        return cache.runsCompiled(key);
    }

    /** What the node must know of the object without running it: its timer and whether it replicates itself. */
    private static ObjectMeta meta(AsoInstance instance) {
        LuaValue interval = instance.aso.rawget(TIMER_INTERVAL);
        long timerMillis = interval.isnumber() && interval.todouble() > 0
                ? (long) Math.min(interval.todouble() * 1000, 365L * 24 * 3_600_000) : 0;
        boolean replicate = !instance.aso.rawget(DEFAULT_REPLICATION).raweq(LuaValue.FALSE);
        return new ObjectMeta(timerMillis, replicate);
    }

    /**
     * The instance that runs this call. This runtime's cached instance is the object's live state (invocations of
     * one object are serialised here, so it is never behind the node's store); the object is loaded from the
     * call only when it is new on this node, when nothing is cached (after a restart) or when its code changed.
     */
    private ObjectCache.Entry instanceFor(Sandbox sandbox, AsoCall call, long now) {
        ObjectCache.Entry cached = cache.get(call.key(), sandbox, now);
        if (!call.fresh() && cached != null && Arrays.equals(cached.code, call.code())) {
            if (!sandbox.wantsRecompiling(cached.instance)) {
                return cached;
            }
            // its code is hot (HandlerEngine.TIERED): the same object, from its live state, compiled
            AsoInstance compiled = sandbox.recompiled(cached.instance, limits);
            return cache.replace(call.key(), cached, compiled,
                    ObjectFootprint.of(cached.code.length, compiled.savedState.length), now);
        }
        AsoInstance instance = load(sandbox, call.key(), call.code(), call.state());
        ObjectCache.Entry entry = new ObjectCache.Entry(sandbox, call.code(), instance,
                ObjectFootprint.of(call.code().length, instance.savedState.length), call.expiresAtMillis());
        cache.put(call.key(), entry, now);
        return entry;
    }

    private AsoInstance load(Sandbox sandbox, NodeId key, byte[] code, byte[] state) {
        AsoContext context = new AsoContext(nodeIp, nodeId, key.toHex(), clock);
        // the requester knows the key: errors name the chunk "object" and its line
        return sandbox.load(new String(code, StandardCharsets.UTF_8), "object", state, context, limits);
    }

    private LuaValue[] arguments(Sandbox sandbox, AsoCall call) {
        if (call.answer() != null) {
            return HandlerArguments.ofAnswer(call.answer());
        }
        switch (call.handler()) {
            case "onGet": {
                LuaTable a = new LuaTable();
                call.args().forEach((k, v) -> a.set(k, LuaValue.valueOf(v)));
                return new LuaValue[] {handlerArguments.caller(call), a};
            }
            case "onUpdate": {
                LuaTable caller = handlerArguments.caller(call);
                if (call.incoming() == null) {
                    return new LuaValue[] {caller, new LuaTable()};
                }
                // the incoming object's state as its own chunk (and a replica's state) make it, without its functions
                AsoInstance incoming = load(sandbox, call.key(), call.incoming().code(), call.incoming().state());
                return new LuaValue[] {caller, StateCodec.decode(incoming.savedState, 32)};
            }
            case "onTimer":
                return new LuaValue[0];
            default:
                return new LuaValue[] {handlerArguments.caller(call)};
        }
    }
}
