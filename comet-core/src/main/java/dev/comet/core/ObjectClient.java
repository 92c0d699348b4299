package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectConfig;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The client side of active objects: puts, gets and deletes on the Comet nodes closest to a key, found by a
 * Comet-only get lookup. Stateless: each operation's state lives in its own callbacks.
 */
final class ObjectClient {
    private final NodeId id;
    private final NodeConfig config;
    private final Lookups lookups;
    private final Transactions transactions;
    /** This node's coordinate goes with its comet_get queries, for the replica's {@code caller.coordinates}. */
    private final NodeCoordinates coordinates;

    ObjectClient(NodeId id, NodeConfig config, Lookups lookups, Transactions transactions,
                 NodeCoordinates coordinates) {
        this.id = id;
        this.config = config;
        this.lookups = lookups;
        this.transactions = transactions;
        this.coordinates = coordinates;
    }

    /**
     * Stores an object on the {@code replicas} Comet nodes closest to {@code key} (this node included when it is
     * one of them), for {@code ttlSeconds} (-1: the nodes' default); {@code signature} is its owner's, or null.
     */
    void put(NodeId key, byte[] code, ObjectSignature signature, int replicas, long ttlSeconds,
             Consumer<WriteOutcome> done) {
        if (replicas < 1 || replicas > ObjectConfig.MAX_REPLICAS) {
            throw new CometException(ErrorCode.BAD_INPUT, "replicas must be 1 to " + ObjectConfig.MAX_REPLICAS + ", got " + replicas);
        }
        findReplicas(key, Math.max(config.k(), replicas), found -> {
            List<Contact> targets = found.cometNodes(replicas);
            WriteRound round = new WriteRound(key, targets.size(), done);
            for (Contact c : targets) {
                byte[] token = found.tokens().get(c.id());
                if (token == null) {
                    round.refused(c, CometError.of(ErrorCode.NO_WRITE_TOKEN));
                    continue;
                }
                transactions.send(c.address(), c.id(), "comet_put",
                        CometPut.args(id, key, token, code, null, false, ttlSeconds, replicas, null, signature),
                        round.callback(c));
            }
        });
    }

    /**
     * Runs onGet of the object under {@code key}: on the closest replica that answers ({@code all} false), or on
     * every replica among the closest Comet nodes ({@code all} true), each answer with its node.
     */
    void get(NodeId key, Map<String, byte[]> handlerArgs, boolean all, Consumer<List<ObjectAnswer>> done) {
        get(key, handlerArgs, Map.of(), all, done);
    }

    /**
     * Reads a kept version of a signed object's value, or the list of them, from the closest replica that answers:
     * {@code selector} is {@code ver} (a number), {@code vh} (a SHA-256) or {@code versions} (1, the list).
     */
    void readVersion(NodeId key, Map<String, Object> selector, Consumer<List<ObjectAnswer>> done) {
        get(key, Map.of(), selector, false, done);
    }

    /** Runs onGet on the closest replica that answers, with {@code extra} arguments of comet_get (a freshness bound). */
    void getWith(NodeId key, Map<String, byte[]> handlerArgs, Map<String, Object> extra, Consumer<List<ObjectAnswer>> done) {
        get(key, handlerArgs, extra, false, done);
    }

    /**
     * Runs onGet on the closest replica that answers within a freshness bound: at least version {@code minVersion}
     * (when over 0), known current at most {@code maxAgeSeconds} ago (when at least 0).
     */
    void getFresh(NodeId key, Map<String, byte[]> handlerArgs, long minVersion, long maxAgeSeconds,
                  Consumer<List<ObjectAnswer>> done) {
        Map<String, Object> bound = new java.util.TreeMap<>();
        if (minVersion > 0) {
            bound.put("minver", minVersion);
        }
        if (maxAgeSeconds >= 0) {
            bound.put("maxage", maxAgeSeconds);
        }
        getWith(key, handlerArgs, bound, done);
    }

    private void get(NodeId key, Map<String, byte[]> handlerArgs, Map<String, Object> selector, boolean all,
                     Consumer<List<ObjectAnswer>> done) {
        findReplicas(key, all ? ObjectConfig.MAX_REPLICAS : config.k(), found -> {
            List<Contact> candidates = found.cometNodes(ObjectConfig.MAX_REPLICAS);
            Dict.Builder args = Dict.builder().put("id", id).put("k", key);
            selector.forEach(args::put);
            coordinates.addTo(args);
            if (!handlerArgs.isEmpty()) {
                args.put("a", new TreeMap<String, Object>(handlerArgs));
            }
            Dict query = args.build();
            if (all) {
                askAll(candidates, query, done);
            } else {
                askInTurn(candidates, 0, query, null, done);
            }
        });
    }

    /**
     * Deletes the object under {@code key} from the closest Comet nodes (each runs its onDelete, which may
     * refuse); {@code done} gets the nodes that deleted it and the refusals. {@code request} is the owner's signed
     * request for a signed object, or null.
     */
    void delete(NodeId key, OwnerRequest request, Consumer<WriteOutcome> done) {
        findReplicas(key, ObjectConfig.MAX_REPLICAS, found -> {
            List<Contact> targets = found.cometNodes(ObjectConfig.MAX_REPLICAS);
            Dict.Builder args = Dict.builder().put("id", id).put("k", key);
            if (request != null) {
                // the same signed request goes to every replica: each checks it, and remembers its nonce once
                request.addTo(args);
            }
            Dict query = args.build();
            WriteRound round = new WriteRound(key, targets.size(), done);
            for (Contact c : targets) {
                transactions.send(c.address(), c.id(), "comet_delete", query, new QueryCallback() {
                    @Override
                    public void onResponse(Contact from, KrpcResponse response) {
                        if (response.values().has("deleted")) {
                            round.accepted(c);
                        } else {
                            round.absent();
                        }
                    }

                    @Override
                    public void onError(KrpcError error) {
                        round.refused(c, CometError.ofKrpc(error.code(), error.message()));
                    }

                    @Override
                    public void onFailure() {
                        round.absent();
                    }
                });
            }
        });
    }

