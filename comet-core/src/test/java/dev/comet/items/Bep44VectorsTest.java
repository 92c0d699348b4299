package dev.comet.items;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of BEP 44 ("Test Vectors", bittorrent.org/beps/bep_0044.html), hex copied from the BEP:
 * the signed buffers, targets and signatures, and signing the same bytes again from the published private key.
 */
class Bep44VectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    // ------------------------------------------------------------------ published values (BEP 44, Test Vectors)

    /** Test 1, 2 and 3: value {@code 12:Hello World!} (already bencoded), seq 1 for the mutable ones. */
    private static final byte[] VALUE = ascii("12:Hello World!");
    private static final long SEQ = 1;
    private static final byte[] PUBLIC_KEY = HEX.parseHex("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548");
    /** Printed as "private key": 64 bytes, the expanded (ref10/libtorrent) form. */
    private static final byte[] PRIVATE_KEY = HEX.parseHex(
            "e06d3183d14159228433ed599221b80bd0a5ce8352e4bdf0262f76786ef1c74d"
            + "b7e7a9fea2c0eb269d61e3b38e450a22e754941ac78479d6c54e1faf6037881d");

    /** Test 1 (mutable, no salt). */
    private static final byte[] BUFFER_1 = ascii("3:seqi1e1:v12:Hello World!");
    private static final String TARGET_1 = "4a533d47ec9c7d95b1ad75f576cffc641853b750";
    private static final byte[] SIGNATURE_1 = HEX.parseHex(
            "305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
            + "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01");

    /** Test 2 (mutable with salt "foobar"). */
    private static final byte[] SALT_2 = ascii("foobar");
    private static final byte[] BUFFER_2 = ascii("4:salt6:foobar3:seqi1e1:v12:Hello World!");
    private static final String TARGET_2 = "411eba73b6f087ca51a3795d9c8c938d365e32c1";
    private static final byte[] SIGNATURE_2 = HEX.parseHex(
            "6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
            + "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08");

    /** Test 3 (immutable). */
    private static final String TARGET_3 = "e5f96f6f38320f0f33959cb4d3d656452117aadb";

    // ------------------------------------------------------------------ test 1: mutable, no salt

    @Test
    void test1SignableIsThePublishedBuffer() {
        assertThat(Item.signable(new byte[0], SEQ, VALUE)).isEqualTo(BUFFER_1);
        assertThat(Item.signable(null, SEQ, VALUE)).isEqualTo(BUFFER_1);
    }

    @Test
    void test1TargetIsThePublishedTarget() {
        assertThat(Item.mutableTarget(PUBLIC_KEY, new byte[0]).toHex()).isEqualTo(TARGET_1);
        assertThat(Item.mutableTarget(PUBLIC_KEY, null).toHex()).isEqualTo(TARGET_1);
        assertThat(new Item(VALUE, PUBLIC_KEY, null, SEQ, SIGNATURE_1).target().toHex()).isEqualTo(TARGET_1);
        assertThat(TARGET_1).isEqualTo(sha1Hex(PUBLIC_KEY));
    }

    @Test
    void test1PublishedSignatureVerifies() {
        assertThat(Ed25519.verify(PUBLIC_KEY, BUFFER_1, SIGNATURE_1)).isTrue();
        // and it is bound to its own buffer: not test 2's
        assertThat(Ed25519.verify(PUBLIC_KEY, BUFFER_2, SIGNATURE_1)).isFalse();
    }

    @Test
    void test1ItemValidates() {
        Item item = new Item(VALUE, PUBLIC_KEY, null, SEQ, SIGNATURE_1);
        assertThat(item.validate()).isSameAs(item);
        assertThat(item.isMutable()).isTrue();
        new Item(VALUE, PUBLIC_KEY, new byte[0], SEQ, SIGNATURE_1).validate();
    }

    // ------------------------------------------------------------------ test 2: mutable with salt "foobar"

    @Test
    void test2SignableIsThePublishedBuffer() {
        assertThat(Item.signable(SALT_2, SEQ, VALUE)).isEqualTo(BUFFER_2);
    }

    @Test
    void test2TargetIsThePublishedTarget() {
        assertThat(Item.mutableTarget(PUBLIC_KEY, SALT_2).toHex()).isEqualTo(TARGET_2);
        assertThat(new Item(VALUE, PUBLIC_KEY, SALT_2, SEQ, SIGNATURE_2).target().toHex()).isEqualTo(TARGET_2);
        assertThat(TARGET_2).isEqualTo(sha1Hex(concat(PUBLIC_KEY, SALT_2)));
    }

    @Test
    void test2PublishedSignatureVerifies() {
        assertThat(Ed25519.verify(PUBLIC_KEY, BUFFER_2, SIGNATURE_2)).isTrue();
        assertThat(Ed25519.verify(PUBLIC_KEY, BUFFER_1, SIGNATURE_2)).isFalse();
    }

    @Test
    void test2ItemValidates() {
        Item item = new Item(VALUE, PUBLIC_KEY, SALT_2, SEQ, SIGNATURE_2);
        assertThat(item.validate()).isSameAs(item);
    }

    @Test
    void theTwoSignaturesAreNotInterchangeable() {
        // Same key, value and seq: only the salt separates them, so each item needs its own signature.
        assertThat(Ed25519.verify(PUBLIC_KEY, Item.signable(SALT_2, SEQ, VALUE), SIGNATURE_1)).isFalse();
        assertThat(Ed25519.verify(PUBLIC_KEY, Item.signable(null, SEQ, VALUE), SIGNATURE_2)).isFalse();
    }

    // ------------------------------------------------------------------ test 3: immutable

    @Test
    void test3ImmutableTargetIsSha1OfTheBencodedValue() throws Exception {
        Item item = Item.immutable(VALUE);
        assertThat(item.isMutable()).isFalse();
        assertThat(item.target().toHex()).isEqualTo(TARGET_3);
        assertThat(sha1Hex(VALUE)).isEqualTo(TARGET_3);
        assertThat(item.target()).isEqualTo(NodeId.sha1(VALUE));
        assertThat(item.validate()).isSameAs(item);
    }

    // ------------------------------------------------------------------ signing to the same bytes

    /**
     * The published private key is not seed ‖ public key: its first 32 bytes, used as a seed, give another public
     * key. They are SHA-512(seed) clamped (low three bits of byte 0 clear, byte 31 = 01xxxxxx) and the last 32 the
     * nonce prefix, so {@link Ed25519#sign} (seed-based, like the JDK) cannot reproduce the published signatures.
     */
    @Test
    void thePublishedPrivateKeyIsTheExpandedFormNotASeed() {
        byte[] first32 = Arrays.copyOf(PRIVATE_KEY, 32);
        assertThat(Ed25519.fromSeed(first32).publicKey()).isNotEqualTo(PUBLIC_KEY);
        assertThat(Arrays.copyOfRange(PRIVATE_KEY, 32, 64)).isNotEqualTo(PUBLIC_KEY);
        assertThat(PRIVATE_KEY[0] & 0x07).isZero();
        assertThat(PRIVATE_KEY[31] & 0xC0).isEqualTo(0x40);
    }

    @Test
    void expandedKeyGivesThePublishedPublicKey() {
        assertThat(ExpandedKeySigner.publicKey(PRIVATE_KEY)).isEqualTo(PUBLIC_KEY);
    }

    @Test
    void expandedKeySignsTest1ToThePublishedSignature() {
        byte[] signature = ExpandedKeySigner.sign(PRIVATE_KEY, Item.signable(null, SEQ, VALUE));
        assertThat(HEX.formatHex(signature)).isEqualTo(HEX.formatHex(SIGNATURE_1));
    }

    @Test
    void expandedKeySignsTest2ToThePublishedSignature() {
        byte[] signature = ExpandedKeySigner.sign(PRIVATE_KEY, Item.signable(SALT_2, SEQ, VALUE));
        assertThat(HEX.formatHex(signature)).isEqualTo(HEX.formatHex(SIGNATURE_2));
    }

    @Test
    void itemsSignedWithTheExpandedKeyValidate() {
        for (byte[] salt : new byte[][] {new byte[0], SALT_2, ascii("another salt")}) {
            for (long seq : new long[] {0, 1, 2, Long.MAX_VALUE}) {
                byte[] signature = ExpandedKeySigner.sign(PRIVATE_KEY, Item.signable(salt, seq, VALUE));
                new Item(VALUE, PUBLIC_KEY, salt, seq, signature).validate();
            }
        }
    }

    /**
     * The test signer checked against the JDK on keys the JDK can hold: for a seed, SHA-512(seed) is its expanded
     * key, and both must give the same public key and the same (deterministic) signature.
     */
    @Test
    void expandedKeySignerAgreesWithTheJdkOnSeeds() {
        SplittableRandom random = new SplittableRandom(44);
        for (int i = 0; i < 8; i++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            byte[] message = new byte[random.nextInt(0, 200)];
            random.nextBytes(message);
            byte[] expanded = ExpandedKeySigner.expand(seed);
            assertThat(ExpandedKeySigner.publicKey(expanded)).isEqualTo(Ed25519.fromSeed(seed).publicKey());
            assertThat(ExpandedKeySigner.sign(expanded, message)).isEqualTo(Ed25519.sign(seed, message));
        }
    }

    @Test
    void expandedKeySignerCurveSanity() {
        assertThat(ExpandedKeySigner.BASE.onCurve()).isTrue();
        // B has order L: [L]B is the neutral point (0, 1), which encodes as 1 followed by zeros.
        byte[] neutral = new byte[32];
        neutral[0] = 1;
        assertThat(ExpandedKeySigner.BASE.multiply(ExpandedKeySigner.L).encode()).isEqualTo(neutral);
        assertThat(ExpandedKeySigner.BASE.multiply(ExpandedKeySigner.L.subtract(BigInteger.ONE)).encode()).isNotEqualTo(neutral);
        // the standard encoding of B: y = 4/5 is 0x5866...66 little-endian, x even
        assertThat(HEX.formatHex(ExpandedKeySigner.BASE.encode()))
                .isEqualTo("58" + "66".repeat(31));
    }

    // ------------------------------------------------------------------ JDK-signed items

    @Test
    void jdkSignedItemsValidate() {
        SecureRandom random = new SecureRandom();
        Ed25519.RawKeyPair keys = Ed25519.generate(random);
        for (byte[] salt : new byte[][] {null, new byte[0], SALT_2, new byte[64]}) {
            Item item = Item.signed(keys, salt, 7, VALUE);
            assertThat(item.validate()).isSameAs(item);
            assertThat(item.publicKey()).isEqualTo(keys.publicKey());
            assertThat(item.target()).isEqualTo(Item.mutableTarget(keys.publicKey(), salt));
            assertThat(Ed25519.verify(keys.publicKey(), Item.signable(salt, 7, VALUE), item.signature())).isTrue();
        }
    }

    @Test
    void fromSeedIsDeterministicAndItsSignaturesVerify() {
        byte[] seed = new byte[32];
        new SplittableRandom(7).nextBytes(seed);
        Ed25519.RawKeyPair a = Ed25519.fromSeed(seed);
        Ed25519.RawKeyPair b = Ed25519.fromSeed(seed.clone());
        assertThat(a.publicKey()).hasSize(Ed25519.PUBLIC_KEY_BYTES).isEqualTo(b.publicKey());
        assertThat(a.seed()).isEqualTo(seed);

        byte[] other = seed.clone();
        other[0] ^= 1;
        assertThat(Ed25519.fromSeed(other).publicKey()).isNotEqualTo(a.publicKey());

        byte[] signature = Ed25519.sign(seed, BUFFER_2);
        assertThat(signature).hasSize(Ed25519.SIGNATURE_BYTES).isEqualTo(Ed25519.sign(seed, BUFFER_2));
        assertThat(Ed25519.verify(a.publicKey(), BUFFER_2, signature)).isTrue();
        assertThat(Ed25519.verify(Ed25519.fromSeed(other).publicKey(), BUFFER_2, signature)).isFalse();
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String sha1Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
