package dev.comet.core;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectStorage.StoredObject;
import dev.comet.owned.AccessConfig;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.ReplayCache;

/**
 * The node's check of an owner's signed request (docs/owned-objects.md) before a signed object is deleted or its state
 * shown: signed at all, by the owner, inside the window of the node's clock, validly, and not seen before. Runs on the
 * node's thread with the {@link Environment}'s clock, so the simulator runs it as real nodes do. Owns the
 * {@link ReplayCache} of the requests accepted within the window.
 */
final class OwnerRequests {
    private final Environment env;
    private final AccessConfig settings;
    private final ReplayCache seen;

    OwnerRequests(Environment env, AccessConfig settings) {
        this.env = env;
        this.settings = settings;
        this.seen = new ReplayCache(settings.maxRememberedRequests());
    }

    /**
     * Throws the refusal unless {@code request} lets its signer do its operation on the signed object {@code held}: none
     * (346), signed by a key that is neither the owner's nor a writer's (345), a time outside the window (344), a signature that does not
     * verify (206), a (signer, nonce) pair already accepted (343), or a full replay cache (347). The cheap checks come
     * first, and the nonce is remembered only once the signature holds, so forged requests cannot fill the cache.
     */
    void admit(StoredObject held, OwnerRequest request) {
        if (request == null) {
            throw new CometException(ErrorCode.REQUEST_NOT_SIGNED, "the object under this key is signed by its owner: "
                    + "a delete or a state read must be a request its owner signed");
        }
        if (!held.signed()) {
            throw new CometException(ErrorCode.REQUEST_NOT_OWNERS, "the object under this key has no owner: its state "
                    + "is shown to the node's operator only");
        }
        // the owner, or a writer the owner's signed version names: the request names its signer for that reason
        if (!held.signature().mayWrite(request.signer())) {
            throw new CometException(ErrorCode.REQUEST_NOT_OWNERS, "the request is signed by a key that is neither the "
                    + "owner of the object under this key nor a writer its owner named");
        }
        long now = env.now();
        long window = settings.requestWindowMillis();
        if (Math.abs(now - request.timeMillis()) > window) {
            throw new CometException(ErrorCode.REQUEST_OUTSIDE_WINDOW, "the request's time is " + (now - request.timeMillis())
                    + " ms from this node's clock; at most " + window + " ms is accepted");
        }
        request.verifySignature();
        switch (seen.remember(request.signer(), request.nonce(), request.timeMillis() + window, now)) {
            case REPLAYED -> throw new CometException(ErrorCode.REQUEST_REPLAYED, "this request (its key and nonce) was "
                    + "already received; sign a new one");
            case FULL -> throw new CometException(ErrorCode.REQUESTS_FULL, "this node remembers "
                    + settings.maxRememberedRequests() + " recent requests, its maximum; try again shortly");
            case REMEMBERED -> { }
        }
    }

    /**
     * Throws the refusal unless the state and log of this node's replica of {@code key} ({@code held}) may be shown
     * to the caller: the operator, with the node's admin token, or the owner of a signed object, with a state request
     * it signed (Node#admitStateRead).
     */
    void admitStateRead(java.util.Optional<StoredObject> held, dev.comet.id.NodeId key, String adminToken,
                        OwnerRequest request) {
        if (adminToken != null) {
            if (!settings.operator(adminToken)) {
                throw new CometException(ErrorCode.OPERATOR_ONLY, "the admin token is not this node's (or it has none)");
            }
            return;
        }
        if (request != null && (!request.operation().equals(OwnerRequest.STATE) || !request.key().equals(key))) {
            throw new CometException(ErrorCode.BAD_INPUT, "a state read needs a state request for the same key");
        }
        StoredObject object = held.orElseThrow(() -> new CometException(ErrorCode.NOT_FOUND,
                "this node holds no replica of " + key.toHex()));
        if (!object.signed() && request == null) {
            throw new CometException(ErrorCode.OPERATOR_ONLY, "an unsigned object's state is shown only to the node's "
                    + "operator, with its admin token");
        }
        admit(object, request);
    }
}
