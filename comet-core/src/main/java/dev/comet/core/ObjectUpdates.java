package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.Lru;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.ObjectStorage;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.aso.ObjectVersions;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Guarded updates of signed objects, in one order per object (docs/owned-objects.md). The object's primary, the
 * closest answering replica, takes a writer's signed update ({@code comet_update}), evaluates it against its value in
 * the runtime (where {@code onUpdate} may refuse it), stores the new version and sends it to the other replicas
 * ({@code comet_version}); the writer is told once a majority of the replicas, the primary included, hold it. A
 * replica takes any version newer than its own, and answers one not newer with the version it holds, so a primary
 * that missed a version (a new primary after a failure) adopts it and evaluates the update again on top.
 *
 * <p>Owns the queue of updates waiting per object: one update of an object is in flight at a time, so versions are
 * made one after the other. Used on the node's thread only.
 */
final class ObjectUpdates {
    /** Updates of one object waiting at its primary; more are refused as busy rather than queued without end. */
    static final int MAX_WAITING_PER_OBJECT = 64;
    /** Rounds of "adopt the newer version a replica holds, evaluate again" before the update is reported unconfirmed. */
    private static final int MAX_ROUNDS = 3;

    private final Contact self;
    private final NodeConfig config;
    private final Environment env;
    private final RoutingTable table;
    private final ObjectStorage objects;
    private final ObjectVersions versions;
    private final OwnerRequests ownerRequests;
    private final Transactions transactions;
    private final ReplicaSet replicaSet;
    private final Map<NodeId, ArrayDeque<Pending>> waiting = new HashMap<>();
    /** Fetches the versions re-stores say replicas hold and this node lacks. */
    private final VersionCatchUp catchUp;
    /**
     * When this node last knew each object's value current: it made or took a version, or a primary sent one it
     * already held. Bounded (least recently confirmed dropped): a forgotten object is simply not known fresh.
     */
    private final Map<NodeId, Long> confirmedAt = new Lru<>(MAX_CONFIRMED);
    private static final int MAX_CONFIRMED = 65_536;
    /** What {@code comet.coordinates()} answers in onUpdate. */
    private final NodeCoordinates coordinates;

    /** An admitted update waiting for its turn: the writer's request, its program, who asked and where to answer. */
    private record Pending(NodeId key, OwnerRequest request, UpdateProgram program, AsoCall.Caller caller,
                           ObjectReply reply) {
    }

    ObjectUpdates(Contact self, NodeConfig config, Environment env, RoutingTable table, ObjectStorage objects,
                  ObjectVersions versions, OwnerRequests ownerRequests, Transactions transactions,
                  NodeCoordinates coordinates, ReplicaSet replicaSet) {
        this.self = self;
        this.config = config;
        this.env = env;
        this.table = table;
        this.objects = objects;
        this.versions = versions;
        this.ownerRequests = ownerRequests;
        this.transactions = transactions;
        this.coordinates = coordinates;
        this.replicaSet = replicaSet;
        this.catchUp = new VersionCatchUp(self.id(), env, table, objects, versions, transactions,
                (key, version, value, done) -> install(key, version, value, null, done));
    }

