package dev.comet.lua;

import dev.comet.aso.AsoRequest;
import dev.comet.aso.HandlerLimits;
import dev.comet.routing.Contact;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.Prototype;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One loaded active object on one sandbox: its own environment (a {@code Globals}, so LuaJ meters it), its
 * {@code aso} table (the instance) and its last saved state. Touched only on its sandbox's thread.
 */
public final class AsoInstance {
    static final int MAX_LOG_LINES = 100;
    static final int MAX_LOG_LINE_BYTES = 512;

    final Globals env;
    final byte[] code;
    final LuaTable aso;
    final AsoContext context;
    final Deque<String> log = new ArrayDeque<>();
    byte[] savedState;
    /** The shape of that state when it is flat, so that the next save can skip sorting its keys (StateLayout). */
    StateLayout stateLayout;
    /** What the object keeps outside aso, as its chunk left it; null while it loads. */
    RetainedData retained;
    boolean deleteRequested;
    /** Whether its state has ever held a key longer than 32 bytes: its tables are then rebuilt after each run. */
    boolean longKeys;
    /** For the running invocation: whether it called comet.answerLater(), and whether it may (an onGet that may send). */
    boolean answerLaterRequested;
    boolean mayAnswerLater;
    /** math.random's generator for this invocation, made at its first draw: most handlers never draw. */
    private java.util.Random random;
    private long randomSeed;
    /** What this instance's handlers used since it was loaded (for its owner's report). */
    long invocations;
    long instructions;
    long errors;

    /** For the running invocation: what comet.lookup() answers, whether it may send, what it asked to send. */
    List<Contact> neighbors = List.of();
    /** For the running invocation: what comet.coordinates() answers (null: the node computes none). */
    dev.comet.coords.Estimate here;
    boolean mayRequest = true;
    final List<AsoRequest> requests = new ArrayList<>();
    /** When this object's recent requests were asked for (the last second's), for the per-object rate. */
    final ArrayDeque<Long> recentRequests = new ArrayDeque<>();
    /** Whether an attempt that may be undone is running, and the log lines and request times it added. */
    private boolean tentative;
    private int tentativeLines;
    private int tentativeRequests;
    HandlerLimits limits;
    /** The chunk name and code it was compiled from, and whether its functions run compiled (HandlerCompiler). */
    String chunkName;
    Prototype prototype;
    boolean compiled;

    AsoInstance(byte[] code, Globals env, LuaTable aso, AsoContext context) {
        this.code = code;
        this.env = env;
        this.aso = aso;
        this.context = context;
    }

    /** The state as saved after the last successful invocation (canonical bytes). */
    public byte[] savedState() {
        return savedState.clone();
    }

    /** Adds a line to the object's log, dropping the oldest beyond {@link #MAX_LOG_LINES}. */
    void addLog(String line) {
        log.addLast(line);
        if (tentative) {
            tentativeLines++; // the oldest are dropped once the attempt is kept: a yield must find them still there
            return;
        }
        trimLog();
    }

    /** Records that a handler asked for a request now, for the per-object rate. */
    void requestMade(long now) {
        recentRequests.addLast(now);
        if (tentative) {
            tentativeRequests++;
        }
    }

    /**
     * Starts an attempt that may be undone: the log lines and request times it adds are counted, so that
     * {@link #endAttempt(boolean)} can take them back when the attempt yields to the pool and runs again there
     * (LuaAsoRuntime's inline runs). Its state and what it keeps outside {@code aso} are restored by the failed run
     * itself.
     */
    void beginAttempt() {
        tentative = true;
        tentativeLines = 0;
        tentativeRequests = 0;
    }

    /** Ends the attempt begun by {@link #beginAttempt()}: keeps what it added, or removes it. */
    void endAttempt(boolean keep) {
        if (!keep) {
            for (int i = 0; i < tentativeLines; i++) {
                log.removeLast();
            }
            for (int i = 0; i < tentativeRequests; i++) {
                recentRequests.removeLast();
            }
        }
        tentative = false;
        trimLog();
    }

    private void trimLog() {
        while (log.size() > MAX_LOG_LINES) {
            log.removeFirst();
        }
    }

    /** The object's recent {@code comet.log} lines, oldest first (bounded). */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** The names of the handlers this object defines. */
    public List<String> handlers() {
        List<String> out = new java.util.ArrayList<>();
        for (String h : Sandbox.HANDLERS) {
            if (Sandbox.handler(this, h) != null) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * Takes over what {@code earlier}, the same object loaded before, used and logged, in place of what its own load
     * did (a reload for compiling it: its chunk's log lines and requests were the first load's too).
     */
    void carryOver(AsoInstance earlier) {
        log.clear();
        log.addAll(earlier.log);
        recentRequests.clear();
        recentRequests.addAll(earlier.recentRequests);
        invocations = earlier.invocations;
        instructions = earlier.instructions;
        errors = earlier.errors;
        longKeys |= earlier.longKeys;
    }

    /** Seeds math.random for the next invocation (and math.randomseed within one). */
    void seedRandom(long seed) {
        randomSeed = seed;
        random = null;
    }

    java.util.Random random() {
        if (random == null) {
            random = new java.util.Random(randomSeed);
        }
        return random;
    }
}
