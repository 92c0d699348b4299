package dev.comet.client;

import dev.comet.aso.ObjectReport;
import dev.comet.items.Ed25519;
import dev.comet.owned.UpdateProgram;

import java.util.List;
import java.util.Map;

/**
 * The small Java API of Comet: store an active object under a key, read it through its {@code onGet}, delete it,
 * update a signed object's value with guarded edits and read its kept versions, and store and fetch BEP 44 items.
 * Two implementations pass the same contract tests: {@link EmbeddedCometClient} (a node in this JVM) and
 * {@link HttpCometClient} (a node's HTTP gateway). Every method blocks until the operation is done and throws
 * {@link CometClientException} when it fails: its {@code code()} is the catalogue entry (docs/errors.md), its
 * {@code error()} that entry's kind ({@link ApiError}).
 */
public interface CometClient extends AutoCloseable {
    /** Stores {@code spec} on the replicas closest to SHA-1(key); fails when none stored it. */
    WriteResult put(String key, ObjectSpec spec);

    /**
     * Runs {@code onGet(caller, args)} on the closest replica that answers ({@code all} false), or on every
     * replica ({@code all} true); {@link ApiError#NOT_FOUND} when none holds the key, {@link ApiError#REFUSED}
     * or {@link ApiError#LIMIT} when every answer is a handler's refusal or a limit it hit.
     */
    GetResult get(String key, Map<String, String> args, boolean all);

    /** {@link #get(String, Map, boolean)} without arguments, from the closest replica. */
    default GetResult get(String key) {
        return get(key, Map.of(), false);
    }

    /** Deletes the key from its replicas (each runs {@code onDelete}, which may refuse). */
    WriteResult delete(String key);

    /**
     * Stores a signed object (docs/owned-objects.md), signed on this side with {@link SignedObjectSpec#signed}, under
     * SHA-1(public key ‖ salt); every replica checks the signature and keeps only a higher seq of the same owner.
     */
    WriteResult putSigned(SignedObjectSpec spec);

    /**
     * {@link #get(String, Map, boolean)} of the signed object {@code publicKeyHex} (64 hex digits) owns under
     * {@code salt} (null: none).
     */
    GetResult getSigned(String publicKeyHex, String salt, Map<String, String> args, boolean all);

    /**
     * {@link #getSigned} from the closest replica that can answer within a freshness bound: at least version
     * {@code minVersion} of the value (0: any), known current at most {@code maxAgeSeconds} ago (null: any); fails
     * with {@link ApiError#UNAVAILABLE} (code 353, {@code NOT_FRESH}) when no replica can.
     */
    GetResult getSignedFresh(String publicKeyHex, String salt, Map<String, String> args, long minVersion,
                             Long maxAgeSeconds);

    /**
     * Deletes the signed object {@code owner} owns under {@code salt} from its replicas with a delete request signed
     * here ({@link SignedRequest#sign}: now, a fresh nonce); every replica checks it, then runs {@code onDelete}.
     */
    default WriteResult deleteSigned(Ed25519.RawKeyPair owner, String salt) {
        return deleteSigned(owner, java.util.HexFormat.of().formatHex(owner.publicKey()), salt);
    }

    /**
     * Deletes the signed object the key {@code ownerPublicKeyHex} owns under {@code salt}, with a request signed here
     * by {@code signer}: its owner, or a writer its owner named.
     */
    WriteResult deleteSigned(Ed25519.RawKeyPair signer, String ownerPublicKeyHex, String salt);

    /**
     * The state and log of the node's own replica of the signed object {@code owner} owns under {@code salt}, shown
     * for a state request signed here; {@link ApiError#FORBIDDEN} for anyone else.
     */
    default ObjectReport state(Ed25519.RawKeyPair owner, String salt) {
        return state(owner, java.util.HexFormat.of().formatHex(owner.publicKey()), salt);
    }

    /**
     * The state and log of the node's own replica of the signed object the key {@code ownerPublicKeyHex} owns under
     * {@code salt}, for a state request signed here by {@code signer}: its owner, or a writer its owner named.
     */
    ObjectReport state(Ed25519.RawKeyPair signer, String ownerPublicKeyHex, String salt);

    /**
     * The state and log of the node's own replica of the object under SHA-1(key), for the node's operator:
     * {@code adminToken} is the node's {@code access.adminToken}; {@link ApiError#FORBIDDEN} when it is not.
     */
    ObjectReport state(String key, String adminToken);

    /**
     * A guarded update of the value of the signed object the key {@code ownerPublicKeyHex} owns under {@code salt},
     * signed here by {@code signer} (its owner, or a writer its owner named; the private key never leaves this side):
     * the object's primary applies the first clause of {@code program} whose guards hold and answers once a majority
     * of its replicas hold the new version. A program whose guards all fail is not an error: the result says
     * {@code applied} false, clause 0, and the version held. {@link ApiError#FORBIDDEN} for a stranger's signature.
     */
    UpdateResult update(Ed25519.RawKeyPair signer, String ownerPublicKeyHex, String salt, UpdateProgram program);

    /**
     * Version {@code number} of the value of the signed object {@code ownerPublicKeyHex} owns under {@code salt}, as
     * its closest replica keeps it; {@link ApiError#NOT_FOUND} (351) when it is not kept any more or never existed.
     */
    VersionResult version(String ownerPublicKeyHex, String salt, long number);

    /** As {@link #version}, the kept version whose SHA-256 is {@code sha256Hex} (64 hex digits). */
    VersionResult versionByHash(String ownerPublicKeyHex, String salt, String sha256Hex);

    /** The versions of the signed object's value its closest replica keeps, oldest first, without their values. */
    List<VersionResult> versions(String ownerPublicKeyHex, String salt);

    /** Stores a BEP 44 item on the K closest nodes to its target. */
    WriteResult putItem(ItemSpec item);

    /** Fetches the item under {@code targetHex} (40 hex digits); {@code salt} for a salted mutable item, else null. */
    ItemResult getItem(String targetHex, String salt);

    /** Releases what the client holds (its node, or its HTTP connections). */
    @Override
    void close();
}
