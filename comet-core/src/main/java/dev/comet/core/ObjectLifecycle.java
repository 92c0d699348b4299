package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoRequest;
import dev.comet.aso.AsoRuntime;
import dev.comet.aso.ObjectConfig;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectVersions;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;
import dev.comet.storage.StoreFullException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The life of the active objects held on this node (DESIGN.md §4): runs their handlers in the node's
 * {@link AsoRuntime} and keeps what the handlers leave. A first store runs onPut; a put for a held key runs
 * onUpdate; a get runs onGet; a delete runs onDelete; a due timer runs onTimer; an answer to a handler's
 * {@code comet.get} runs the handler it named. Owns the objects' records in the store; the timers and the handlers'
 * requests are its {@link ObjectTimers} and {@link HandlerRequests}.
 */
final class ObjectLifecycle implements ObjectTimers.Due, HandlerRequests.Answers {
    private final NodeId id;
    private final Environment env;
    private final ObjectConfig settings;
    private final RoutingTable table;
    private final ObjectStorage objects;
    private final ObjectTimers timers;
    private final HandlerRequests requests;
    /** What {@code comet.coordinates()} answers: the node's coordinate when the handler is called. */
    private final NodeCoordinates coordinates;
    /** The kept versions of signed objects' values: they go with the object they belong to. */
    private final ObjectVersions versions;
    /** Gets whose onGet answers later, waiting for the answers to its requests. */
    private final LaterAnswers laterAnswers;
    private long timerRuns;
    /** More than any node keeps per object ({@code access.versionsKept} is at most 1,024). */
    private static final int MAX_VERSION_RECORDS = dev.comet.owned.AccessConfig.MAX_VERSIONS_KEPT + 16;

    ObjectLifecycle(NodeId id, Environment env, ObjectConfig settings, RoutingTable table, ObjectStorage objects,
                    ObjectTimers timers, HandlerRequests requests, NodeCoordinates coordinates) {
        this.id = id;
        this.env = env;
        this.settings = settings;
        this.table = table;
        this.objects = objects;
        this.timers = timers;
        this.requests = requests;
        this.coordinates = coordinates;
        this.versions = new ObjectVersions(env.store());
        this.laterAnswers = new LaterAnswers(env, settings);
        timers.onDue(this);
        requests.onAnswer(this);
    }

    /** After a restart: the timers of the objects this node still holds run again. */
    void resume() {
        for (StoredObject o : objects.all(env.now(), Integer.MAX_VALUE)) {
            timers.update(o.key(), o.meta().timerMillis());
        }
    }

    private AsoRuntime runtime() {
        return env.asoRuntime();
    }

    /**
     * Runs onGet of {@code held}; the reply is {@code values} with its answer, or the handler's error. An onGet that
     * called {@code comet.answerLater()} leaves the reply waiting ({@link LaterAnswers}) for the handler that hears
     * the first answer to one of its requests: what that handler returns answers the get.
     */
    void get(StoredObject held, AsoCall.Caller caller, Map<String, byte[]> args, boolean mayRequest, Dict.Builder values,
             ObjectReply reply) {
        AsoCall call = call(held, "onGet", caller, args, null, null, mayRequest);
        runtime().invoke(call, outcome -> {
            if (!outcome.ok()) {
                reply.failed(outcome);
                return;
            }
            long later = LaterAnswers.NONE;
            if (outcome.answerLater()) {
                if (outcome.requests().stream().noneMatch(r -> r instanceof AsoRequest.Get
                        || r instanceof AsoRequest.GetFromReplicas)) {
                    reply.error(ErrorCode.HANDLER_REFUSED, "onGet: comet.answerLater() without a comet.get whose "
                            + "answer would answer this get");
                    return;
                }
                later = laterAnswers.hold(values, reply);
                if (later == LaterAnswers.NONE) {
                    return; // refused: the node holds as many waiting gets as it allows
                }
            }
            try {
                apply(call, outcome, later);
            } catch (CometException e) {
                // the state it left does not fit the store: the get fails, the old state stays
                if (later != LaterAnswers.NONE) {
                    laterAnswers.error(later, e.error());
                } else {
                    reply.error(e.error());
                }
                return;
            }
            if (later != LaterAnswers.NONE) {
                return;
            }
            values.put("found", 1L);
            if (outcome.answer() != null) {
                values.put("v", outcome.answer());
            }
            reply.ok(values.build());
        });
    }

