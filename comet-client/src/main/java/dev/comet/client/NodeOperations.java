package dev.comet.client;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.aso.ObjectReport;
import dev.comet.bencode.Bencode;
import dev.comet.core.Node;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.owned.ObjectSignature;
import dev.comet.owned.OwnerRequest;
import dev.comet.aso.HandlerLimits;
import dev.comet.routing.Contact;
import dev.comet.routing.ContactEntry;
import dev.comet.routing.RoutingTable;
import dev.comet.runtime.UdpNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Carries out client operations (object put, get and delete, item put and get, status) on a {@link UdpNode}: the
 * one path the gateway, the embedded client and the CLI share. Turns keys, specs and args into node calls and the node's answers into plain result records, and every failure into
 * a {@link CometClientException}. Futures fail with that exception (possibly wrapped in a CompletionException;
 * {@link #failure} unwraps it). Stateless apart from the node it wraps, which it does not own.
 */
public final class NodeOperations {
    private static final Logger LOG = LoggerFactory.getLogger(NodeOperations.class);
    private static final HexFormat HEX = HexFormat.of();
    /** Longest key accepted, in UTF-8 bytes (keys are hashed, but must fit in a URL and a log line). */
    public static final int MAX_KEY_BYTES = 1024;
    /** Room a comet_put needs besides the code: ids, key, token, ttl, a signed object's pk, salt, seq and sig (about 200 bytes), and the KRPC envelope. */
    private static final int DATAGRAM_OVERHEAD = 512;

    private final UdpNode node;
    private final Duration timeout;
    private final long startedAtMillis = System.currentTimeMillis();

    /** Operations on {@code node}; every operation fails with {@link ErrorCode#TIMEOUT} after {@code timeout}. */
    public NodeOperations(UdpNode node, Duration timeout) {
        this.node = node;
        this.timeout = timeout;
    }

    public UdpNode node() {
        return node;
    }

    /** Stores an object; fails when no replica took it, with the kind of the first refusal. */
    public CompletableFuture<WriteResult> put(String key, ObjectSpec spec) {
        NodeId k = keyId(key);
        spec.validate();
        byte[] source = ObjectSource.of(spec);
        checkFits(source);
        return timed(node.putObject(k, source, spec.replicaCount(), spec.ttl()), "the put")
                .thenApply(put -> requireStored(key, put, "stored the object"));
    }

    /**
     * Runs onGet on the closest replica or on all; fails with NOT_FOUND when no replica holds the key or, when every
     * answer is an error, with the most telling one (a replica's own refusal or limit before a replica that could
     * not be asked).
     */
    public CompletableFuture<GetResult> get(String key, Map<String, String> args, boolean all) {
        return get(key, keyId(key), args, all);
    }

    /**
     * Stores a signed object, signed by its owner's client ({@code spec}), under the key its public key and salt name;
     * checked here first as every node checks it. Fails when no replica took it, with the kind of the first refusal
     * (a stored newer version: 340; another owner's object: 342).
     */
    public CompletableFuture<WriteResult> putSigned(SignedObjectSpec spec) {
        ObjectSignature signature = spec.toSignature();
        byte[] code = spec.codeBytes();
        checkFits(code);
        String label = label(signature.publicKey(), spec.salt());
        return timed(node.putSignedObject(code, signature, spec.replicaCount(), spec.ttl()), "the put")
                .thenApply(put -> requireStored(label, put, "stored the object"));
    }

    /** {@link #get} of the signed object that {@code publicKeyHex} owns under {@code salt} (null: none). */
    public CompletableFuture<GetResult> getSigned(String publicKeyHex, String salt, Map<String, String> args, boolean all) {
        NodeId k = signedKey(publicKeyHex, salt);
        return get(label(SignedObjectSpec.publicKeyOf(publicKeyHex), salt), k, args, all);
    }

    /** How a signed object is named in results and messages: its public key in hex, a slash and its salt. */
    private static String label(byte[] publicKey, String salt) {
        return HEX.formatHex(publicKey) + "/" + (salt == null ? "" : salt);
    }

    /**
     * {@link #getSigned} from the closest replica that can answer within a freshness bound: at least version
     * {@code minVersion} of the value (0: any), known current at most {@code maxAgeSeconds} ago (null: any);
     * {@link ErrorCode#NOT_FRESH} when no replica can.
     */
    public CompletableFuture<GetResult> getSignedFresh(String publicKeyHex, String salt, Map<String, String> args,
                                                       long minVersion, Long maxAgeSeconds) {
        if (minVersion < 0 || maxAgeSeconds != null && maxAgeSeconds < 0) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "a minimum version and a maximum age must not be negative");
        }
        NodeId k = signedKey(publicKeyHex, salt);
        String label = label(SignedObjectSpec.publicKeyOf(publicKeyHex), salt);
        return answered(label, k, node.getFresh(k, handlerArgs(args), minVersion,
                maxAgeSeconds == null ? -1 : maxAgeSeconds));
    }

    private static Map<String, byte[]> handlerArgs(Map<String, String> args) {
        Map<String, byte[]> handlerArgs = new TreeMap<>();
        args.forEach((name, v) -> handlerArgs.put(name, v.getBytes(StandardCharsets.UTF_8)));
        return handlerArgs;
    }

    private CompletableFuture<GetResult> get(String key, NodeId k, Map<String, String> args, boolean all) {
        return answered(key, k, node.getObject(k, handlerArgs(args), all));
    }

    private CompletableFuture<GetResult> answered(String key, NodeId k, CompletableFuture<List<ObjectAnswer>> asked) {
        return timed(asked, "the get").thenApply(found -> {
            if (found.isEmpty()) {
                throw new CometClientException(ErrorCode.NOT_FOUND, "no replica of '" + key + "' answered (target " + k.toHex() + ")");
            }
            List<Answer> answers = new ArrayList<>();
            for (ObjectAnswer a : found) {
                answers.add(new Answer(address(a.replica()), BencodeToJson.convert(a.value()),
                        a.error() == null ? null : a.error().toString()));
            }
            if (found.stream().allMatch(a -> a.error() != null)) {
                CometError error = mostTelling(found.stream().map(ObjectAnswer::error).toList());
                throw new CometClientException(new CometError(error.code(), "'" + key + "': " + error));
            }
            return new GetResult(key, k.toHex(), answers);
        });
    }

    /** Fails when {@code source} cannot be stored: over the code limit, or too large for one comet_put message. */
    private void checkFits(byte[] source) {
        int codeLimit = HandlerLimits.defaults().codeBytes();
        int most = Math.min(codeLimit, node.config().maxDatagramBytes() - DATAGRAM_OVERHEAD);
        if (source.length > most) {
            // a comet_put carries the code in one message (sent in fragments, but bounded by maxDatagramBytes): a larger
            // one would be dropped by the receiver, and the client would see "no answer"
            throw new CometClientException(source.length > codeLimit ? ErrorCode.CODE_SIZE_LIMIT : ErrorCode.REQUEST_TOO_LARGE,
                    "the object's code and value are " + source.length + " bytes; at most " + most + " fit");
        }
    }

    /** Deletes an object; NOT_FOUND when no replica held it, the refusal's kind when every holder refused. */
    public CompletableFuture<WriteResult> delete(String key) {
        NodeId k = keyId(key);
        return deleted(key, k, timed(node.deleteObject(k), "the delete"));
    }

    /**
     * Deletes the signed object {@code publicKeyHex} owns under {@code salt} with {@code request}, a delete request its
     * owner signed on the client ({@link SignedRequest#sign}); null sends an unsigned delete, which the replicas of a
     * signed object refuse (346). Every replica checks the request.
     */
    public CompletableFuture<WriteResult> deleteSigned(String publicKeyHex, String salt, SignedRequest request) {
        NodeId k = signedKey(publicKeyHex, salt);
        String label = label(SignedObjectSpec.publicKeyOf(publicKeyHex), salt);
        CompletableFuture<WriteOutcome> sent = request == null ? node.deleteObject(k)
                : node.deleteObject(k, request.toRequest(OwnerRequest.DELETE, k));
        return deleted(label, k, timed(sent, "the delete"));
    }

    /**
     * Sends a writer's signed guarded update ({@code request}: an update request, signed by the owner or a writer,
     * whose body is the update program) of the signed object {@code publicKeyHex} owns under {@code salt}.
     */
    public CompletableFuture<UpdateResult> update(String publicKeyHex, String salt, OwnerRequest request) {
        NodeId k = signedKey(publicKeyHex, salt);
        String label = label(SignedObjectSpec.publicKeyOf(publicKeyHex), salt);
        return timed(node.updateObject(k, request), "the update").thenApply(o -> {
            if (o.error() != null) {
                throw new CometClientException(o.error());
            }
            return new UpdateResult(label, k.toHex(), o.version(), o.hash() == null ? "" : HEX.formatHex(o.hash()),
                    o.clause() + 1, o.applied(), address(o.primary()));
        });
    }

    /**
     * Reads a kept version of the signed object's value: number {@code number}, or the one whose SHA-256 is
     * {@code hashHex}; {@link ErrorCode#VERSION_GONE} when the replicas no longer keep it.
     */
    public CompletableFuture<VersionResult> readVersion(String publicKeyHex, String salt, Long number, String hashHex) {
        if ((number == null) == (hashHex == null)) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "give a version's number or its hash, not both");
        }
        byte[] hash = hashHex == null ? null : ItemSpec.hex("version hash", hashHex, 32);
        return readVersions(publicKeyHex, salt, number, hash).thenApply(a -> {
            List<?> v = (List<?>) a.value();
            byte[] value = (byte[]) v.get(2);
            return new VersionResult((Long) v.get(0), HEX.formatHex((byte[]) v.get(1)), value.length,
                    new String(value, StandardCharsets.UTF_8));
        });
    }

    /** The versions of the signed object's value its closest replica keeps, oldest first. */
    public CompletableFuture<List<VersionResult>> versions(String publicKeyHex, String salt) {
        return readVersions(publicKeyHex, salt, null, null).thenApply(a -> {
            List<VersionResult> out = new ArrayList<>();
            for (Object entry : (List<?>) a.value()) {
                List<?> e = (List<?>) entry;
                out.add(new VersionResult((Long) e.get(0), HEX.formatHex((byte[]) e.get(1)), (Long) e.get(2), null));
            }
            return out;
        });
    }

    private CompletableFuture<ObjectAnswer> readVersions(String publicKeyHex, String salt, Long number, byte[] hash) {
        NodeId k = signedKey(publicKeyHex, salt);
        String label = label(SignedObjectSpec.publicKeyOf(publicKeyHex), salt);
        return timed(node.readVersion(k, number, hash), "the read").thenApply(found -> {
            if (found.isEmpty()) {
                throw new CometClientException(ErrorCode.NOT_FOUND, "no replica of '" + label + "' answered (target "
                        + k.toHex() + ")");
            }
            ObjectAnswer a = found.get(0);
            if (a.error() != null) {
                throw new CometClientException(a.error());
            }
            return a;
        });
    }

    private CompletableFuture<WriteResult> deleted(String key, NodeId k, CompletableFuture<WriteOutcome> delete) {
        return delete.thenApply(deleted -> {
            if (deleted.accepted().isEmpty() && deleted.refused().isEmpty()) {
                throw new CometClientException(ErrorCode.NOT_FOUND, "no replica holds '" + key + "' (target " + k.toHex() + ")");
            }
            return requireStored(key, deleted, "deleted the object");
        });
    }

    /** The key of the signed object {@code publicKeyHex} owns under {@code salt}: SHA-1(public key ‖ salt). */
    public static NodeId signedKey(String publicKeyHex, String salt) {
        byte[] publicKey = SignedObjectSpec.publicKeyOf(publicKeyHex);
        byte[] saltBytes = SignedObjectSpec.saltBytes(salt);
        if (saltBytes.length > Item.MAX_SALT_BYTES) {
            throw new CometClientException(ErrorCode.SALT_TOO_BIG, "a salt is at most " + Item.MAX_SALT_BYTES + " bytes");
        }
        return Item.mutableTarget(publicKey, saltBytes);
    }

    /** Stores a BEP 44 item on the K closest nodes. */
    public CompletableFuture<WriteResult> putItem(ItemSpec spec) {
        Item item = spec.toItem();
        return timed(node.putItem(item, spec.ttl()), "the item put")
                .thenApply(put -> requireStored(null, put, "stored the item"));
    }

    /** Fetches and verifies the item under {@code targetHex}. */
    public CompletableFuture<ItemResult> getItem(String targetHex, String salt) {
        NodeId target = NodeId.fromBytes(ItemSpec.hex("target", targetHex, NodeId.BYTES));
        byte[] saltBytes = salt == null ? new byte[0] : salt.getBytes(StandardCharsets.UTF_8);
        return findItem(target, saltBytes).thenApply(item -> {
            String text = textOf(item);
            return item.isMutable() ? new ItemResult(target.toHex(), text, item.seq(), HEX.formatHex(item.publicKey()))
                    : new ItemResult(target.toHex(), text, null, null);
        });
    }

    /** The verified item under {@code target} (a mutable one's {@code salt} may be empty); NOT_FOUND when no node has it. */
    public CompletableFuture<Item> findItem(NodeId target, byte[] salt) {
        return timed(node.getItem(target, salt), "the item get").thenApply(found -> found.item().orElseThrow(
                () -> new CometClientException(ErrorCode.NOT_FOUND, "no item found for target " + target.toHex()
                        + " (asked " + found.lookup().closest().size() + " nodes)")));
    }

    /** The seq the next version of a mutable item must carry: the highest found in the DHT + 1, or 1 for a new one. */
    public CompletableFuture<Long> nextSeq(byte[] publicKey, byte[] salt) {
        return timed(node.getItem(Item.mutableTarget(publicKey, salt), salt), "the lookup of the current seq")
                .thenApply(found -> found.item().map(i -> i.seq() + 1).orElse(1L));
    }

    /** An item's value as text: a string value as UTF-8, another bencoded value as its bencoding read as ISO-8859-1. */
    public static String textOf(Item item) {
        Object value = Bencode.decode(item.value());
        return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
                : new String(item.value(), StandardCharsets.ISO_8859_1);
    }

    /** This node: id, address, uptime, routing table and store. */
    public CompletableFuture<NodeStatus> status() {
        CompletableFuture<NodeStatus.Routing> routing = node.call(n -> {
            RoutingTable table = n.routingTable();
            int comet = 0;
            for (int i = 0; i < table.bucketCount(); i++) {
                for (ContactEntry e : table.bucket(i)) {
                    comet += e.speaksComet() ? 1 : 0;
                }
            }
            return new NodeStatus.Routing(table.size(), comet, table.bucketCount());
        });
        return timed(routing.thenCombine(node.storeUsage(), (r, u) -> new NodeStatus(node.id().toHex(),
                address(node.address()), (System.currentTimeMillis() - startedAtMillis) / 1000, r,
                new NodeStatus.Storage(u.records(), u.bytes(), u.maxRecords(), u.maxBytes()))), "the status");
    }

    /**
     * This node's own replica of {@code key} as its runtime holds it (its state, its log), shown only to the node's
     * operator ({@code adminToken}) or, for a signed object, to its owner ({@code request}, a state request signed on
     * the client); the node checks which (see {@code Node.admitStateRead}). NOT_FOUND when it holds none loaded.
     */
    public CompletableFuture<ObjectReport> report(String key, String adminToken, SignedRequest request) {
        return report(key, keyId(key), adminToken, request);
    }

    /** {@link #report(String, String, SignedRequest)} of the signed object {@code publicKeyHex} owns under {@code salt}. */
    public CompletableFuture<ObjectReport> reportSigned(String publicKeyHex, String salt, String adminToken,
                                                        SignedRequest request) {
        NodeId k = signedKey(publicKeyHex, salt);
        return report(label(SignedObjectSpec.publicKeyOf(publicKeyHex), salt), k, adminToken, request);
    }

    private CompletableFuture<ObjectReport> report(String key, NodeId k, String adminToken, SignedRequest request) {
        OwnerRequest owners = request == null ? null : request.toRequest(OwnerRequest.STATE, k);
        // the node decides, on its thread and with its clock and replay cache, before any state leaves it
        return timed(node.admitStateRead(k, adminToken, owners).thenCompose(admitted -> node.asoRuntime().report(k)),
                "the report").thenApply((Optional<ObjectReport> r) -> r.orElseThrow(
                () -> new CometClientException(ErrorCode.NOT_FOUND, "this node holds no loaded replica of '" + key + "'")));
    }

    /** Everything the node counts, in one snapshot taken on its thread. */
    public CompletableFuture<NodeCounters> counters() {
        return timed(node.call(n -> new Counted(n.stats(), n.queriesByMethod(), n.lookupHops()))
                .thenCombine(node.storeUsage(), (c, usage) -> new NodeCounters(c.stats(), c.byMethod(), c.hops(), usage,
                        node.asoRuntime().stats())), "the counters");
    }

    /** The part of {@link NodeCounters} read on the node's thread. */
    private record Counted(dev.comet.core.NodeStats stats, Map<String, Long> byMethod, long hops) {
    }

    /**
     * Waits for an operation of this class (each is bounded by its timeout) and returns its result, or throws its
     * failure as a {@link CometClientException}.
     */
    public static <T> T await(CompletableFuture<T> operation) {
        try {
            return operation.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CometClientException(ErrorCode.TIMEOUT, "interrupted while waiting for the node");
        } catch (ExecutionException e) {
            throw failure(e);
        }
    }

    /**
     * The {@link CometClientException} behind a failed operation: its own, a {@link CometException}'s error, a
     * timeout as TIMEOUT, and anything else (a bug) as INTERNAL with no detail for the client (logged here).
     */
    public static CometClientException failure(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CometClientException e) {
            return e;
        }
        if (cause instanceof CometException e) {
            return CometClientException.of(e);
        }
        if (cause instanceof TimeoutException) {
            return new CometClientException(ErrorCode.TIMEOUT, "the operation did not finish in time");
        }
        LOG.error("internal error", cause);
        return new CometClientException(ErrorCode.INTERNAL, "internal error");
    }

    /** The key's id, SHA-1 of its UTF-8 bytes; BAD_INPUT for an empty key, REQUEST_TOO_LARGE for a huge one. */
    public static NodeId keyId(String key) {
        if (key == null || key.isEmpty()) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "the key must not be empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new CometClientException(ErrorCode.REQUEST_TOO_LARGE, "a key is at most " + MAX_KEY_BYTES + " bytes");
        }
        return NodeId.ofKey(key);
    }

    private <T> CompletableFuture<T> timed(CompletableFuture<T> f, String what) {
        return f.orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).exceptionally(t -> {
            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            if (cause instanceof TimeoutException) {
                throw new CometClientException(ErrorCode.TIMEOUT, what + " did not finish within " + timeout.toSeconds() + " s");
            }
            throw failure(cause);
        });
    }

    private static WriteResult write(String key, WriteOutcome put) {
        List<String> stored = new ArrayList<>();
        put.accepted().forEach(c -> stored.add(address(c)));
        Map<String, String> refused = new TreeMap<>();
        put.refused().forEach((c, why) -> refused.put(address(c), why.toString()));
        return new WriteResult(key, put.target().toHex(), stored, refused);
    }

    /** Where the write went, when some node took it; otherwise the failure of the most telling refusal. */
    private static WriteResult requireStored(String key, WriteOutcome outcome, String what) {
        WriteResult result = write(key, outcome);
        if (!outcome.accepted().isEmpty()) {
            return result;
        }
        String subject = key == null ? "target " + result.target() : "'" + key + "'";
        if (outcome.refused().isEmpty()) {
            throw new CometClientException(ErrorCode.NO_ANSWER, "no node was reached for " + subject);
        }
        // the lowest address first, so the same refusals give the same error
        Map<String, CometError> byAddress = new TreeMap<>();
        outcome.refused().forEach((c, why) -> byAddress.put(address(c), why));
        CometError why = mostTelling(List.copyOf(byAddress.values()));
        throw new CometClientException(new CometError(why.code(), "no node " + what + " for " + subject + ": " + why));
    }

    /** A node's own refusal, limit or full store says more than a node that could not be asked: the first such, else the first. */
    private static CometError mostTelling(List<CometError> errors) {
        return errors.stream().filter(e -> e.kind() != ErrorCode.Kind.UNAVAILABLE).findFirst().orElse(errors.get(0));
    }

    static String address(Contact c) {
        return address(c.address());
    }

    private static String address(java.net.InetSocketAddress a) {
        return Contact.hostPort(a);
    }

}