    /**
     * A writer's {@code comet_update} of {@code held}: checked (signed object, a writer's request, this node the
     * primary, the request's window, signature and nonce), then queued behind the object's other updates.
     */
    void update(StoredObject held, Dict args, AsoCall.Caller caller, ObjectReply reply) {
        NodeId key = held.key();
        if (!held.signed()) {
            throw new CometException(ErrorCode.NOT_WRITER, "the object under this key has no owner, so it has no "
                    + "writers: only signed objects take guarded updates");
        }
        OwnerRequest request = OwnerRequest.from(args, OwnerRequest.UPDATE, key);
        if (request == null) {
            throw new CometException(ErrorCode.REQUEST_NOT_SIGNED, "a guarded update must be signed by the owner or a "
                    + "writer");
        }
        if (!held.signature().mayWrite(request.signer())) {
            throw new CometException(ErrorCode.NOT_WRITER, "the update is signed by a key that is neither the owner of "
                    + "the object under this key nor a writer its owner named");
        }
        UpdateProgram program = UpdateProgram.decode(request.body());
        Contact closer = closerReplica(key);
        if (closer != null) {
            // if it is gone, the ping's silence passes it over, and the writer's next try is ordered here
            transactions.ping(closer.address(), closer.id(), self.id(), QueryCallback.IGNORE);
            throw new CometException(ErrorCode.NOT_PRIMARY, "this node is not the primary of the object: "
                    + Contact.hostPort(closer.address())
                    + " is closer to its key");
        }
        ownerRequests.admit(held, request);
        ArrayDeque<Pending> queue = waiting.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (queue.size() >= MAX_WAITING_PER_OBJECT) {
            throw new CometException(ErrorCode.HANDLERS_BUSY, queue.size() + " updates of this object are waiting "
                    + "at its primary; try again shortly");
        }
        queue.add(new Pending(key, request, program, caller, reply));
        if (queue.size() == 1) {
            // a run of updates starts: the replicas to send versions to are looked up first when not known lately
            replicaSet.refresh(key, propagationWidth(held), () -> {
                ArrayDeque<Pending> waitingNow = waiting.get(key);
                if (waitingNow != null && !waitingNow.isEmpty()) {
                    run(waitingNow.peek(), 1);
                }
            });
        }
    }

    /** How many other nodes a version of {@code held} goes to: the other replicas and the hand-off margin. */
    private int propagationWidth(StoredObject held) {
        return Math.max(0, held.replicas() - 1) + config.objects().handOffMargin();
    }

    /** The responsive Comet node this node knows that is closer to {@code key} than itself, or null. */
    private Contact closerReplica(NodeId key) {
        List<Contact> closest = table.closestResponsiveComet(key, 1, env.now());
        if (closest.isEmpty() || key.compareDistance(closest.get(0).id(), self.id()) >= 0) {
            return null;
        }
        return closest.get(0);
    }

    /** Evaluates {@code p} against the version held now ({@code round} counts adoptions), then sends what it made. */
    private void run(Pending p, int round) {
        StoredObject held = objects.get(p.key(), env.now()).orElse(null);
        if (held == null || !held.signed()) {
            finish(p, () -> p.reply().error(ErrorCode.NOT_FOUND, "the object was deleted before its update ran"));
            return;
        }
        AsoCall call = new AsoCall(held.key(), held.code(), held.state(), false, "onUpdate", p.caller(), Map.of(),
                null, null, List.of(), true, held.expiresAtMillis(),
                AsoCall.ValueUpdate.evaluate(p.program(), held.version(), p.request().signer()))
                .at(coordinates.own().orElse(null));
        env.asoRuntime().invoke(call, outcome -> {
            if (!outcome.ok() || outcome.applied() == null) {
                finish(p, () -> p.reply().failed(outcome.ok()
                        ? AsoOutcome.failed(ErrorCode.INTERNAL, "the runtime did not apply the update") : outcome));
                return;
            }
            AsoOutcome.Applied applied = outcome.applied();
            if (applied.aborted()) {
                finish(p, () -> p.reply().ok(answer(held.version(), applied.value(), -1)));
                return;
            }
            if (outcome.answeredFalse()) {
                finish(p, () -> p.reply().error(ErrorCode.HANDLER_REFUSED, "onUpdate refused the update"));
                return;
            }
            StoredObject current = objects.get(p.key(), env.now()).orElse(null);
            if (current == null || current.version() != held.version() || !Arrays.equals(current.code(), held.code())) {
                // replaced or deleted while the update ran: evaluate it again on what is there now
                env.asoRuntime().forget(p.key());
                run(p, round);
                return;
            }
            long version = held.version() + 1;
            store(current, version, outcome, applied.value(), p.request().signer());
            propagate(p, current, version, applied, round);
        });
    }

