package dev.comet.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comet.CometException;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The XOR metric laws and the encodings of {@link NodeId}, checked against a BigInteger model. */
class NodeIdPropertiesTest {

    private static final NodeId ZERO = NodeId.fromBytes(new byte[NodeId.BYTES]);

    // ------------------------------------------------------------------ generators and model

    @Provide
    Arbitrary<byte[]> idBytes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(NodeId.BYTES);
    }

    @Provide
    Arbitrary<NodeId> ids() {
        return idBytes().map(NodeId::fromBytes);
    }

    /** Pairs of ids that often share long prefixes, so that the low words of the comparisons get exercised. */
    @Provide
    Arbitrary<NodeId[]> nearPairs() {
        return ids().flatMap(a -> Arbitraries.integers().between(0, NodeId.BITS)
                .flatMap(p -> Arbitraries.longs().map(seed -> new NodeId[] {a, a.randomWithSharedPrefix(p, new SplittableRandom(seed))})));
    }

    /** The id as an unsigned big-endian number. */
    private static BigInteger big(NodeId id) {
        return new BigInteger(1, id.toBytes());
    }

    // ------------------------------------------------------------------ metric laws

    @Property(tries = 200)
    void distanceToItselfIsZero(@ForAll("ids") NodeId a) {
        assertThat(a.xor(a)).isEqualTo(ZERO);
        assertThat(big(a.xor(a))).isEqualTo(BigInteger.ZERO);
        assertThat(a.commonPrefixLength(a)).isEqualTo(NodeId.BITS);
        assertThat(a.compareDistance(a, a)).isZero();
    }

    @Property(tries = 200)
    void distanceIsSymmetric(@ForAll("ids") NodeId a, @ForAll("ids") NodeId b) {
        assertThat(a.xor(b)).isEqualTo(b.xor(a));
        assertThat(a.commonPrefixLength(b)).isEqualTo(b.commonPrefixLength(a));
    }

    @Property(tries = 200)
    void distanceToOtherIdIsNonZero(@ForAll("nearPairs") NodeId[] pair) {
        NodeId a = pair[0];
        NodeId b = pair[1];
        assertThat(a.xor(b).equals(ZERO)).isEqualTo(a.equals(b));
    }

    @Property(tries = 200)
    void xorMatchesBigIntegerXor(@ForAll("ids") NodeId a, @ForAll("ids") NodeId b) {
        assertThat(big(a.xor(b))).isEqualTo(big(a).xor(big(b)));
    }

    @Property(tries = 300)
    void compareDistanceAgreesWithUnsignedComparisonOfXors(@ForAll("ids") NodeId target, @ForAll("nearPairs") NodeId[] pair) {
        NodeId a = pair[0];
        NodeId b = pair[1];
        int expected = big(a.xor(target)).compareTo(big(b.xor(target)));
        assertThat(Integer.signum(target.compareDistance(a, b))).isEqualTo(expected);
        assertThat(Integer.signum(target.compareDistance(b, a))).isEqualTo(-expected);
        assertThat(Integer.signum(target.byDistance().compare(a, b))).isEqualTo(expected);
        // relative to one of the pair itself: it is always the closer one
        assertThat(Integer.signum(a.compareDistance(a, b))).isEqualTo(a.equals(b) ? 0 : -1);
    }

    /** Every position of the first differing bit, word boundaries (0, 64, 128) included, against several targets. */
    @Example
    void compareDistanceAndPrefixAtEveryBitPosition() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 8; trial++) {
            NodeId a = NodeId.random(rng);
            for (int p = 0; p < NodeId.BITS; p++) {
                NodeId b = a.randomWithSharedPrefix(p, rng);
                assertThat(a.commonPrefixLength(b)).isEqualTo(NodeId.BITS - big(a.xor(b)).bitLength()).isEqualTo(p);
                for (NodeId target : new NodeId[] {NodeId.random(rng), a, b, ZERO, a.xor(b)}) {
                    int expected = big(a.xor(target)).compareTo(big(b.xor(target)));
                    assertThat(Integer.signum(target.compareDistance(a, b))).as("prefix %d", p).isEqualTo(expected);
                    assertThat(Integer.signum(target.compareDistance(b, a))).as("prefix %d", p).isEqualTo(-expected);
                }
                assertThat(Integer.signum(a.compareTo(b))).as("prefix %d", p).isEqualTo(big(a).compareTo(big(b)));
            }
        }
    }

    @Property(tries = 200)
    void compareDistanceIsZeroOnlyForEqualIds(@ForAll("ids") NodeId target, @ForAll("nearPairs") NodeId[] pair) {
        assertThat(target.compareDistance(pair[0], pair[1]) == 0).isEqualTo(pair[0].equals(pair[1]));
    }

    @Property(tries = 200)
    void compareToIsUnsignedBigEndianOrder(@ForAll("nearPairs") NodeId[] pair) {
        assertThat(Integer.signum(pair[0].compareTo(pair[1]))).isEqualTo(big(pair[0]).compareTo(big(pair[1])));
    }

    @Property(tries = 200)
    void distancesComposeByXor(@ForAll("ids") NodeId a, @ForAll("ids") NodeId b, @ForAll("ids") NodeId c) {
        // d(a,b) xor d(b,c) = d(a,c)
        assertThat(a.xor(b).xor(b.xor(c))).isEqualTo(a.xor(c));
        // and the (true) triangle inequality of the metric
        assertThat(big(a.xor(c))).isLessThanOrEqualTo(big(a.xor(b)).add(big(b.xor(c))));
    }

    @Property(tries = 200)
    void distanceIsUnidirectional(@ForAll("ids") NodeId a, @ForAll("ids") NodeId d,
                                  @ForAll @IntRange(min = 0, max = NodeId.BITS - 1) int flippedBit) {
        NodeId b = a.xor(d);
        assertThat(a.xor(b)).isEqualTo(d);
        // any other id is at another distance: flipping one bit of b changes d(a, b)
        byte[] other = b.toBytes();
        other[flippedBit >>> 3] ^= (byte) (0x80 >>> (flippedBit & 7));
        NodeId c = NodeId.fromBytes(other);
        assertThat(c).isNotEqualTo(b);
        assertThat(a.xor(c)).isNotEqualTo(d);
    }

    @Property(tries = 200)
    void distanceIsInjectiveForAFixedOrigin(@ForAll("ids") NodeId a, @ForAll("nearPairs") NodeId[] pair) {
        assertThat(a.xor(pair[0]).equals(a.xor(pair[1]))).isEqualTo(pair[0].equals(pair[1]));
    }

    @Property(tries = 300)
    void commonPrefixLengthIsLeadingZerosOfTheXor(@ForAll("nearPairs") NodeId[] pair) {
        NodeId a = pair[0];
        NodeId b = pair[1];
        int expected = NodeId.BITS - big(a.xor(b)).bitLength();
        assertThat(a.commonPrefixLength(b)).isEqualTo(expected);
        // and bit by bit
        int shared = 0;
        while (shared < NodeId.BITS && a.bit(shared) == b.bit(shared)) {
            shared++;
        }
        assertThat(shared).isEqualTo(expected);
    }

    @Property(tries = 200)
    void bitMatchesBigIntegerTestBit(@ForAll("ids") NodeId a, @ForAll @IntRange(min = 0, max = NodeId.BITS - 1) int i) {
        assertThat(a.bit(i)).isEqualTo(big(a).testBit(NodeId.BITS - 1 - i));
    }

    // ------------------------------------------------------------------ randomWithSharedPrefix

    @Property(tries = 300)
    void randomWithSharedPrefixSharesExactlyThePrefix(@ForAll("ids") NodeId self,
                                                      @ForAll @IntRange(min = 0, max = NodeId.BITS - 1) int prefix,
                                                      @ForAll long seed) {
        NodeId r = self.randomWithSharedPrefix(prefix, new SplittableRandom(seed));
        assertThat(self.commonPrefixLength(r)).isEqualTo(prefix);
        assertThat(r.commonPrefixLength(self)).isEqualTo(prefix);
    }

    @Example
    void randomWithSharedPrefixForEveryPrefixLength() {
        SplittableRandom rng = new SplittableRandom(42);
        for (int trial = 0; trial < 20; trial++) {
            NodeId self = NodeId.random(rng);
            for (int p = 0; p < NodeId.BITS; p++) {
                NodeId r = self.randomWithSharedPrefix(p, rng);
                assertThat(self.commonPrefixLength(r)).as("prefix %d", p).isEqualTo(p);
            }
            assertThat(self.randomWithSharedPrefix(NodeId.BITS, rng)).isEqualTo(self);
        }
    }

    @Example
    void randomWithSharedPrefixRandomisesTheSuffix() {
        SplittableRandom rng = new SplittableRandom(7);
        NodeId self = NodeId.random(rng);
        // with 150 free bits, two draws are equal with probability 2^-150
        assertThat(self.randomWithSharedPrefix(9, rng)).isNotEqualTo(self.randomWithSharedPrefix(9, rng));
        // and the bits after the forced one are not simply copied from self or complemented
        NodeId r = self.randomWithSharedPrefix(0, rng);
        assertThat(r).isNotEqualTo(self.xor(NodeId.fromHex("ff".repeat(NodeId.BYTES))));
    }

    @Example
    void randomWithSharedPrefixRejectsOutOfRangeLengths() {
        NodeId self = NodeId.random(new SplittableRandom(1));
        assertThatThrownBy(() -> self.randomWithSharedPrefix(-1, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> self.randomWithSharedPrefix(NodeId.BITS + 1, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ encodings

    @Property(tries = 200)
    void bytesRoundTrip(@ForAll("idBytes") byte[] bytes) {
        NodeId id = NodeId.fromBytes(bytes);
        assertThat(id.toBytes()).isEqualTo(bytes);
        assertThat(NodeId.fromBytes(id.toBytes())).isEqualTo(id);
        assertThat(id.toBytes()).isNotSameAs(id.toBytes());
        assertThat(big(id)).isEqualTo(new BigInteger(1, bytes));
    }

    @Property(tries = 200)
    void bytesAtOffsetRoundTrip(@ForAll("idBytes") byte[] bytes, @ForAll @IntRange(min = 0, max = 30) int offset,
                                @ForAll @IntRange(min = 0, max = 5) int trailing) {
        byte[] buffer = new byte[offset + NodeId.BYTES + trailing];
        new SplittableRandom(offset * 31L + trailing).nextBytes(buffer);
        System.arraycopy(bytes, 0, buffer, offset, NodeId.BYTES);
        NodeId id = NodeId.fromBytes(buffer, offset);
        assertThat(id).isEqualTo(NodeId.fromBytes(bytes));

        byte[] out = new byte[offset + NodeId.BYTES + trailing];
        id.writeTo(out, offset);
        assertThat(java.util.Arrays.copyOfRange(out, offset, offset + NodeId.BYTES)).isEqualTo(bytes);
        // nothing outside the 20 bytes is written
        assertThat(java.util.Arrays.copyOfRange(out, 0, offset)).isEqualTo(new byte[offset]);
        assertThat(java.util.Arrays.copyOfRange(out, offset + NodeId.BYTES, out.length)).isEqualTo(new byte[trailing]);
    }

    @Property(tries = 200)
    void hexRoundTrip(@ForAll("idBytes") byte[] bytes) {
        NodeId id = NodeId.fromBytes(bytes);
        String hex = id.toHex();
        assertThat(hex).hasSize(2 * NodeId.BYTES).isEqualTo(HexFormat.of().formatHex(bytes)).matches("[0-9a-f]{40}");
        assertThat(NodeId.fromHex(hex)).isEqualTo(id);
        assertThat(NodeId.fromHex(hex.toUpperCase(Locale.ROOT))).isEqualTo(id);
        assertThat(id.toString()).isEqualTo(hex);
    }

    @Property(tries = 200)
    void equalsAndHashCodeFollowTheBytes(@ForAll("nearPairs") NodeId[] pair) {
        NodeId a = pair[0];
        NodeId b = pair[1];
        assertThat(a.equals(b)).isEqualTo(java.util.Arrays.equals(a.toBytes(), b.toBytes()));
        NodeId copy = NodeId.fromBytes(a.toBytes());
        assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a);
    }

    @Example
    void knownValues() {
        assertThat(NodeId.ofKey("abc").toHex()).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        NodeId one = NodeId.fromHex("0000000000000000000000000000000000000001");
        assertThat(big(one)).isEqualTo(BigInteger.ONE);
        assertThat(one.commonPrefixLength(ZERO)).isEqualTo(159);
        NodeId top = NodeId.fromHex("8000000000000000000000000000000000000000");
        assertThat(top.commonPrefixLength(ZERO)).isZero();
        assertThat(top.bit(0)).isTrue();
        assertThat(one.bit(159)).isTrue();
        assertThat(ZERO.compareDistance(one, top)).isNegative();
        assertThat(one.compareTo(top)).isNegative();
    }

    // ------------------------------------------------------------------ bad input

    @Example
    void wrongLengthBytesAreRejected() {
        for (int n : new int[] {0, 1, 19, 21, 40}) {
            assertThatThrownBy(() -> NodeId.fromBytes(new byte[n])).as("%d bytes", n).isInstanceOf(CometException.class);
        }
        assertThatThrownBy(() -> NodeId.fromBytes(null)).isInstanceOf(CometException.class);
        assertThatThrownBy(() -> NodeId.fromBytes(new byte[30], 11)).isInstanceOf(CometException.class);
        assertThatThrownBy(() -> NodeId.fromBytes(new byte[30], -1)).isInstanceOf(CometException.class);
        assertThatThrownBy(() -> NodeId.fromBytes(null, 0)).isInstanceOf(CometException.class);
        assertThat(NodeId.fromBytes(new byte[30], 10)).isEqualTo(ZERO);
    }

    @Example
    void wrongHexIsRejected() {
        String good = "00112233445566778899aabbccddeeff00112233";
        assertThat(NodeId.fromHex(good).toHex()).isEqualTo(good);
        for (String bad : new String[] {"", good.substring(1), good + "0", good + "00", good.substring(2),
                "g" + good.substring(1), good.substring(0, 39) + " ", "0x" + good.substring(2)}) {
            assertThatThrownBy(() -> NodeId.fromHex(bad)).as("'%s'", bad).isInstanceOf(CometException.class);
        }
        assertThatThrownBy(() -> NodeId.fromHex(null)).isInstanceOf(CometException.class);
    }
}
