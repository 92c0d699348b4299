package dev.comet.owned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The signed bytes of an object version and what {@link ObjectSignature#verify} refuses. */
class ObjectSignatureTest {
    private static final Ed25519.RawKeyPair OWNER = Ed25519.fromSeed(filled(7));
    private static final byte[] CODE = "aso.value = 'hi'".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SALT = "s".getBytes(StandardCharsets.UTF_8);

    private static byte[] filled(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return bytes;
    }

    @Test
    void theSignedBytesAreTheCanonicalBencodingOfCodeSaltSeqAndType() {
        assertThat(new String(ObjectSignature.signable(SALT, 3, CODE), StandardCharsets.ISO_8859_1))
                .isEqualTo("d4:code16:aso.value = 'hi'4:salt1:s3:seqi3e4:type12:comet objecte");
        // an empty salt is present, empty: one form per version
        assertThat(new String(ObjectSignature.signable(null, 0, CODE), StandardCharsets.ISO_8859_1))
                .isEqualTo("d4:code16:aso.value = 'hi'4:salt0:3:seqi0e4:type12:comet objecte");
    }

    @Test
    void writersAreSignedInByteOrderAndAVersionWithoutWritersSignsWhatItDidBefore() {
        byte[] low = filled(1);
        byte[] high = filled(2);
        String expected = "d4:code16:aso.value = 'hi'4:salt1:s3:seqi3e4:type12:comet object7:writersl32:"
                + "\u0001".repeat(32) + "32:" + "\u0002".repeat(32) + "ee";

        assertThat(new String(ObjectSignature.signable(SALT, 3, java.util.List.of(high, low), CODE),
                StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        assertThat(ObjectSignature.signable(SALT, 3, java.util.List.of(), CODE))
                .isEqualTo(ObjectSignature.signable(SALT, 3, CODE));
    }

    @Test
    void theWritersAreCoveredBySignatureAndMayWriteWithTheOwner() {
        Ed25519.RawKeyPair writer = Ed25519.fromSeed(filled(8));
        ObjectSignature s = ObjectSignature.sign(OWNER, SALT, 1, java.util.List.of(writer.publicKey()), CODE);
        s.verify(s.key(), CODE);

        assertThat(s.mayWrite(OWNER.publicKey())).isTrue();
        assertThat(s.mayWrite(writer.publicKey())).isTrue();
        assertThat(s.mayWrite(filled(9))).isFalse();
        ObjectSignature dropped = new ObjectSignature(s.publicKey(), s.salt(), 1, java.util.List.of(), s.signature());
        ObjectSignature added = new ObjectSignature(s.publicKey(), s.salt(), 1,
                java.util.List.of(writer.publicKey(), filled(9)), s.signature());
        assertThat(codeOf(() -> dropped.verify(s.key(), CODE))).isEqualTo(ErrorCode.INVALID_SIGNATURE);
        assertThat(codeOf(() -> added.verify(s.key(), CODE))).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void writersTravelInTheWireFieldsAndBadOnesAreProtocolErrors() {
        ObjectSignature s = ObjectSignature.sign(OWNER, SALT, 1, java.util.List.of(filled(3), filled(4)), CODE);
        dev.comet.krpc.Dict fields = s.addTo(dev.comet.krpc.Dict.builder()).build();

        assertThat(ObjectSignature.from(fields)).isEqualTo(s);
        java.util.TreeMap<String, Object> bad = new java.util.TreeMap<>(fields.map());
        bad.put("w", java.util.List.of(new byte[5]));
        assertThat(codeOf(() -> ObjectSignature.from(dev.comet.krpc.Dict.of(bad)))).isEqualTo(ErrorCode.PROTOCOL);
        java.util.List<byte[]> many = new java.util.ArrayList<>();
        for (int i = 0; i <= ObjectSignature.MAX_WRITERS; i++) {
            many.add(filled(10 + i));
        }
        assertThat(codeOf(() -> ObjectSignature.sign(OWNER, SALT, 1, many, CODE))).isEqualTo(ErrorCode.BAD_INPUT);
        bad.put("w", many);
        assertThat(codeOf(() -> ObjectSignature.from(dev.comet.krpc.Dict.of(bad)))).isEqualTo(ErrorCode.PROTOCOL);
    }

    @Test
    void theKeyIsBep44sMutableTarget() {
        ObjectSignature s = ObjectSignature.sign(OWNER, SALT, 1, CODE);

        assertThat(s.key()).isEqualTo(Item.mutableTarget(OWNER.publicKey(), SALT));
        s.verify(s.key(), CODE);
    }

    @Test
    void verifyRefusesAnotherKeyWith341AndAnotherCodeOrSeqWith206() {
        ObjectSignature s = ObjectSignature.sign(OWNER, SALT, 1, CODE);

        assertThat(codeOf(() -> s.verify(NodeId.ofKey("elsewhere"), CODE))).isEqualTo(ErrorCode.KEY_NOT_OWNERS);
        assertThat(codeOf(() -> s.verify(s.key(), "other".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(ErrorCode.INVALID_SIGNATURE);
        ObjectSignature bumped = new ObjectSignature(s.publicKey(), s.salt(), 2, s.signature());
        assertThat(codeOf(() -> bumped.verify(s.key(), CODE))).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void aBep44ItemSignatureNeverVerifiesAsAnObjects() {
        // the same key, salt and seq, and the object's code as the item's bencoded value
        byte[] value = ("16:" + new String(CODE, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        Item item = Item.signed(OWNER, SALT, 1, value);
        ObjectSignature borrowed = new ObjectSignature(OWNER.publicKey(), SALT, 1, item.signature());

        assertThat(codeOf(() -> borrowed.verify(borrowed.key(), CODE))).isEqualTo(ErrorCode.INVALID_SIGNATURE);
        assertThat(codeOf(() -> borrowed.verify(borrowed.key(), value))).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void aSaltOver64BytesIsRefusedWhenSigningAndWhenVerifying() {
        byte[] big = new byte[65];
        assertThat(codeOf(() -> ObjectSignature.sign(OWNER, big, 1, CODE))).isEqualTo(ErrorCode.SALT_TOO_BIG);
        ObjectSignature s = new ObjectSignature(OWNER.publicKey(), big, 1, new byte[64]);
        assertThat(codeOf(() -> s.verify(s.key(), CODE))).isEqualTo(ErrorCode.SALT_TOO_BIG);
    }

    @Test
    void theSignatureTravelsAsPkSaltSeqAndSig() {
        ObjectSignature s = ObjectSignature.sign(OWNER, SALT, 9, CODE);
        var fields = s.addTo(dev.comet.krpc.Dict.builder()).build();

        assertThat(fields.map()).containsOnlyKeys("pk", "salt", "seq", "sig");
        assertThat(HexFormat.of().formatHex(fields.bytes("pk"))).isEqualTo(HexFormat.of().formatHex(OWNER.publicKey()));
        assertThat(ObjectSignature.from(fields)).isEqualTo(s);
        assertThat(ObjectSignature.sign(OWNER, null, 9, CODE).addTo(dev.comet.krpc.Dict.builder()).build().has("salt"))
                .isFalse();
    }

    private static ErrorCode codeOf(Runnable r) {
        try {
            r.run();
        } catch (CometException e) {
            return e.error().code();
        }
        throw new AssertionError("no CometException");
    }
}