    /** Keeps {@code version} of {@code o}'s value: the object's record and the version's own, dropping old ones. */
    private void store(StoredObject o, long version, AsoOutcome outcome, byte[] value, byte[] writer) {
        long now = env.now();
        objects.put(o.atVersion(version, outcome.state(), outcome.meta()));
        confirmedAt.put(o.key(), now);
        versions.put(o.key(), ObjectVersions.Version.of(version, value, writer, now), o.expiresAtMillis());
        int kept = config.access().versionsKept();
        versions.dropUpTo(o.key(), version - kept, now, kept + 8);
    }

    /**
     * Sends {@code version} to the other replicas (the closest Comet nodes, {@link ReplicaSet}) and answers the
     * writer once a majority of the replicas and this node hold it. A replica that holds a version at least as new
     * with other bytes has one this node missed: it is adopted and the update evaluated again.
     *
     * <p>The nodes of the hand-off margin beyond the closest {@code n} are sent it too: a holder there keeps its copy
     * (replica hygiene drops only copies beyond it), so churn moves it back among the closest, and a read that reaches
     * it (or a repair that placed a copy there while a silent replica still counted among the closest) would
     * otherwise answer a version the writer was told is superseded. Their answers do not count towards the majority:
     * a majority of the closest {@code n} is what the next primary, one of them, is sure to meet (counting the margin
     * lost an acknowledged append in {@code UpdateChurnTest}).
     */
    private void propagate(Pending p, StoredObject held, long version, AsoOutcome.Applied applied, int round) {
        int others = Math.max(0, held.replicas() - 1);
        List<Contact> replicas = replicaSet.closest(p.key(), propagationWidth(held));
        byte[] hash = ObjectVersions.sha256(applied.value());
        int counted = Math.min(others, replicas.size());
        int majority = (counted + 1) / 2 + 1;
        int[] confirmed = {1};
        Dict[] newer = {null};
        Dict.Builder args = Dict.builder().put("id", self.id()).put("k", p.key()).put("ver", version)
                .put("b", applied.value()).put("h", hash);
        Dict query = p.request().addTo(args).build();
        Countdown answers = new Countdown(replicas.size(), () -> {
            if (confirmed[0] >= majority) {
                finish(p, () -> p.reply().ok(answer(version, applied.value(), applied.clause())));
            } else if (newer[0] != null && round < MAX_ROUNDS) {
                adopt(p, newer[0], round);
            } else {
                int total = counted + 1;
                finish(p, () -> p.reply().error(ErrorCode.UPDATE_UNCONFIRMED, "version " + version + " was made by "
                        + "the primary, but " + confirmed[0] + " of " + total + " replicas hold it, fewer than a majority"));
            }
        });
        for (int i = 0; i < replicas.size(); i++) {
            Contact replica = replicas.get(i);
            // the list is closest first, so the first counted are the replicas whose confirmations make the majority
            boolean votes = i < counted;
            transactions.send(replica.address(), replica.id(), "comet_version", query, new QueryCallback() {
                @Override
                public void onResponse(Contact from, KrpcResponse response) {
                    Dict r = response.values();
                    long theirs = r.optionalInteger("ver", -1);
                    byte[] theirHash = r.optionalBytes("h");
                    if (theirs == version && Arrays.equals(theirHash, hash)) {
                        confirmed[0] += votes ? 1 : 0;
                    } else if (theirs >= version && r.has("b")
                            && (newer[0] == null || theirs > newer[0].integer("ver"))) {
                        newer[0] = r;
                    }
                    answers.countDown();
                }

                @Override
                public void onError(KrpcError error) {
                    answers.countDown();
                }

                @Override
                public void onFailure() {
                    answers.countDown();
                }
            });
        }
    }

    /** Installs the newer version a replica holds here, then evaluates {@code p} again on top of it. */
    private void adopt(Pending p, Dict newer, int round) {
        long version = newer.integer("ver");
        byte[] value = newer.bytes("b");
        if (!Arrays.equals(ObjectVersions.sha256(value), newer.bytes("h"))) {
            finish(p, () -> p.reply().error(ErrorCode.UPDATE_UNCONFIRMED, "a replica answered with a version whose "
                    + "bytes do not match its hash"));
            return;
        }
        install(p.key(), version, value, newer.optionalBytes("w"), installed -> {
            if (installed != null) {
                finish(p, () -> p.reply().error(installed));
            } else {
                run(p, round + 1);
            }
        });
    }

