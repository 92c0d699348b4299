package dev.comet.client;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.owned.OwnerRequest;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * An owner's signed request as a client carries it to a gateway (docs/owned-objects.md): the signer's public key, the
 * time in milliseconds since the epoch, the nonce and the signature, in hex, as the HTTP headers {@value #SIGNER},
 * {@value #TIME}, {@value #NONCE} and {@value #SIGNATURE}. The operation and the object are the route's, so the same
 * fields signed for another operation or object do not verify. Signed on the client; the private key never travels.
 */
public record SignedRequest(String signer, long time, String nonce, String signature) {
    public static final String SIGNER = "Comet-Signer";
    public static final String TIME = "Comet-Time";
    public static final String NONCE = "Comet-Nonce";
    public static final String SIGNATURE = "Comet-Signature";
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 16;

    /** {@code operation} on the object under {@code key}, signed with {@code keys} now, with a fresh random nonce. */
    public static SignedRequest sign(Ed25519.RawKeyPair keys, String operation, NodeId key) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        OwnerRequest r = OwnerRequest.sign(keys, operation, key, System.currentTimeMillis(), nonce);
        return new SignedRequest(HEX.formatHex(r.signer()), r.timeMillis(), HEX.formatHex(nonce), HEX.formatHex(r.signature()));
    }

    /**
     * A guarded update of the object under {@code key}, signed here by {@code keys} (its owner or a writer) now, with
     * a fresh nonce: the program travels in the request, which the object's primary checks and orders.
     */
    public static OwnerRequest update(Ed25519.RawKeyPair keys, NodeId key, dev.comet.owned.UpdateProgram program) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return OwnerRequest.sign(keys, OwnerRequest.UPDATE, key, System.currentTimeMillis(), nonce, program.encode());
    }

    /** The headers' fields of a request signed here, e.g. an {@link #update}, to carry it to a gateway. */
    public static SignedRequest of(OwnerRequest request) {
        return new SignedRequest(HEX.formatHex(request.signer()), request.timeMillis(), HEX.formatHex(request.nonce()),
                HEX.formatHex(request.signature()));
    }

    /** This request as the node checks it: for {@code operation} on {@code key}; bad fields are BAD_INPUT. */
    public OwnerRequest toRequest(String operation, NodeId key) {
        return toRequest(operation, key, null);
    }

    /**
     * As {@link #toRequest(String, NodeId)} for a request with a body (an update's program bytes, exactly as the
     * client signed them: the signature covers them).
     */
    public OwnerRequest toRequest(String operation, NodeId key, byte[] body) {
        try {
            return new OwnerRequest(operation, key, ItemSpec.hex(SIGNER, signer, Ed25519.PUBLIC_KEY_BYTES), time,
                    hexOf(NONCE, nonce), ItemSpec.hex(SIGNATURE, signature, Ed25519.SIGNATURE_BYTES), body);
        } catch (CometException e) {
            throw new CometClientException(ErrorCode.BAD_INPUT, e.error().message());
        }
    }

    /** The request's headers, as {@link #fromHeaders} reads them. */
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(SIGNER, signer);
        h.put(TIME, Long.toString(time));
        h.put(NONCE, nonce);
        h.put(SIGNATURE, signature);
        return h;
    }

    /** The request the headers carry ({@code header} reads one, null when absent); null when none of them is there. */
    public static SignedRequest fromHeaders(Function<String, String> header) {
        String signer = header.apply(SIGNER);
        String time = header.apply(TIME);
        String nonce = header.apply(NONCE);
        String signature = header.apply(SIGNATURE);
        if (signer == null && time == null && nonce == null && signature == null) {
            return null;
        }
        if (signer == null || time == null || nonce == null || signature == null) {
            throw new CometClientException(ErrorCode.BAD_INPUT, "a signed request needs the headers " + SIGNER + ", "
                    + TIME + ", " + NONCE + " and " + SIGNATURE);
        }
        try {
            return new SignedRequest(signer, Long.parseLong(time.strip()), nonce, signature);
        } catch (NumberFormatException e) {
            throw new CometClientException(ErrorCode.BAD_INPUT, TIME + " must be milliseconds since the epoch, got '" + time + "'");
        }
    }

    private static byte[] hexOf(String name, String hex) {
        try {
            return HEX.parseHex(hex == null ? "" : hex);
        } catch (IllegalArgumentException e) {
            throw new CometClientException(ErrorCode.BAD_INPUT, name + " must be hex digits");
        }
    }
}
