package dev.comet.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** BEP 44's limits and errors as {@link Item#validate()} applies them: 205, 206, 207 and malformed items. */
class ItemValidationTest {
    private static final byte[] VALUE = ascii("12:Hello World!");
    private static final byte[] SALT = ascii("foobar");
    private static final Ed25519.RawKeyPair KEYS = Ed25519.fromSeed(seed(1));
    private static final Ed25519.RawKeyPair OTHER_KEYS = Ed25519.fromSeed(seed(2));

    // ------------------------------------------------------------------ 205: value size

    @Test
    void valueOfExactly1000BencodedBytesIsAccepted() {
        byte[] value = byteString(996); // "996:" + 996 bytes
        assertThat(value).hasSize(Item.MAX_VALUE_BYTES).hasSize(1000);
        Item.immutable(value).validate();
        Item.signed(KEYS, SALT, 3, value).validate();
        Item.signed(KEYS, null, 3, value).validate();
    }

    @Test
    void valueOf1001BencodedBytesIsItemTooBig() {
        byte[] value = byteString(997); // "997:" + 997 bytes
        assertThat(value).hasSize(1001);
        assertCode(() -> Item.immutable(value).validate(), ErrorCode.ITEM_TOO_BIG);
        assertCode(() -> Item.signed(KEYS, SALT, 3, value).validate(), ErrorCode.ITEM_TOO_BIG);
        assertCode(() -> Item.signed(KEYS, null, 3, value).validate(), ErrorCode.ITEM_TOO_BIG);
        assertThat(ErrorCode.ITEM_TOO_BIG.krpcCode()).isEqualTo(205);
    }

    @Test
    void anOversizedListIsTooBigToo() {
        // the limit is on the bencoded size of v, whatever its type
        byte[] value = Bencode.encode(java.util.Collections.nCopies(334, 7L)); // "l" + 334 * "i7e" + "e" = 1004
        assertThat(value.length).isGreaterThan(1000);
        assertCode(() -> Item.immutable(value).validate(), ErrorCode.ITEM_TOO_BIG);
    }

    // ------------------------------------------------------------------ 207: salt size

    @Test
    void saltOf64BytesIsAccepted() {
        byte[] salt = filled(64, (byte) 's');
        Item item = Item.signed(KEYS, salt, 1, VALUE);
        assertThat(item.validate()).isSameAs(item);
    }

    @Test
    void saltOf65BytesIsSaltTooBig() {
        byte[] salt = filled(65, (byte) 's');
        // validly signed: the salt's length alone is the fault
        Item item = Item.signed(KEYS, salt, 1, VALUE);
        assertThat(Ed25519.verify(KEYS.publicKey(), Item.signable(salt, 1, VALUE), item.signature())).isTrue();
        assertCode(item::validate, ErrorCode.SALT_TOO_BIG);
        assertThat(ErrorCode.SALT_TOO_BIG.krpcCode()).isEqualTo(207);
    }

    // ------------------------------------------------------------------ 206: signature

    @Test
    void theUntouchedItemValidates() {
        Item item = Item.signed(KEYS, SALT, 5, VALUE);
        assertThat(item.validate()).isSameAs(item);
    }

    @Test
    void aFlippedBitInTheSignatureIsInvalidSignature() {
        Item item = Item.signed(KEYS, SALT, 5, VALUE);
        for (int bit : new int[] {0, 7, 255, 256, 511}) {
            byte[] sig = flipBit(item.signature(), bit);
            assertCode(() -> new Item(VALUE, KEYS.publicKey(), SALT, 5, sig).validate(), ErrorCode.INVALID_SIGNATURE);
        }
        assertThat(ErrorCode.INVALID_SIGNATURE.krpcCode()).isEqualTo(206);
    }

    @Test
    void aFlippedBitInTheValueIsInvalidSignature() {
        Item item = Item.signed(KEYS, SALT, 5, VALUE);
        // bits of the string's content ("Hello World!" starts at offset 3), so that v stays valid bencode
        for (int bit : new int[] {3 * 8, 5 * 8 + 1, 14 * 8 + 7}) {
            byte[] value = flipBit(VALUE, bit);
            Bencode.decode(value); // still one valid value
            assertCode(() -> new Item(value, KEYS.publicKey(), SALT, 5, item.signature()).validate(), ErrorCode.INVALID_SIGNATURE);
        }
    }

    @Test
    void aFlippedBitInTheSaltIsInvalidSignature() {
        Item item = Item.signed(KEYS, SALT, 5, VALUE);
        for (int bit : new int[] {0, 9, 47}) {
            byte[] salt = flipBit(SALT, bit);
            assertCode(() -> new Item(VALUE, KEYS.publicKey(), salt, 5, item.signature()).validate(), ErrorCode.INVALID_SIGNATURE);
        }
    }