    /**
     * A primary's {@code comet_version}: a version of {@code held}'s value that a writer's signed update made there.
     * Taken when it is newer than the one held; either way the answer is the version held afterwards, with its bytes
     * when it is not the one sent (so a primary that missed it can adopt it).
     */
    void receive(StoredObject held, Dict args, ObjectReply reply) {
        if (!held.signed()) {
            throw new CometException(ErrorCode.NOT_WRITER, "the object under this key has no owner: it has no versions");
        }
        OwnerRequest request = OwnerRequest.from(args, OwnerRequest.UPDATE, held.key());
        if (request == null) {
            throw new CometException(ErrorCode.REQUEST_NOT_SIGNED, "a version must come with the writer's signed update");
        }
        if (!held.signature().mayWrite(request.signer())) {
            throw new CometException(ErrorCode.NOT_WRITER, "the version's update is signed by a key that is neither the "
                    + "owner nor a writer of the version held here");
        }
        // a proof that a writer asked, not a request to this node: its window and nonce were the primary's to check
        request.verifySignature();
        long version = args.integer("ver");
        byte[] value = args.bytes("b");
        if (version < 1 || !Arrays.equals(ObjectVersions.sha256(value), args.bytes("h"))) {
            throw new CometException(ErrorCode.PROTOCOL, "a version needs a number of at least 1 and the SHA-256 of its "
                    + "bytes");
        }
        if (version <= held.version()) {
            confirmedAt.put(held.key(), env.now()); // the primary has nothing newer than what is held here
            reply.ok(held(held));
            return;
        }
        install(held.key(), version, value, request.signer(), failure -> {
            if (failure != null) {
                reply.error(failure);
            } else {
                reply.ok(held(objects.get(held.key(), env.now()).orElse(held)));
            }
        });
    }

    /** A replica's re-store says it holds version {@code theirs}: see {@link VersionCatchUp#catchUp}. */
    void catchUp(NodeId key, long theirs, Contact replica) {
        catchUp.catchUp(key, theirs, replica);
    }

    /** The answer of a replica to a version: the version it holds, its hash and its bytes. */
    private Dict held(StoredObject o) {
        Dict.Builder d = Dict.builder().put("id", self.id()).put("ver", o.version());
        if (o.version() > 0) {
            versions.get(o.key(), o.version(), env.now()).ifPresent(v -> d.put("h", v.hash()).put("b", v.value())
                    .put("w", v.writer()));
        }
        return d.build();
    }

    /** Sets the value of the object under {@code key} to {@code version}'s bytes; {@code done} gets null or the error. */
    private void install(NodeId key, long version, byte[] value, byte[] writer,
                         java.util.function.Consumer<CometError> done) {
        StoredObject held = objects.get(key, env.now()).orElse(null);
        if (held == null) {
            done.accept(CometError.of(ErrorCode.NOT_FOUND));
            return;
        }
        AsoCall call = new AsoCall(key, held.code(), held.state(), false, AsoCall.INSTALL, null, Map.of(), null, null,
                List.of(), false, held.expiresAtMillis(), AsoCall.ValueUpdate.install(version, value));
        env.asoRuntime().invoke(call, outcome -> {
            if (!outcome.ok()) {
                done.accept(outcome.error());
                return;
            }
            StoredObject current = objects.get(key, env.now()).orElse(null);
            if (current == null || !Arrays.equals(current.code(), held.code())) {
                env.asoRuntime().forget(key);
                done.accept(CometError.of(ErrorCode.NOT_FOUND));
                return;
            }
            if (current.version() < version) {
                store(current, version, outcome, value, writer == null ? new byte[0] : writer);
            }
            done.accept(null);
        });
    }

    /** True when a comet_get bounds how fresh its answer must be ({@code minver}, {@code maxage}). */
    static boolean boundsFreshness(Dict args) {
        return args.has("minver") || args.has("maxage");
    }

