package dev.comet.owned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.krpc.Dict;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** An owner's request: its signed bytes, its wire fields, and that its signature serves one operation, object and time. */
class OwnerRequestTest {
    private static final Ed25519.RawKeyPair KEYS = Ed25519.fromSeed(new byte[32]);
    private static final NodeId KEY = NodeId.ofKey("object");
    private static final byte[] NONCE = "16-byte-nonce-..".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theSignedBytesAreACanonicalDictionaryOfTypeCometRequest() {
        String bytes = new String(OwnerRequest.signable("delete", KEY, KEYS.publicKey(), 1234, NONCE), StandardCharsets.ISO_8859_1);

        assertThat(bytes).startsWith("d3:key20:").contains("5:nonce16:16-byte-nonce-..2:op6:delete2:pk32:")
                .endsWith("1:ti1234e4:type13:comet requeste");
    }

    @Test
    void itTravelsAsPkTNonceAndSigAndVerifiesOnlyAsWhatWasSigned() {
        OwnerRequest r = OwnerRequest.sign(KEYS, OwnerRequest.DELETE, KEY, 1234, NONCE);
        Dict fields = r.addTo(Dict.builder()).build();

        OwnerRequest back = OwnerRequest.from(fields, OwnerRequest.DELETE, KEY);
        assertThat(back).isEqualTo(r);
        back.verifySignature();
        assertThatThrownBy(() -> OwnerRequest.from(fields, OwnerRequest.STATE, KEY).verifySignature())
                .isInstanceOf(CometException.class).hasMessageContaining("invalid signature");
        assertThatThrownBy(() -> OwnerRequest.from(fields, OwnerRequest.DELETE, NodeId.ofKey("other")).verifySignature())
                .isInstanceOf(CometException.class);
        assertThat(OwnerRequest.from(Dict.builder().build(), OwnerRequest.DELETE, KEY)).isNull();
    }

    @Test
    void anObjectVersionsSignatureIsNeverARequestsSignature() {
        byte[] version = ObjectSignature.signable(new byte[0], 1, new byte[0]);
        byte[] request = OwnerRequest.signable(OwnerRequest.DELETE, KEY, KEYS.publicKey(), 1, NONCE);

        assertThat(Arrays.equals(version, request)).isFalse();
        assertThat(new String(request, StandardCharsets.ISO_8859_1)).doesNotContain("comet object");
    }
}