    /**
     * Runs onDelete of {@code held}, and removes it unless the handler refuses; then {@code removed} runs (it leaves
     * the delete's tombstone).
     */
    void delete(StoredObject held, AsoCall.Caller caller, boolean mayRequest, Runnable removed, ObjectReply reply) {
        AsoCall call = call(held, "onDelete", caller, Map.of(), null, null, mayRequest);
        runtime().invoke(call, outcome -> {
            if (!outcome.ok()) {
                reply.failed(outcome);
            } else if (outcome.answeredFalse()) {
                try {
                    apply(call, outcome);
                } catch (CometException e) {
                    reply.error(e.error()); // the refusal stands; the state it left does not fit, the old one stays
                    return;
                }
                reply.error(ErrorCode.HANDLER_REFUSED, "onDelete refused the delete");
            } else {
                remove(held.key());
                removed.run();
                requests.send(held.key(), outcome.requests());
                reply.ok(Dict.builder().put("id", id).put("deleted", 1L).build());
            }
        });
    }

    /**
     * A put of {@code incoming}: a first store runs onPut; a put for a key held here runs onUpdate with the incoming
     * object, which takes it ({@code true}), keeps this one ({@code false}, after merging what it likes) or leaves it
     * to the default: a replica re-storing the same version keeps the copy here (each replica keeps its own state, and
     * the lifetime is extended to the incoming one), anything else replaces it. A signed object takes its key from an
     * unsigned one without asking it. {@link Ownership#admit} has been passed before.
     */
    void put(StoredObject incoming, Optional<StoredObject> stored, AsoCall.Caller caller, boolean mayRequest,
             ObjectReply reply) {
        if (stored.isEmpty() || Ownership.takesOver(incoming, stored.get())) {
            create(incoming, caller, mayRequest, reply);
            return;
        }
        StoredObject held = stored.get();
        NodeId key = incoming.key();
        long expiresAt = incoming.expiresAtMillis();
        AsoCall update = call(held, "onUpdate", caller, Map.of(), null,
                new AsoCall.Incoming(incoming.code(), incoming.state()), mayRequest);
        runtime().invoke(update, outcome -> {
            if (!outcome.ok()) {
                reply.failed(outcome);
                return;
            }
            boolean keep = outcome.answeredFalse()
                    || outcome.answer() == null && caller.replica() && Ownership.sameVersion(held, incoming);
            if (!keep) {
                create(incoming, caller, mayRequest, reply);
                return;
            }
            try {
                apply(update, outcome);
                if (!outcome.answeredFalse()) {
                    objects.get(key, env.now()).filter(o -> o.expiresAtMillis() < expiresAt).ifPresent(o ->
                            objects.put(o.expiringAt(expiresAt)));
                }
            } catch (CometException e) {
                reply.error(e.error());
                return;
            }
            if (outcome.answeredFalse()) {
                reply.error(ErrorCode.HANDLER_REFUSED, "onUpdate kept the object held here");
            } else {
                reply.ok(Dict.builder().put("id", id).build());
            }
        });
    }

    /** Stores {@code o} as a new object on this node once its onPut accepts it. */
    private void create(StoredObject o, AsoCall.Caller caller, boolean mayRequest, ObjectReply reply) {
        AsoCall call = new AsoCall(o.key(), o.code(), o.state(), true, "onPut", caller, Map.of(), null, null,
                neighbors(o.key()), mayRequest, o.expiresAtMillis()).at(coordinates.own().orElse(null));
        runtime().invoke(call, outcome -> {
            if (!outcome.ok()) {
                runtime().forget(o.key());
                reply.failed(outcome);
                return;
            }
            if (outcome.answeredFalse()) {
                runtime().forget(o.key());
                reply.error(ErrorCode.HANDLER_REFUSED, "onPut refused the object");
                return;
            }
            long timer = outcome.meta().timerMillis();
            if (timer > 0 && timers.full(o.key())) {
                timers.refuse();
                runtime().forget(o.key());
                reply.error(ErrorCode.TIMERS_FULL, "this node already runs " + settings.maxTimers()
                        + " object timers, its maximum");
                return;
            }
            try {
                // another put of this key may have been stored while onPut ran: the owner's seq rule holds at the store
                Ownership.mayReplace(o, objects.get(o.key(), env.now()), caller.replica());
                // a new object (or another version of its code) starts its value's versions afresh; only signed
                // objects have versions, so an unsigned put costs no scan
                if (o.signed()) {
                    versions.dropAll(o.key(), env.now(), MAX_VERSION_RECORDS);
                }
                objects.put(o.with(outcome.state(), outcome.meta()));
            } catch (CometException e) {
                runtime().forget(o.key());
                reply.error(e.error());
                return;
            }
            if (outcome.deleteSelf()) {
                remove(o.key());
            } else {
                timers.update(o.key(), timer);
            }
            requests.send(o.key(), outcome.requests());
            reply.ok(Dict.builder().put("id", id).build());
        });
    }