    /**
     * Throws {@link ErrorCode#NOT_FRESH} unless this replica can serve a read that asks for at least version
     * {@code minver} of the value, or for a value known current at most {@code maxage} seconds ago: the primary always
     * knows its value current; another replica since it last made, took or was sent a version.
     */
    void checkFresh(StoredObject held, Dict args) {
        long minVersion = args.optionalInteger("minver", 0);
        if (held.version() < minVersion) {
            throw new CometException(ErrorCode.NOT_FRESH, "this replica holds version " + held.version()
                    + " of the value; the read asks for at least version " + minVersion);
        }
        if (args.has("maxage") && closerReplica(held.key()) != null) {
            long maxAgeMillis = Math.max(0, args.integer("maxage")) * 1000;
            Long confirmed = confirmedAt.get(held.key());
            long age = confirmed == null ? -1 : env.now() - confirmed;
            if (confirmed == null || age > maxAgeMillis) {
                throw new CometException(ErrorCode.NOT_FRESH, "this replica is not the object's primary and "
                        + (confirmed == null ? "has not been sent a version since it started"
                        : "last knew its value current " + age / 1000 + " s ago") + "; the read asks for at most "
                        + maxAgeMillis / 1000 + " s");
            }
        }
    }

    /** True when a comet_get asks for a kept version ({@code ver}, {@code vh}) or the list of them ({@code versions}). */
    static boolean asksForVersions(Dict args) {
        return args.has("ver") || args.has("vh") || args.has("versions");
    }

    /**
     * Answers a comet_get for a kept version of {@code held}'s value, by number ({@code ver}) or SHA-256 ({@code vh}):
     * {@code v} is {@code [number, sha256, bytes]}; or the list of the kept versions ({@code versions}: {@code v} is a
     * list of {@code [number, sha256, size]}, oldest first). No handler runs: a version is the value as the update left it.
     */
    void read(StoredObject held, Dict args, Dict.Builder values, ObjectReply reply) {
        if (!held.signed()) {
            throw new CometException(ErrorCode.VERSION_GONE, "the object under this key is not signed: it has no "
                    + "versions, only its current value");
        }
        long now = env.now();
        int kept = config.access().versionsKept();
        values.put("found", 1L).put("ver", held.version());
        if (args.has("versions")) {
            List<Object> list = new java.util.ArrayList<>();
            for (ObjectVersions.Version v : versions.all(held.key(), now, kept + 8)) {
                list.add(List.of(v.number(), v.hash(), (long) v.value().length));
            }
            reply.ok(values.put("v", list).build());
            return;
        }
        java.util.Optional<ObjectVersions.Version> found = args.has("ver")
                ? versions.get(held.key(), args.integer("ver"), now)
                : versions.byHash(held.key(), args.bytes("vh"), now, kept + 8);
        if (found.isEmpty()) {
            throw new CometException(ErrorCode.VERSION_GONE, "that version of the object's value is not kept: this "
                    + "replica keeps the last " + kept + " (it holds version " + held.version() + "; version 0, the "
                    + "object as put, is read by a plain get until the first update)");
        }
        ObjectVersions.Version v = found.get();
        reply.ok(values.put("v", List.of(v.number(), v.hash(), v.value())).build());
    }

    /** The answer to a writer: the version after the update (the one held, when it aborted), its hash and clause. */
    private Dict answer(long version, byte[] value, int clause) {
        return Dict.builder().put("id", self.id()).put("ver", version).put("h", ObjectVersions.sha256(value))
                .put("clause", clause).put("applied", clause >= 0 ? 1L : 0L).build();
    }

    /** Answers {@code p}, then starts the next update of its object, if one waits. */
    private void finish(Pending p, Runnable answer) {
        answer.run();
        ArrayDeque<Pending> queue = waiting.get(p.key());
        if (queue == null) {
            return;
        }
        queue.poll();
        if (queue.isEmpty()) {
            waiting.remove(p.key());
        } else {
            run(queue.peek(), 1);
        }
    }
}
