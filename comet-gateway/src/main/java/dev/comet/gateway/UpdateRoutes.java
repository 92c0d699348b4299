package dev.comet.gateway;

import dev.comet.ErrorCode;
import dev.comet.client.CometClientException;
import dev.comet.client.NodeOperations;
import dev.comet.client.SignedRequest;
import dev.comet.client.UpdateResult;
import dev.comet.client.VersionResult;
import dev.comet.id.NodeId;
import dev.comet.owned.OwnerRequest;
import dev.comet.owned.UpdateProgram;
import io.javalin.http.Context;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's routes of guarded updates and kept versions of a signed object's value (docs/owned-objects.md,
 * docs/openapi.yaml). An update is signed by the client: its fields travel as the Comet-* headers and its program as
 * hex in the body, and the gateway only rebuilds the request the node checks; it never sees a private key.
 */
final class UpdateRoutes {
    static final String UPDATES = "/v1/signed-objects/{publicKey}/updates";
    static final String VERSIONS = "/v1/signed-objects/{publicKey}/versions";
    static final String VERSION = VERSIONS + "/{number}";
    static final String VERSION_BY_HASH = VERSIONS + "/sha256/{hash}";

    private static final HexFormat HEX = HexFormat.of();

    /** The body of an update: the program's canonical bytes ({@link UpdateProgram#encode}) in hex. */
    record UpdateBody(String program) {
    }

    /** The body of a listing: the kept versions, oldest first, without their values. */
    record VersionList(List<VersionResult> versions) {
    }

    private final NodeOperations operations;

    UpdateRoutes(NodeOperations operations) {
        this.operations = operations;
    }

    /**
     * {@code POST .../updates}: the update the headers sign, with the body's program bytes exactly as sent (the
     * signature covers them, so they are not re-encoded); a malformed program fails here as the node would fail it.
     */
    CompletableFuture<UpdateResult> update(Context ctx) {
        String owner = ctx.pathParam("publicKey");
        String salt = Gateway.saltOnly(ctx);
        NodeId key = NodeOperations.signedKey(owner, salt);
        SignedRequest signed = SignedRequest.fromHeaders(ctx::header);
        if (signed == null) {
            throw new CometClientException(ErrorCode.REQUEST_NOT_SIGNED, "an update needs the signed request headers "
                    + SignedRequest.SIGNER + ", " + SignedRequest.TIME + ", " + SignedRequest.NONCE + " and "
                    + SignedRequest.SIGNATURE + " (the owner's or a writer's)");
        }
        byte[] program = programOf(Gateway.body(ctx, UpdateBody.class));
        UpdateProgram.decode(program);
        OwnerRequest request = signed.toRequest(OwnerRequest.UPDATE, key, program);
        return operations.update(owner, salt, request);
    }

    /** {@code GET .../versions}: the versions the closest replica keeps. */
    CompletableFuture<VersionList> versions(Context ctx) {
        return operations.versions(ctx.pathParam("publicKey"), Gateway.saltOnly(ctx)).thenApply(VersionList::new);
    }

    /** {@code GET .../versions/{number}}: one kept version and its value. */
    CompletableFuture<VersionResult> version(Context ctx) {
        String number = ctx.pathParam("number");
        long n;
        try {
            n = Long.parseLong(number);
        } catch (NumberFormatException e) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "a version number must be a whole number, got '"
                    + number + "'");
        }
        return operations.readVersion(ctx.pathParam("publicKey"), Gateway.saltOnly(ctx), n, null);
    }

    /** {@code GET .../versions/sha256/{hash}}: the kept version whose SHA-256 is {@code hash}. */
    CompletableFuture<VersionResult> versionByHash(Context ctx) {
        return operations.readVersion(ctx.pathParam("publicKey"), Gateway.saltOnly(ctx), null, ctx.pathParam("hash"));
    }

    static byte[] programOf(UpdateBody body) {
        if (body.program() == null || body.program().isEmpty()) {
            throw new CometClientException(ErrorCode.BAD_INPUT,
                    "an update's body needs its program: {\"program\": HEX}");
        }
        try {
            return HEX.parseHex(body.program());
        } catch (IllegalArgumentException e) {
            throw new CometClientException(ErrorCode.BAD_INPUT,
                    "an update's program must be hex digits (an even number of them)");
        }
    }
}