    /**
     * Sends a writer's signed update of the signed object under {@code key} to its primary: the closest Comet node
     * that holds it and takes it. A node that does not hold the object, is not the primary (350) or does not answer
     * is passed over for the next; any other error is the outcome.
     */
    void update(NodeId key, OwnerRequest request, Consumer<UpdateOutcome> done) {
        findReplicas(key, ObjectConfig.MAX_REPLICAS, found -> {
            List<Contact> candidates = found.cometNodes(ObjectConfig.MAX_REPLICAS);
            Dict query = request.addTo(Dict.builder().put("id", id).put("k", key)).build();
            updateInTurn(candidates, 0, query, null, done);
        });
    }

    private void updateInTurn(List<Contact> candidates, int index, Dict query, UpdateOutcome firstFailure,
                              Consumer<UpdateOutcome> done) {
        if (index >= candidates.size()) {
            done.accept(firstFailure != null ? firstFailure : UpdateOutcome.failed(null, CometError.of(ErrorCode.NOT_FOUND)));
            return;
        }
        Contact c = candidates.get(index);
        transactions.send(c.address(), c.id(), "comet_update", query, new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                Dict r = response.values();
                if (!r.has("ver")) {
                    updateInTurn(candidates, index + 1, query, firstFailure, done); // it does not hold the object
                    return;
                }
                done.accept(new UpdateOutcome(c, r.integer("ver"), r.optionalBytes("h"), (int) r.optionalInteger("clause", -1),
                        null));
            }

            @Override
            public void onError(KrpcError error) {
                UpdateOutcome failure = UpdateOutcome.failed(c, CometError.ofKrpc(error.code(), error.message()));
                if (error.code() == ErrorCode.NOT_PRIMARY.krpcCode()) {
                    updateInTurn(candidates, index + 1, query, firstFailure != null ? firstFailure : failure, done);
                } else {
                    done.accept(failure);
                }
            }

            @Override
            public void onFailure() {
                updateInTurn(candidates, index + 1, query, firstFailure != null ? firstFailure
                        : UpdateOutcome.failed(c, Transactions.NO_ANSWER), done);
            }
        });
    }

    private void findReplicas(NodeId key, int width, Consumer<ItemLookup> done) {
        lookups.get(key, null, width, true, done);
    }

    /**
     * Asks every candidate at once. The answers are the replicas' values and refusals; when none holds the object
     * and some could not be asked, the first failure is the answer.
     */
    private void askAll(List<Contact> candidates, Dict query, Consumer<List<ObjectAnswer>> done) {
        List<ObjectAnswer> answers = new ArrayList<>();
        ObjectAnswer[] firstFailure = {null};
        Countdown asked = new Countdown(candidates.size(), () -> done.accept(
                answers.isEmpty() && firstFailure[0] != null ? List.of(firstFailure[0]) : List.copyOf(answers)));
        for (Contact c : candidates) {
            askObject(c, query, answer -> {
                if (answer != null && answer.failed()) {
                    firstFailure[0] = firstFailure[0] == null ? answer : firstFailure[0];
                } else if (answer != null) {
                    answers.add(answer);
                }
                asked.countDown();
            });
        }
    }

    /**
     * Asks the candidates one at a time, closest first, until one answers. When none holds the object the answer is
     * empty; when some could not be asked (silent, or too busy: errors below 300), the first such failure is the
     * answer, so a reader can tell "nowhere" from "not reachable now".
     */
    private void askInTurn(List<Contact> candidates, int index, Dict query, ObjectAnswer firstFailure,
                           Consumer<List<ObjectAnswer>> done) {
        if (index >= candidates.size()) {
            done.accept(firstFailure == null ? List.of() : List.of(firstFailure));
            return;
        }
        askObject(candidates.get(index), query, answer -> {
            if (answer != null && !answer.failed()) {
                done.accept(List.of(answer));
            } else {
                askInTurn(candidates, index + 1, query, firstFailure != null ? firstFailure : answer, done);
            }
        });
    }

    /**
     * One comet_get; {@code done} gets the answer, the refusal of its handler (a Comet code: the object is there and
     * said no, so asking the next replica would not help), a failure (no answer, or a BEP 5 error), or null when the
     * node holds no such object.
     */
    private void askObject(Contact c, Dict query, Consumer<ObjectAnswer> done) {
        transactions.send(c.address(), c.id(), "comet_get", query, new QueryCallback() {
            @Override
            public void onResponse(Contact from, KrpcResponse response) {
                done.accept(response.values().has("found")
                        ? new ObjectAnswer(c, response.values().map().get("v"), null) : null);
            }

            @Override
            public void onError(KrpcError error) {
                done.accept(new ObjectAnswer(c, null, CometError.ofKrpc(error.code(), error.message())));
            }

            @Override
            public void onFailure() {
                done.accept(new ObjectAnswer(c, null, Transactions.NO_ANSWER));
            }
        });
    }
}