    @Test
    void aFlippedBitInTheSeqIsInvalidSignature() {
        Item item = Item.signed(KEYS, SALT, 5, VALUE);
        for (int bit : new int[] {0, 1, 2, 31, 62}) {
            long seq = 5 ^ (1L << bit);
            assertCode(() -> new Item(VALUE, KEYS.publicKey(), SALT, seq, item.signature()).validate(), ErrorCode.INVALID_SIGNATURE);
        }
    }

    @Test
    void aWrongPublicKeyIsInvalidSignature() {
        Item item = Item.signed(KEYS, SALT, 5, VALUE);
        assertCode(() -> new Item(VALUE, OTHER_KEYS.publicKey(), SALT, 5, item.signature()).validate(), ErrorCode.INVALID_SIGNATURE);
        assertCode(() -> new Item(VALUE, flipBit(KEYS.publicKey(), 3), SALT, 5, item.signature()).validate(), ErrorCode.INVALID_SIGNATURE);
        // malformed keys are invalid signatures as well, not crashes
        for (byte[] key : new byte[][] {new byte[0], Arrays.copyOf(KEYS.publicKey(), 31), Arrays.copyOf(KEYS.publicKey(), 33), new byte[32]}) {
            assertCode(() -> new Item(VALUE, key, SALT, 5, item.signature()).validate(), ErrorCode.INVALID_SIGNATURE);
        }
    }

    @Test
    void aSignatureOfTheWrongLengthIsInvalidSignature() {
        Item item = Item.signed(KEYS, SALT, 5, VALUE);
        byte[] sig = item.signature();
        byte[] longer = Arrays.copyOf(sig, 65); // the right signature plus one byte
        for (byte[] bad : new byte[][] {new byte[0], Arrays.copyOf(sig, 63), longer, Arrays.copyOf(sig, 128), null}) {
            assertCode(() -> new Item(VALUE, KEYS.publicKey(), SALT, 5, bad).validate(), ErrorCode.INVALID_SIGNATURE);
        }
    }

    @Test
    void aSignatureByAnotherKeyIsInvalidSignature() {
        Item forged = Item.signed(OTHER_KEYS, SALT, 5, VALUE);
        assertCode(() -> new Item(VALUE, KEYS.publicKey(), SALT, 5, forged.signature()).validate(), ErrorCode.INVALID_SIGNATURE);
    }

    // ------------------------------------------------------------------ seq

    @Test
    void negativeSeqIsRefusedEvenWhenValidlySigned() {
        for (long seq : new long[] {-1, Long.MIN_VALUE}) {
            Item item = Item.signed(KEYS, SALT, seq, VALUE);
            assertThat(Ed25519.verify(KEYS.publicKey(), Item.signable(SALT, seq, VALUE), item.signature())).isTrue();
            CometException e = catchThrowableOfType(item::validate, CometException.class);
            assertThat(e).as("seq %d", seq).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
        }
    }

    @Test
    void seqZeroAndMaxAreAccepted() {
        Item.signed(KEYS, SALT, 0, VALUE).validate();
        Item.signed(KEYS, SALT, Long.MAX_VALUE, VALUE).validate();
        assertThat(new String(Item.signable(SALT, Long.MAX_VALUE, VALUE), StandardCharsets.US_ASCII))
                .isEqualTo("4:salt6:foobar3:seqi9223372036854775807e1:v12:Hello World!");
    }

    // ------------------------------------------------------------------ v must be one bencoded value

    @Test
    void aValueThatIsNotOneBencodedValueIsRefused() {
        for (String bad : new String[] {"5:abc", "i1ei2e", "12:Hello World!x", "i01e", "d1:a", "x", "Hello"}) {
            byte[] value = ascii(bad);
            assertThatThrownBy(() -> Item.immutable(value).validate()).as(bad).isInstanceOf(CometException.class);
            // a valid signature does not make a malformed value acceptable
            Item signed = Item.signed(KEYS, SALT, 1, value);
            assertThatThrownBy(signed::validate).as(bad).isInstanceOf(CometException.class);
        }
    }

    @Test
    void otherBencodedTypesAreValidValues() {
        for (String ok : new String[] {"i-7e", "le", "li1e3:abce", "d1:ai1e1:b2:xye", "0:"}) {
            Item.immutable(ascii(ok)).validate();
            Item.signed(KEYS, SALT, 1, ascii(ok)).validate();
        }
    }

    @Test
    void anEmptyOrMissingValueIsRefused() {
        assertThatThrownBy(() -> Item.immutable(new byte[0])).isInstanceOf(CometException.class);
        assertThatThrownBy(() -> Item.immutable(null)).isInstanceOf(CometException.class);
    }

    // ------------------------------------------------------------------ empty salt

