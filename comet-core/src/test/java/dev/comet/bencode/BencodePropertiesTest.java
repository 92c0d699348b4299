package dev.comet.bencode;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class BencodePropertiesTest {

    /** Generous limits so that any generated value fits; the fuzz properties use the defaults. */
    private static final BencodeLimits ROOMY = new BencodeLimits(64, 1 << 20, 1 << 24, 1 << 20);

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Object> values() {
        return values(4);
    }

    private static Arbitrary<Object> values(int depth) {
        Arbitrary<Object> leaves = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(24).map(b -> (Object) b),
                Arbitraries.longs().map(l -> (Object) l));
        if (depth == 0) {
            return leaves;
        }
        Arbitrary<Object> inner = values(depth - 1);
        Arbitrary<String> keys = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(6);
        Arbitrary<Object> lists = inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> maps = Arbitraries.maps(keys, inner).ofMaxSize(4).map(m -> (Object) new HashMap<>(m));
        return Arbitraries.frequencyOf(
                Tuple.of(3, leaves),
                Tuple.of(1, lists),
                Tuple.of(1, maps));
    }

    record Mutation(int kind, int position, byte value) {
        byte[] apply(byte[] in) {
            int n = in.length;
            switch (kind) {
                case 0: { // flip
                    if (n == 0) {
                        return in;
                    }
                    byte[] out = in.clone();
                    out[position % n] = value;
                    return out;
                }
                case 1: { // insert
                    int p = position % (n + 1);
                    byte[] out = new byte[n + 1];
                    System.arraycopy(in, 0, out, 0, p);
                    out[p] = value;
                    System.arraycopy(in, p, out, p + 1, n - p);
                    return out;
                }
                case 2: { // delete
                    if (n == 0) {
                        return in;
                    }
                    int p = position % n;
                    byte[] out = new byte[n - 1];
                    System.arraycopy(in, 0, out, 0, p);
                    System.arraycopy(in, p + 1, out, p, n - p - 1);
                    return out;
                }
                default: // truncate
                    return Arrays.copyOf(in, position % (n + 1));
            }
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) 'i', (byte) 'l', (byte) 'd', (byte) 'e', (byte) ':',
                (byte) '-', (byte) '0', (byte) '1', (byte) '9');
        Arbitrary<Byte> bytes = Arbitraries.oneOf(interesting, Arbitraries.bytes());
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1 << 20),
                        bytes)
                .as(Mutation::new)
                .list().ofMinSize(1).ofMaxSize(4);
    }

    /** Strings over the bencode alphabet, which decode successfully far more often than uniform bytes. */
    @Provide
    Arbitrary<byte[]> bencodeish() {
        return Arbitraries.strings().withChars("ilde0123456789:-ab").ofMaxLength(40)
                .map(s -> s.getBytes(ISO_8859_1));
    }

    // ------------------------------------------------------------------ properties

    @Property(edgeCases = EdgeCasesMode.FIRST)
    void decodeInvertsEncode(@ForAll("values") Object v) {
        Object back = Bencode.decode(Bencode.encode(v), ROOMY);
        assertThat(deepEquals(v, back)).as("round trip of %s", show(v)).isTrue();
    }

    /** Values with every type the encoder takes, Strings of any chars (unpaired surrogates too) and Integers. */
    @Provide
    Arbitrary<Object> encodable() {
        Arbitrary<Object> leaves = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(24).map(b -> (Object) b),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.integers().map(i -> (Object) i),
                utf8Lengths().list().ofMaxSize(12).map(cs -> {
                    StringBuilder sb = new StringBuilder();
                    cs.forEach(sb::append);
                    return (Object) sb.toString();
                }));
        Arbitrary<String> keys = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(6);
        Arbitrary<Object> lists = leaves.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> maps = Arbitraries.maps(keys, Arbitraries.oneOf(leaves, lists)).ofMaxSize(4)
                .map(m -> (Object) new HashMap<>(m));
        Arbitrary<Object> ordered = Arbitraries.maps(keys, Arbitraries.oneOf(leaves, lists)).ofMaxSize(4)
                .map(m -> (Object) new BencodeMap(m));
        return Arbitraries.oneOf(leaves, lists, maps, ordered, Arbitraries.oneOf(maps, ordered).list().ofMaxSize(3)
                .map(l -> (Object) new ArrayList<>(l)));
    }

    /** Chars of each UTF-8 length alike: 1, 2 and 3 bytes, surrogates (paired: 4 bytes, alone: '?'). */
    private static Arbitrary<Character> utf8Lengths() {
        return Arbitraries.oneOf(Arbitraries.chars().range('\u0000', '\u007f'),
                Arbitraries.chars().range('\u0080', '\u07ff'), Arbitraries.chars().range('\u0800', '\ud7ff'),
                Arbitraries.chars().range('\ud800', '\udbff'), Arbitraries.chars().range('\udc00', '\udfff'),
                Arbitraries.chars().range('\ue000', '\uffff'));
    }

    /** The encoder sizes its buffer by this length: it must be the encoding's. */
    @Property(edgeCases = EdgeCasesMode.FIRST)
    void encodedLengthIsExact(@ForAll("encodable") Object v) {
        assertThat(EncodedLength.of(v, 0)).isEqualTo(Bencode.encode(v).length);
    }

    @Property(edgeCases = EdgeCasesMode.FIRST)
    void encodingIsCanonical(@ForAll("values") Object v) {
        byte[] enc = Bencode.encode(v);
        assertThat(Bencode.encode(Bencode.decode(enc, ROOMY))).isEqualTo(enc);
    }

    @Property
    void randomBytesDecodeOrFailCleanly(@ForAll @Size(max = 64) byte[] input) {
        checkDecodeIsTotalAndUnique(input, BencodeLimits.DEFAULT);
    }

    @Property
    void bencodeAlphabetDecodesOrFailsCleanly(@ForAll("bencodeish") byte[] input) {
        checkDecodeIsTotalAndUnique(input, BencodeLimits.DEFAULT);
    }

    @Property(edgeCases = EdgeCasesMode.FIRST)
    void mutatedEncodingsDecodeOrFailCleanly(@ForAll("values") Object v, @ForAll("mutations") List<Mutation> ms) {
        byte[] input = Bencode.encode(v);
        for (Mutation m : ms) {
            input = m.apply(input);
        }
        checkDecodeIsTotalAndUnique(input, BencodeLimits.DEFAULT);
    }

    @Property(edgeCases = EdgeCasesMode.FIRST)
    void tinyLimitsFailCleanly(@ForAll("values") Object v,
                               @ForAll @IntRange(min = 1, max = 6) int depth,
                               @ForAll @IntRange(min = 1, max = 30) int string,
                               @ForAll @IntRange(min = 1, max = 300) int input,
                               @ForAll @IntRange(min = 1, max = 40) int items) {
        checkDecodeIsTotalAndUnique(Bencode.encode(v), new BencodeLimits(depth, string, input, items));
    }

    private static void checkDecodeIsTotalAndUnique(byte[] input, BencodeLimits limits) {
        Object result;
        try {
            result = Bencode.decode(input, limits);
        } catch (BencodeException expected) {
            assertThat(expected.offset()).isBetween(0, input.length);
            return;
        } catch (Throwable t) {
            fail("decode threw " + t + " instead of BencodeException for " + Arrays.toString(input), t);
            return;
        }
        assertThat(Bencode.encode(result)).as("strict decoding means unique encodings").isEqualTo(input);
    }

    // ------------------------------------------------------------------ helpers

    /** Structural equality where byte[] compares by content and Integer equals the Long of the same value. */
    static boolean deepEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return x.longValue() == y.longValue();
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!deepEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static String show(Object v) {
        return new String(Bencode.encode(v), ISO_8859_1);
    }
}
