package dev.comet.core;

import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoRequest;
import dev.comet.aso.AsoRuntime;
import dev.comet.aso.ObjectMeta;
import dev.comet.id.NodeId;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An {@link AsoRuntime} without Lua: each handler's outcome comes from a script the test sets (by handler name; a
 * handler with no script succeeds with no answer and keeps the state), and every invocation is recorded. Outcomes are
 * handed back at once, or held until {@link #release} when {@link #holdOutcomes} is on (a handler still running).
 */
final class ScriptedAsoRuntime implements AsoRuntime {
    /** The state an object gets from a handler when it had none. */
    static final byte[] INITIAL_STATE = "state-0".getBytes(StandardCharsets.UTF_8);

    final List<AsoCall> calls = new ArrayList<>();
    final List<NodeId> forgotten = new ArrayList<>();
    private final Map<String, Function<AsoCall, AsoOutcome>> script = new HashMap<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;

    /** From now on {@code handler} ends as {@code outcome} says. */
    ScriptedAsoRuntime on(String handler, Function<AsoCall, AsoOutcome> outcome) {
        script.put(handler, outcome);
        return this;
    }

    /** Outcomes wait until {@link #release} (true) or are handed back inside {@code invoke} (false). */
    ScriptedAsoRuntime holdOutcomes(boolean hold) {
        this.holding = hold;
        return this;
    }

    /** Hands back every held outcome, oldest first. */
    void release() {
        List<Runnable> due = new ArrayList<>(held);
        held.clear();
        due.forEach(Runnable::run);
    }

    /** The invocations of {@code handler} so far. */
    List<AsoCall> callsOf(String handler) {
        return calls.stream().filter(c -> c.handler().equals(handler)).toList();
    }

    @Override
    public void invoke(AsoCall call, Consumer<AsoOutcome> done) {
        calls.add(call);
        AsoOutcome outcome = script.getOrDefault(call.handler(), c -> answering(c, null)).apply(call);
        if (holding) {
            held.add(() -> done.accept(outcome));
        } else {
            done.accept(outcome);
        }
    }

    @Override
    public void forget(NodeId key) {
        forgotten.add(key);
    }

    /** A successful run answering {@code answer} (null: nothing), leaving the state as it was. */
    static AsoOutcome answering(AsoCall call, Object answer) {
        return succeeded(call, answer, stateOf(call), ObjectMeta.NONE, List.of());
    }

    /** A successful run that leaves {@code meta} (for example a timer). */
    static AsoOutcome withMeta(AsoCall call, ObjectMeta meta) {
        return succeeded(call, null, stateOf(call), meta, List.of());
    }

    /** A run that answered the boolean false: a refusal for onPut, onUpdate and onDelete. */
    static AsoOutcome answeringFalse(AsoCall call) {
        return new AsoOutcome(true, null, true, stateOf(call), ObjectMeta.NONE, null, false, List.of(), 1);
    }

    static AsoOutcome succeeded(AsoCall call, Object answer, byte[] state, ObjectMeta meta, List<AsoRequest> requests) {
        return new AsoOutcome(true, answer, false, state, meta, null, false, requests, 1);
    }

    private static byte[] stateOf(AsoCall call) {
        return call.state() != null ? call.state() : INITIAL_STATE;
    }
}