    @Test
    void anEmptySaltSignsWithoutTheSaltPrefix() {
        byte[] expected = ascii("3:seqi4e1:v12:Hello World!");
        assertThat(Item.signable(new byte[0], 4, VALUE)).isEqualTo(expected);
        assertThat(Item.signable(null, 4, VALUE)).isEqualTo(expected);

        Item item = Item.signed(KEYS, new byte[0], 4, VALUE);
        assertThat(Ed25519.verify(KEYS.publicKey(), expected, item.signature())).isTrue();
        // not the "4:salt0:" form that bittorrent-dht signs
        assertThat(Ed25519.verify(KEYS.publicKey(), ascii("4:salt0:3:seqi4e1:v12:Hello World!"), item.signature())).isFalse();
        assertThat(Item.signed(KEYS, null, 4, VALUE).signature()).isEqualTo(item.signature());
        item.validate();
    }

    @Test
    void anItemSignedOverTheSalt0PrefixIsInvalidSignature() {
        byte[] sig = Ed25519.sign(KEYS.seed(), ascii("4:salt0:3:seqi4e1:v12:Hello World!"));
        assertCode(() -> new Item(VALUE, KEYS.publicKey(), new byte[0], 4, sig).validate(), ErrorCode.INVALID_SIGNATURE);
        assertCode(() -> new Item(VALUE, KEYS.publicKey(), null, 4, sig).validate(), ErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void anEmptySaltTargetsTheBarePublicKey() {
        assertThat(Item.mutableTarget(KEYS.publicKey(), new byte[0])).isEqualTo(NodeId.sha1(KEYS.publicKey()));
        assertThat(Item.signed(KEYS, null, 1, VALUE).target()).isEqualTo(NodeId.sha1(KEYS.publicKey()));
    }

    // ------------------------------------------------------------------ immutable items

    @Test
    void immutableItemsIgnoreSaltAndSeq() {
        Item plain = Item.immutable(VALUE);
        Item withExtras = new Item(VALUE, null, SALT, 42, null);
        assertThat(withExtras.isMutable()).isFalse();
        assertThat(withExtras.target()).isEqualTo(plain.target()).isEqualTo(NodeId.sha1(VALUE));
        assertThat(withExtras.validate()).isSameAs(withExtras);
        // a stray signature is not checked either: there is no key to check it against
        new Item(VALUE, null, SALT, 42, new byte[3]).validate();
    }

    // ------------------------------------------------------------------ property

    @Provide
    Arbitrary<byte[]> seeds() {
        return Arbitraries.bytes().array(byte[].class).ofSize(Ed25519.SEED_BYTES);
    }

    /**
     * Any key, salt of 0-64 bytes, seq in 0..Long.MAX and value (a bencoded string of up to 990 content bytes):
     * the signed item validates, and changing any one byte of its value or its salt refuses it. A change inside
     * the string's content or the salt is 206; a change in the string's length header leaves v malformed, refused
     * by the bencode check before the signature is looked at.
     */
    @Property(tries = 100)
    void signedItemsValidateAndAnyChangedByteBreaksThem(
            @ForAll("seeds") byte[] seed,
            @ForAll @Size(max = 64) byte[] salt,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seq,
            @ForAll @Size(max = 990) byte[] content,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
            @ForAll @IntRange(min = 1, max = 255) int delta) {
        Ed25519.RawKeyPair keys = Ed25519.fromSeed(seed);
        byte[] value = Bencode.encode(content);
        Item item = Item.signed(keys, salt.clone(), seq, value.clone());
        assertThat(item.validate()).isSameAs(item);

        // one byte of the value
        int at = where % value.length;
        byte[] changedValue = value.clone();
        changedValue[at] ^= (byte) delta;
        Item badValue = new Item(changedValue, keys.publicKey(), salt.clone(), seq, item.signature());
        int header = value.length - content.length;
        if (at >= header) {
            assertCode(badValue::validate, ErrorCode.INVALID_SIGNATURE);
        } else {
            assertThatThrownBy(badValue::validate).isInstanceOf(CometException.class);
        }

        // one byte of the salt
        if (salt.length > 0) {
            byte[] changedSalt = salt.clone();
            changedSalt[where % salt.length] ^= (byte) delta;
            assertCode(() -> new Item(value.clone(), keys.publicKey(), changedSalt, seq, item.signature()).validate(),
                    ErrorCode.INVALID_SIGNATURE);
        }

        // the original is still good (nothing above aliased it)
        new Item(value, keys.publicKey(), salt, seq, item.signature()).validate();
    }

    // ------------------------------------------------------------------ helpers

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOf(CometException.class)
                .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(code));
    }

    private static byte[] byteString(int contentLength) {
        byte[] content = filled(contentLength, (byte) 'x');
        return Bencode.encode(content);
    }

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }

    private static byte[] flipBit(byte[] in, int bit) {
        byte[] out = in.clone();
        out[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }

    private static byte[] seed(long s) {
        byte[] seed = new byte[32];
        new SplittableRandom(s).nextBytes(seed);
        return seed;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
