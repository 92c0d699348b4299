package dev.comet.bencode;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BencodeTest {

    private static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    private static String s(byte[] bytes) {
        return new String(bytes, ISO_8859_1);
    }

    private static BencodeException refused(String input) {
        return refused(b(input), BencodeLimits.DEFAULT);
    }

    private static BencodeException refused(byte[] input, BencodeLimits limits) {
        BencodeException e = catchThrowableOfType(BencodeException.class, () -> Bencode.decode(input, limits));
        assertThat(e).as("decode of %s should be refused", s(input)).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
        assertThat(e.getMessage()).startsWith("bencode: ").contains("at offset " + e.offset());
        return e;
    }

    // ------------------------------------------------------------------ known encodings

    @Test
    void encodesString() {
        assertThat(s(Bencode.encode(b("spam")))).isEqualTo("4:spam");
        assertThat(s(Bencode.encode("spam"))).isEqualTo("4:spam");
        assertThat(s(Bencode.encode(new byte[0]))).isEqualTo("0:");
    }

    @Test
    void encodesJavaStringAsUtf8() {
        assertThat(Bencode.encode("é")).isEqualTo(new byte[] {'2', ':', (byte) 0xC3, (byte) 0xA9});
    }

    @Test
    void encodesIntegers() {
        assertThat(s(Bencode.encode(-3L))).isEqualTo("i-3e");
        assertThat(s(Bencode.encode(-3))).isEqualTo("i-3e");
        assertThat(s(Bencode.encode(0L))).isEqualTo("i0e");
        assertThat(s(Bencode.encode(42))).isEqualTo("i42e");
        assertThat(s(Bencode.encode(Long.MAX_VALUE))).isEqualTo("i9223372036854775807e");
        assertThat(s(Bencode.encode(Long.MIN_VALUE))).isEqualTo("i-9223372036854775808e");
        assertThat(s(Bencode.encode(Integer.MIN_VALUE))).isEqualTo("i-2147483648e");
    }

    @Test
    void decodesExtremeIntegers() {
        assertThat(Bencode.decode(b("i9223372036854775807e"))).isEqualTo(Long.MAX_VALUE);
        assertThat(Bencode.decode(b("i-9223372036854775808e"))).isEqualTo(Long.MIN_VALUE);
        assertThat(Bencode.decode(b("i0e"))).isEqualTo(0L);
        assertThat(Bencode.decode(b("i-3e"))).isEqualTo(-3L);
    }

    @Test
    void encodesAndDecodesList() {
        assertThat(s(Bencode.encode(List.of("spam", 42)))).isEqualTo("l4:spami42ee");
        Object v = Bencode.decode(b("l4:spami42ee"));
        assertThat(v).isInstanceOf(ArrayList.class);
        List<?> list = (List<?>) v;
        assertThat(list).hasSize(2);
        assertThat((byte[]) list.get(0)).isEqualTo(b("spam"));
        assertThat(list.get(1)).isEqualTo(42L);
        assertThat(Bencode.decode(b("le"))).isEqualTo(List.of());
    }

    @Test
    void encodesAndDecodesDictionary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("foo", 42);
        m.put("bar", "spam");
        assertThat(s(Bencode.encode(m))).isEqualTo("d3:bar4:spam3:fooi42ee");

        Object v = Bencode.decode(b("d3:bar4:spam3:fooi42ee"));
        assertThat(v).isInstanceOf(BencodeMap.class);
        Map<?, ?> d = (Map<?, ?>) v;
        assertThat(new ArrayList<Object>(d.keySet())).containsExactly("bar", "foo");
        assertThat((byte[]) d.get("bar")).isEqualTo(b("spam"));
        assertThat(d.get("foo")).isEqualTo(42L);
        assertThat(Bencode.decode(b("de"))).isEqualTo(Map.of());
    }

    @Test
    void bep5PingQueryRoundTrips() {
        String ping = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe";
        Map<?, ?> msg = (Map<?, ?>) Bencode.decode(b(ping));
        assertThat((byte[]) msg.get("q")).isEqualTo(b("ping"));
        assertThat((byte[]) msg.get("t")).isEqualTo(b("aa"));
        assertThat((byte[]) msg.get("y")).isEqualTo(b("q"));
        assertThat((byte[]) ((Map<?, ?>) msg.get("a")).get("id")).isEqualTo(b("abcdefghij0123456789"));
        assertThat(s(Bencode.encode(msg))).isEqualTo(ping);

        // Built by hand in an arbitrary order, it encodes to the same bytes.
        Map<String, Object> q = new HashMap<>();
        q.put("y", "q");
        q.put("t", b("aa"));
        q.put("q", "ping");
        q.put("a", Map.of("id", b("abcdefghij0123456789")));
        assertThat(s(Bencode.encode(q))).isEqualTo(ping);
    }

    @Test
    void unsortedHashMapIsEncodedInCanonicalOrder() {
        Map<String, Object> m = new HashMap<>();
        for (String k : new String[] {"zz", "a", "\u00ff", "b", "aa", "\u0000", "Z", "\u0080x", "ab"}) {
            m.put(k, 1);
        }
        byte[] enc = Bencode.encode(m);
        assertThat(s(enc)).isEqualTo(
                "d1:\u0000i1e1:Zi1e1:ai1e2:aai1e2:abi1e1:bi1e2:zzi1e2:\u0080xi1e1:\u00ffi1ee");
        assertThat(Bencode.encode(Bencode.decode(enc))).isEqualTo(enc);
    }

    @Test
    void sortedMapWithForeignComparatorIsStillCanonical() {
        TreeMap<String, Object> m = new TreeMap<>(Comparator.reverseOrder());
        m.put("a", 1);
        m.put("b", 2);
        assertThat(s(Bencode.encode(m))).isEqualTo("d1:ai1e1:bi2ee");
    }

    @Test
    void keyHelpersRoundTripRawBytes() {
        byte[] raw = {0, (byte) 0x80, (byte) 0xFF, 'x'};
        assertThat(Bencode.keyBytes(Bencode.key(raw))).isEqualTo(raw);
        assertThat(Bencode.key(b("id"))).isEqualTo("id");
    }

    @Test
    void binaryStringWithAll256ByteValuesRoundTrips() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        byte[] enc = Bencode.encode(all);
        assertThat(Bencode.decode(enc)).isEqualTo(all);

        // and as a dictionary key
        Map<String, Object> m = new TreeMap<>();
        m.put(Bencode.key(all), all);
        Map<?, ?> back = (Map<?, ?>) Bencode.decode(Bencode.encode(m));
        assertThat(Bencode.keyBytes((String) back.keySet().iterator().next())).isEqualTo(all);
        assertThat((byte[]) back.values().iterator().next()).isEqualTo(all);
    }

    // ------------------------------------------------------------------ encode errors

    @Test
    void encodeRefusesUnsupportedTypes() {
        for (Object bad : new Object[] {null, 1.5, (short) 1, new Object(), true, new int[] {1}}) {
            BencodeException e = catchThrowableOfType(BencodeException.class, () -> Bencode.encode(bad));
            assertThat(e).as("encode(%s)", bad).isNotNull();
            assertThat(e.offset()).isEqualTo(-1);
            assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
        }
        assertThatThrownBy(() -> Bencode.encode(Arrays.asList(1, null))).isInstanceOf(BencodeException.class);
    }

    @Test
    void encodeRefusesBadKeys() {
        assertThatThrownBy(() -> Bencode.encode(Map.of("\u0100", 1)))
                .isInstanceOf(BencodeException.class).hasMessageContaining("U+0100");
        assertThatThrownBy(() -> Bencode.encode(new TreeMap<>(Map.of("ok", 1, "\u20ac", 2))))
                .isInstanceOf(BencodeException.class);
        assertThatThrownBy(() -> Bencode.encode(Map.of(1, 1))).isInstanceOf(BencodeException.class);
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        assertThatThrownBy(() -> Bencode.encode(nullKey)).isInstanceOf(BencodeException.class);
        assertThatThrownBy(() -> Bencode.keyBytes("\u0100")).isInstanceOf(BencodeException.class);
    }

    @Test
    void encodeRefusesCycles() {
        List<Object> self = new ArrayList<>();
        self.add(self);
        BencodeException e = catchThrowableOfType(BencodeException.class, () -> Bencode.encode(self));
        assertThat(e).isNotNull();
        assertThat(e.offset()).isEqualTo(-1);
    }

    @Test
    void exceptionIsACometException() {
        BencodeException e = refused("x");
        assertThat(e).isInstanceOf(CometException.class);
        assertThat(e.getMessage()).isEqualTo("bencode: unexpected byte 0x78 at offset 0");
    }

    // ------------------------------------------------------------------ strictness

    @Test
    void refusesEmptyInput() {
        assertThat(refused("").offset()).isEqualTo(0);
    }

    @Test
    void refusesUnknownTypeByte() {
        assertThat(refused("x").offset()).isEqualTo(0);
        assertThat(refused("l4:spamxe").offset()).isEqualTo(7);
    }

    @Test
    void refusesNegativeZero() {
        refused("i-0e");
    }

    @Test
    void refusesIntegerLeadingZeros() {
        refused("i03e");
        refused("i00e");
        refused("i-03e");
    }

    @Test
    void refusesEmptyInteger() {
        assertThat(refused("ie").offset()).isEqualTo(1);
    }

    @Test
    void refusesMinusOnlyInteger() {
        refused("i-e");
    }

    @Test
    void refusesNonDigitsInInteger() {
        assertThat(refused("i12x3e").offset()).isEqualTo(3);
        refused("i+3e");
        refused("i 3e");
        refused("i--3e");
        refused("i1-e");
        refused("i0x1e");
    }

    @Test
    void refusesUnterminatedInteger() {
        refused("i12");
        refused("i");
        refused("i0");
    }

    @Test
    void refusesIntegerOverflow() {
        refused("i9223372036854775808e");
        refused("i-9223372036854775809e");
        refused("i99999999999999999999999e");
    }

    @Test
    void refusesStringLengthWithLeadingZeros() {
        assertThat(refused("03:abc").offset()).isEqualTo(0);
        refused("00:");
    }

    @Test
    void refusesStringLengthWithoutColon() {
        assertThat(refused("3abc").offset()).isEqualTo(1);
        refused("3");
        refused("12");
    }

    @Test
    void refusesStringLongerThanRemainingInput() {
        BencodeException e = refused("l6:spame");
        assertThat(e.offset()).isEqualTo(1);
    }

    @Test
    void refusesNonStringDictionaryKey() {
        assertThat(refused("di1ei2ee").offset()).isEqualTo(1);
        refused("dlei1ee");
    }

    @Test
    void refusesUnsortedDictionaryKeys() {
        BencodeException e = refused("d3:fooi1e3:bari2ee");
        assertThat(e.offset()).isEqualTo(9);
        // raw unsigned byte order: 0x80 sorts after 'z'
        refused("d1:\u0080i1e1:zi2ee");
        Bencode.decode(b("d1:zi2e1:\u0080i1ee"));
        // a prefix sorts first
        refused("d2:aai1e1:ai2ee");
    }

    @Test
    void refusesDuplicateDictionaryKeys() {
        assertThat(refused("d1:ai1e1:ai2ee").offset()).isEqualTo(7);
    }

    @Test
    void refusesDictionaryKeyWithoutValue() {
        assertThat(refused("d1:ae").offset()).isEqualTo(4);
        refused("d1:a");
        refused("d1:ai1e1:be");
    }

    @Test
    void refusesTrailingBytes() {
        assertThat(refused("i1ei2e").offset()).isEqualTo(3);
        refused("4:spamx");
        refused("lee");
        refused("de\0");
    }

    @Test
    void refusesUnterminatedContainers() {
        refused("l");
        refused("li1e");
        refused("d");
        refused("d1:ai1e");
        refused("lld1:ale");
    }

    // ------------------------------------------------------------------ limits

    private static byte[] nestedLists(int depth) {
        byte[] out = new byte[depth * 2];
        Arrays.fill(out, 0, depth, (byte) 'l');
        Arrays.fill(out, depth, depth * 2, (byte) 'e');
        return out;
    }

    @Test
    void depthLimit() {
        Object v = Bencode.decode(nestedLists(32));
        assertThat(Bencode.encode(v)).isEqualTo(nestedLists(32));
        BencodeException e = refused(nestedLists(33), BencodeLimits.DEFAULT);
        assertThat(e.offset()).isEqualTo(32);
        assertThat(e.getMessage()).contains("nesting");
    }

    @Test
    void deepNestingWithHugeDepthLimitDoesNotOverflowTheStack() {
        int depth = 200_000;
        BencodeLimits big = new BencodeLimits(depth, 16, depth * 2, depth);
        Object v = Bencode.decode(nestedLists(depth), big);
        assertThat(v).isInstanceOf(List.class);
    }

    @Test
    void stringLengthLimit() {
        byte[] okString = new byte[16384];
        assertThat((byte[]) Bencode.decode(Bencode.encode(okString), new BencodeLimits(32, 16384, 20000, 10)))
                .hasSize(16384);

        byte[] tooLong = Bencode.encode(new byte[16385]);
        BencodeException e = refused(tooLong, new BencodeLimits(32, 16384, 20000, 10));
        assertThat(e.getMessage()).contains("string length 16385 exceeds limit 16384").endsWith("at offset 0");

        // The claimed length alone is refused, whatever follows.
        assertThat(refused("l16385:abce").getMessage())
                .isEqualTo("bencode: string length 16385 exceeds limit 16384 at offset 1");
    }

    @Test
    void hugeClaimedLengthRefusedWithoutAllocation() {
        BencodeException e = refused("99999999999:");
        assertThat(e.getMessage()).contains("99999999999");
        assertThat(e.offset()).isEqualTo(0);
        refused("2147483647:x");
        refused("9223372036854775808999:x");
        BencodeLimits lax = new BencodeLimits(32, Integer.MAX_VALUE, 16384, 4096);
        refused(b("2147483647:x"), lax);
        refused(b("4294967297:x"), lax);
    }

    @Test
    void inputLengthLimit() {
        byte[] big = Bencode.encode(new byte[16380]);
        assertThat(big.length).isGreaterThan(16384);
        refused(big, BencodeLimits.DEFAULT);
    }

    @Test
    void itemLimit() {
        BencodeLimits three = new BencodeLimits(32, 100, 100, 3);
        assertThat(Bencode.decode(b("li1ei2ee"), three)).isEqualTo(List.of(1L, 2L));
        assertThat(refused(b("li1ei2ei3ee"), three).offset()).isEqualTo(7);
        // dictionary keys count too
        refused(b("d1:ai1e1:bi2ee"), three);

        StringBuilder sb = new StringBuilder("l");
        for (int i = 0; i < 5000; i++) {
            sb.append("0:");
        }
        refused(sb.append('e').toString());
    }

    @Test
    void limitsAreValidated() {
        assertThat(BencodeLimits.DEFAULT).isEqualTo(new BencodeLimits(32, 16384, 16384, 4096));
        assertThatThrownBy(() -> new BencodeLimits(0, 1, 1, 1)).isInstanceOf(CometException.class);
        assertThatThrownBy(() -> new BencodeLimits(1, 0, 1, 1)).isInstanceOf(CometException.class);
        assertThatThrownBy(() -> new BencodeLimits(1, 1, -1, 1)).isInstanceOf(CometException.class);
        assertThatThrownBy(() -> new BencodeLimits(1, 1, 1, 0)).isInstanceOf(CometException.class);
    }

    @Test
    void stringValuesRoundTripAsUtf8Bytes() {
        assertThat(Bencode.decode(Bencode.encode("héllo"))).isEqualTo("héllo".getBytes(UTF_8));
    }
}
