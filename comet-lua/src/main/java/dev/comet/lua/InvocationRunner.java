package dev.comet.lua;

import dev.comet.aso.AsoRequest;
import dev.comet.aso.HandlerLimits;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.util.List;

/**
 * Runs a sandbox's invocations, one at a time on its thread, each under a fresh {@link Meter}: on success the state
 * is saved, on any failure restored exactly as it was, and every error leaves bounded. Owns the running meter (in a
 * thread-local for the library functions, in a volatile field for the watchdog on another thread), whether the
 * sandbox was abandoned, and the count of instructions run, for the node-wide budget.
 */
final class InvocationRunner {
    private static final ThreadLocal<Meter> CURRENT = new ThreadLocal<>();

    private final MeteringDebugLib metering;
    /** The running invocation's meter, for the watchdog (another thread) to cancel. */
    private volatile Meter active;
    private volatile boolean abandoned;
    /** Instructions every run on this sandbox used (loads included), for the node-wide budget. */
    private long instructionsRun;
    /** Writes each invocation's state, keeping its buffer from one to the next. */
    private final StateEncoder encoder = new StateEncoder(Sandbox.MAX_STATE_DEPTH);

    InvocationRunner(MeteringDebugLib metering) {
        this.metering = metering;
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

    boolean abandoned() {
        return abandoned;
    }

    long instructionsRun() {
        return instructionsRun;
    }

    /** The sandbox's state encoder, for a load's first state. */
    StateEncoder stateEncoder() {
        return encoder;
    }

    /** The meter of the invocation running on this thread, or null. */
    static Meter currentMeter() {
        return CURRENT.get();
    }

    /** Runs {@code function} of {@code object} with {@code args} under {@code limits}; never throws for what it does. */
    InvocationResult run(AsoInstance object, LuaValue function, Varargs args, HandlerLimits limits) {
        Meter meter = new Meter(limits);
        active = meter;
        if (abandoned) {
            meter.cancel();
        }
        CURRENT.set(meter);
        metering.begin(meter);
        object.deleteRequested = false;
        object.answerLaterRequested = false;
        object.limits = limits;
        object.requests.clear();
        LuaValue value = LuaValue.NIL;
        boolean saved = false;
        String error = null;
        Limit limit = null;
        try {
            value = function.invoke(args).arg1();
            meter.check();
            object.savedState = StateCodec.encode(encoder, object.aso, limits.stateBytes(), object.stateLayout);
            object.stateLayout = encoder.takeLayout();
            // LuaJ's dead slots (see StateTables) must not outlive the invocation that made them; only an object
            // whose state has held a long key can have one
            object.longKeys |= encoder.sawLongKeys();
            if (object.longKeys) {
                StateTables.rebuild(object.aso);
            }
            // only now: a rebuild that failed part way (out of memory) may have dropped functions from aso, which
            // the check after the run must then find and put back
            saved = true;
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
                meter.record(object.retained.restore(saved ? encoder.methodsMet() : null));
            }
            // cleared, not removed: the thread's entry stays for the next invocation instead of being made again
            CURRENT.set(null);
            encoder.methodsMet().forget();
            metering.reset();
            active = null;
            instructionsRun += meter.instructions();
        }
        if (error == null && object.answerLaterRequested && object.requests.stream().noneMatch(
                r -> r instanceof AsoRequest.Get || r instanceof AsoRequest.GetFromReplicas)) {
            error = "comet.answerLater(): the handler asked no comet.get whose answer would answer this get";
        }
        error = bounded(error);
        List<AsoRequest> requests = List.of();
        if (error != null) {
            restore(object);
            object.deleteRequested = false;
            object.answerLaterRequested = false;
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
                meter.allocatedBytes(), error == null && object.deleteRequested, requests,
                error == null && object.answerLaterRequested);
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

    private static void restore(AsoInstance object) {
        if (object.savedState == null) {
            return; // failed while loading: the object is discarded
        }
        clearState(object.aso);
        StateCodec.decodeInto(object.savedState, object.aso, Sandbox.MAX_STATE_DEPTH);
    }

    /**
     * Removes the state fields of {@code aso} (its non-function fields), before a saved state is laid over it. The
     * table is emptied and its functions put back, rather than its fields removed one by one, which would leave
     * LuaJ's dead slots behind (see {@link StateTables}).
     */
    static void clearState(LuaTable aso) {
        List<LuaValue> functions = new java.util.ArrayList<>();
        LuaValues.forEachPair(aso, (key, value) -> {
            if (value.isfunction()) {
                functions.add(key);
                functions.add(value);
            }
        });
        StateTables.refill(aso, functions);
    }
}