    /** A timer is due: onTimer runs; a failed run does not stop the timer, {@code comet.deleteSelf()} does. */
    @Override
    public void due(NodeId key, long interval) {
        Optional<StoredObject> stored = objects.get(key, env.now());
        if (stored.isEmpty()) {
            runtime().forget(key); // expired
            return;
        }
        timerRuns++;
        AsoCall call = call(stored.get(), "onTimer", null, Map.of(), null, null, true);
        runtime().invoke(call, outcome -> {
            if (outcome.ok() && keptAfter(call, outcome) == null) {
                return;
            }
            if (objects.get(key, env.now()).isPresent()) {
                timers.update(key, interval);
            }
        });
    }

    /**
     * An answer to a handler's {@code comet.get}: the handler it named runs with it. When a get waits for it
     * ({@code later}), what the handler returns answers that get, or its error does.
     */
    @Override
    public void answered(NodeId owner, String handler, AsoCall.Answer answer, long later) {
        Optional<StoredObject> stored = objects.get(owner, env.now());
        if (stored.isEmpty()) {
            laterAnswers.notHeld(later); // deleted or expired while the get waited
            return;
        }
        // an answer may not send requests of its own: otherwise onAnswer -> comet.get -> onAnswer keeps an object
        // running without a timer (and outside maxTimers) until it expires (issue #10, item 6)
        AsoCall call = call(stored.get(), handler, null, Map.of(), answer, null, false);
        runtime().invoke(call, outcome -> {
            if (!outcome.ok()) {
                laterAnswers.failed(later, outcome);
                return;
            }
            CometError notKept = keptAfter(call, outcome);
            if (notKept != null) {
                laterAnswers.error(later, notKept);
            } else {
                laterAnswers.answer(later, outcome.answer());
            }
        });
    }

    /**
     * {@link #apply} for an invocation no client waits for (a timer, an answer): why what it left could not be kept
     * (its state does not fit the store), which then counts as a failed run, or null when it was kept.
     */
    private CometError keptAfter(AsoCall call, AsoOutcome outcome) {
        try {
            apply(call, outcome);
            return null;
        } catch (CometException e) {
            return e.error();
        }
    }

    /**
     * Keeps what a successful invocation left: its state and meta (or the object's removal when it asked to be
     * deleted), its timer, and the requests it asked for. Nothing is kept when the object was deleted or replaced
     * while the handler ran. Throws a CometException when the new state does not fit the store (it stays as it was).
     */
    private void apply(AsoCall call, AsoOutcome outcome) {
        apply(call, outcome, LaterAnswers.NONE);
    }

    /** {@link #apply}, for an onGet whose requests the get {@code later} waits for. */
    private void apply(AsoCall call, AsoOutcome outcome, long later) {
        Optional<StoredObject> current = objects.get(call.key(), env.now());
        if (current.isEmpty() || !Arrays.equals(current.get().code(), call.code())) {
            laterAnswers.notHeld(later); // deleted or replaced while its onGet ran
            return;
        }
        if (outcome.deleteSelf()) {
            remove(call.key());
            requests.send(call.key(), outcome.requests(), later);
            return;
        }
        StoredObject o = current.get();
        if (!Arrays.equals(outcome.state(), o.state()) || !outcome.meta().equals(o.meta())) {
            try {
                objects.put(o.with(outcome.state(), outcome.meta()));
            } catch (StoreFullException e) {
                runtime().forget(call.key()); // the runtime's instance is ahead of the store: reload next time
                throw e;
            }
        }
        timers.update(call.key(), outcome.meta().timerMillis());
        requests.send(call.key(), outcome.requests(), later);
    }

    /**
     * Drops this node's copy of the object under {@code key} without running a handler: it is no longer among the
     * closest replicas, and the closest ones hold the object (replica hygiene). Its state goes with it.
     */
    void drop(NodeId key) {
        remove(key);
    }

    long timerRuns() {
        return timerRuns;
    }

    private void remove(NodeId key) {
        objects.delete(key);
        versions.dropAll(key, env.now(), MAX_VERSION_RECORDS);
        timers.cancel(key);
        runtime().forget(key);
    }

    private AsoCall call(StoredObject o, String handler, AsoCall.Caller caller, Map<String, byte[]> args,
                         AsoCall.Answer answer, AsoCall.Incoming incoming, boolean mayRequest) {
        return new AsoCall(o.key(), o.code(), o.state(), false, handler, caller, args, incoming, answer,
                neighbors(o.key()), mayRequest, o.expiresAtMillis()).at(coordinates.own().orElse(null));
    }

    /** What comet.lookup() answers for {@code key}: the Comet nodes this node knows closest to it, itself excluded. */
    private List<Contact> neighbors(NodeId key) {
        return table.closestAnsweringComet(key, ObjectConfig.MAX_REPLICAS, env.now());
    }
}
