package dev.comet.krpc;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** KRPC encoding and strict decoding: BEP 5's examples byte for byte, round trips, and malformed input. */
class KrpcCodecTest {

    private final KrpcCodec codec = new KrpcCodec(BencodeLimits.DEFAULT);

    private static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    private static InetSocketAddress ipv4(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Structural equality of decoded bencode values (byte arrays by content). */
    private static void assertSameValue(Object actual, Object expected, String path) {
        if (expected instanceof byte[] e) {
            assertThat(actual).as(path).isInstanceOf(byte[].class);
            assertThat((byte[]) actual).as(path).isEqualTo(e);
        } else if (expected instanceof Number n) {
            assertThat(actual).as(path).isEqualTo(n.longValue());
        } else if (expected instanceof String s) {
            assertThat(actual).as(path).isInstanceOf(byte[].class);
            assertThat((byte[]) actual).as(path).isEqualTo(s.getBytes(UTF_8));
        } else if (expected instanceof List<?> l) {
            assertThat(actual).as(path).isInstanceOf(List.class);
            List<?> a = (List<?>) actual;
            assertThat(a).as(path).hasSameSizeAs(l);
            for (int i = 0; i < l.size(); i++) {
                assertSameValue(a.get(i), l.get(i), path + "[" + i + "]");
            }
        } else if (expected instanceof Map<?, ?> m) {
            assertThat(actual).as(path).isInstanceOf(Map.class);
            Map<?, ?> a = (Map<?, ?>) actual;
            assertThat(a.keySet()).as(path).isEqualTo(m.keySet());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                assertSameValue(a.get(e.getKey()), e.getValue(), path + "." + e.getKey());
            }
        } else {
            throw new AssertionError("unexpected expected value " + expected);
        }
    }

    // ------------------------------------------------------------------ BEP 5 examples

    private static final String PING_QUERY = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe";
    private static final String PING_RESPONSE = "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re";
    private static final String FIND_NODE_QUERY =
            "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe";
    private static final String FIND_NODE_RESPONSE = "d1:rd2:id20:0123456789abcdefghij5:nodes9:def456...e1:t2:aa1:y1:re";
    private static final String GET_PEERS_QUERY =
            "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe";
    private static final String GET_PEERS_VALUES =
            "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re";
    private static final String GET_PEERS_NODES =
            "d1:rd2:id20:abcdefghij01234567895:nodes9:def456...5:token8:aoeusnthe1:t2:aa1:y1:re";
    private static final String ANNOUNCE_QUERY = "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:"
            + "mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe";
    private static final String ANNOUNCE_RESPONSE = "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re";
    private static final String ERROR = "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee";

    @Example
    void bep5PingQuery() {
        KrpcQuery q = (KrpcQuery) codec.decode(b(PING_QUERY));
        assertThat(q.transactionId()).isEqualTo(b("aa"));
        assertThat(q.method()).isEqualTo("ping");
        assertThat(q.arguments().id("id")).isEqualTo(NodeId.fromBytes(b("abcdefghij0123456789")));
        assertThat(q.arguments().map()).containsOnlyKeys("id");
        assertThat(q.version()).isNull();
        // and the same message encodes to exactly the example
        KrpcQuery built = new KrpcQuery(b("aa"), "ping",
                Dict.builder().put("id", NodeId.fromBytes(b("abcdefghij0123456789"))).build(), null);
        assertThat(new String(codec.encode(built), ISO_8859_1)).isEqualTo(PING_QUERY);
    }

    @Example
    void aKnownMethodIsDecodedToOneSharedNameAndAnyOtherToItsOwn() {
        KrpcQuery first = (KrpcQuery) codec.decode(b(FIND_NODE_QUERY));
        KrpcQuery second = (KrpcQuery) codec.decode(b(FIND_NODE_QUERY));
        assertThat(first.method()).isEqualTo("find_node").isSameAs(second.method());
        KrpcQuery unknown = (KrpcQuery) codec.decode(b("d1:ad2:id20:abcdefghij0123456789e1:q9:find_nodf1:t2:aa1:y1:qe"));
        assertThat(unknown.method()).isEqualTo("find_nodf");
        // a node finds a known method's handler by its number, for the shared name and any copy of it alike
        int number = KnownMethods.numberOf(first.method());
        assertThat(number).isNotNegative().isEqualTo(KnownMethods.numberOf(new String("find_node")));
        assertThat(KnownMethods.name(number)).isSameAs(first.method());
        assertThat(KnownMethods.numberOf(unknown.method())).isEqualTo(-1);
        for (int i = 0; i < KnownMethods.count(); i++) {
            assertThat(KnownMethods.numberOf(KnownMethods.name(i))).isEqualTo(i);
        }
    }

    @Example
    void aNodeIdAmongArgumentsTakenAsObjectsEncodesAsItsBytes() {
        // a map of extra arguments (Map<String, Object>) goes through put(String, Object): it must encode all the same
        Map<String, Object> extra = Map.of("id", NodeId.fromBytes(b("abcdefghij0123456789")));
        Dict.Builder args = Dict.builder();
        extra.forEach(args::put);
        assertThat(new String(codec.encode(new KrpcQuery(b("aa"), "ping", args.build(), null)), ISO_8859_1))
                .isEqualTo(PING_QUERY);
    }

    @Example
    void bep5PingResponse() {
        KrpcResponse r = (KrpcResponse) codec.decode(b(PING_RESPONSE));
        assertThat(r.transactionId()).isEqualTo(b("aa"));
        assertThat(r.values().string("id")).isEqualTo("mnopqrstuvwxyz123456");
        assertThat(r.observedAddress()).isNull();
        assertThat(r.version()).isNull();
        KrpcResponse built = new KrpcResponse(b("aa"), Dict.builder().put("id", (Object) b("mnopqrstuvwxyz123456")).build(),
                null, null);
        assertThat(new String(codec.encode(built), ISO_8859_1)).isEqualTo(PING_RESPONSE);
    }

    @Example
    void bep5FindNode() {
        KrpcQuery q = (KrpcQuery) codec.decode(b(FIND_NODE_QUERY));
        assertThat(q.method()).isEqualTo("find_node");
        assertThat(q.arguments().string("id")).isEqualTo("abcdefghij0123456789");
        assertThat(q.arguments().id("target")).isEqualTo(NodeId.fromBytes(b("mnopqrstuvwxyz123456")));
        assertThat(new String(codec.encode(q), ISO_8859_1)).isEqualTo(FIND_NODE_QUERY);

        KrpcResponse r = (KrpcResponse) codec.decode(b(FIND_NODE_RESPONSE));
        assertThat(r.values().string("id")).isEqualTo("0123456789abcdefghij");
        assertThat(r.values().bytes("nodes")).isEqualTo(b("def456..."));
        // BEP 5's placeholder is not a real compact node list
        assertThatThrownBy(() -> CompactInfo.nodes(r.values().bytes("nodes"))).isInstanceOf(CometException.class);
        assertThat(new String(codec.encode(r), ISO_8859_1)).isEqualTo(FIND_NODE_RESPONSE);
    }

    @Example
    void bep5GetPeers() {
        KrpcQuery q = (KrpcQuery) codec.decode(b(GET_PEERS_QUERY));
        assertThat(q.method()).isEqualTo("get_peers");
        assertThat(q.arguments().string("id")).isEqualTo("abcdefghij0123456789");
        assertThat(q.arguments().string("info_hash")).isEqualTo("mnopqrstuvwxyz123456");
        assertThat(new String(codec.encode(q), ISO_8859_1)).isEqualTo(GET_PEERS_QUERY);

        KrpcResponse withValues = (KrpcResponse) codec.decode(b(GET_PEERS_VALUES));
        assertThat(withValues.values().string("id")).isEqualTo("abcdefghij0123456789");
        assertThat(withValues.values().string("token")).isEqualTo("aoeusnth");
        List<?> values = withValues.values().list("values");
        assertThat(values).hasSize(2);
        assertThat((byte[]) values.get(0)).isEqualTo(b("axje.u"));
        assertThat((byte[]) values.get(1)).isEqualTo(b("idhtnm"));
        // each value is a compact peer: 4 bytes of IPv4 address and 2 of port
        InetSocketAddress peer = CompactInfo.peer((byte[]) values.get(0));
        assertThat(peer.getAddress().getAddress()).isEqualTo(b("axje"));
        assertThat(peer.getPort()).isEqualTo(('.' << 8) | 'u');
        assertThat(new String(codec.encode(withValues), ISO_8859_1)).isEqualTo(GET_PEERS_VALUES);

        KrpcResponse withNodes = (KrpcResponse) codec.decode(b(GET_PEERS_NODES));
        assertThat(withNodes.values().bytes("nodes")).isEqualTo(b("def456..."));
        assertThat(withNodes.values().string("token")).isEqualTo("aoeusnth");
        assertThat(withNodes.values().has("values")).isFalse();
        assertThat(new String(codec.encode(withNodes), ISO_8859_1)).isEqualTo(GET_PEERS_NODES);
    }

    @Example
    void bep5AnnouncePeer() {
        KrpcQuery q = (KrpcQuery) codec.decode(b(ANNOUNCE_QUERY));
        assertThat(q.method()).isEqualTo("announce_peer");
        Dict a = q.arguments();
        assertThat(a.string("id")).isEqualTo("abcdefghij0123456789");
        assertThat(a.integer("implied_port")).isEqualTo(1);
        assertThat(a.id("info_hash")).isEqualTo(NodeId.fromBytes(b("mnopqrstuvwxyz123456")));
        assertThat(a.integer("port")).isEqualTo(6881);
        assertThat(a.bytes("token")).isEqualTo(b("aoeusnth"));
        assertThat(new String(codec.encode(q), ISO_8859_1)).isEqualTo(ANNOUNCE_QUERY);

        KrpcResponse r = (KrpcResponse) codec.decode(b(ANNOUNCE_RESPONSE));
        assertThat(r.values().string("id")).isEqualTo("mnopqrstuvwxyz123456");
    }

    @Example
    void bep5Error() {
        KrpcError e = (KrpcError) codec.decode(b(ERROR));
        assertThat(e.transactionId()).isEqualTo(b("aa"));
        assertThat(e.code()).isEqualTo(KrpcError.GENERIC).isEqualTo(201);
        assertThat(e.message()).isEqualTo("A Generic Error Ocurred");
        assertThat(e.version()).isNull();
        assertThat(new String(codec.encode(new KrpcError(b("aa"), 201, "A Generic Error Ocurred", null)), ISO_8859_1))
                .isEqualTo(ERROR);
    }

    @Example
    void versionAndObservedAddressAreEncodedAndDecoded() {
        InetSocketAddress observed = ipv4(new byte[] {(byte) 192, (byte) 168, 1, 7}, 51413);
        byte[] v = {'C', 'M', 0, 1};
        KrpcResponse r = new KrpcResponse(b("xy"), Dict.builder().put("id", (Object) b("mnopqrstuvwxyz123456")).build(),
                v, observed);
        byte[] encoded = codec.encode(r);
        assertThat(new String(encoded, ISO_8859_1)).isEqualTo("d2:ip6:" + new String(CompactInfo.peer(observed), ISO_8859_1)
                + "1:rd2:id20:mnopqrstuvwxyz123456e1:t2:xy1:v4:CM\u0000\u00011:y1:re");
        KrpcResponse back = (KrpcResponse) codec.decode(encoded);
        assertThat(back.observedAddress()).isEqualTo(observed);
        assertThat(back.version()).isEqualTo(v);
    }

    @Example
    void anIpv6ObservedAddressTravelsIn18Bytes() {
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::7", 6881);
        KrpcResponse r = new KrpcResponse(b("aa"), Dict.builder().put("id", (Object) b("mnopqrstuvwxyz123456")).build(),
                null, v6);
        byte[] encoded = codec.encode(r);
        assertThat(new String(encoded, ISO_8859_1)).startsWith("d2:ip18:");
        assertThat(((KrpcResponse) codec.decode(encoded)).observedAddress()).isEqualTo(v6);
    }

    @Example
    void observedAddressOfTheWrongLengthIsIgnored() {
        Map<String, Object> m = new TreeMap<>();
        m.put("ip", b("12345"));
        m.put("r", Map.of("id", b("mnopqrstuvwxyz123456")));
        m.put("t", b("aa"));
        m.put("y", b("r"));
        KrpcResponse r = (KrpcResponse) codec.decode(Bencode.encode(m));
        assertThat(r.observedAddress()).isNull();
    }

    @Example
    void errorCodesBeyondIntAreClamped() {
        KrpcError e = (KrpcError) codec.decode(b("d1:eli99999999999e1:xe1:t2:aa1:y1:ee"));
        assertThat(e.code()).isEqualTo(Integer.MAX_VALUE);
        assertThat(e.message()).isEqualTo("x");
    }

    // ------------------------------------------------------------------ round trips

    @Provide
    Arbitrary<byte[]> transactionIds() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(KrpcCodec.MAX_TRANSACTION_ID);
    }

    @Provide
    Arbitrary<byte[]> versions() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(6).injectNull(0.3);
    }

    private static Arbitrary<Object> values(int depth) {
        Arbitrary<Object> leaves = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(26).map(x -> (Object) x),
                Arbitraries.longs().map(x -> (Object) x));
        if (depth == 0) {
            return leaves;
        }
        Arbitrary<Object> inner = values(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(4, leaves),
                Tuple.of(1, inner.list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l))),
                Tuple.of(1, dicts(inner).map(d -> (Object) d)));
    }

    private static Arbitrary<Map<String, Object>> dicts(Arbitrary<Object> inner) {
        Arbitrary<String> keys = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(8);
        return Arbitraries.maps(keys, inner).ofMaxSize(4).map(HashMap::new);
    }

    @Provide
    Arbitrary<Dict> bodies() {
        return dicts(values(2)).map(Dict::of);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(1).ofMaxLength(64);
    }

    @Provide
    Arbitrary<InetSocketAddress> ipv4Addresses() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(4), Arbitraries.integers().between(0, 65535))
                .as(KrpcCodecTest::ipv4);
    }

    @Property(tries = 200)
    void queryRoundTrip(@ForAll("transactionIds") byte[] tid, @ForAll("methods") String method,
                        @ForAll("bodies") Dict args, @ForAll("versions") byte[] version) {
        byte[] encoded = codec.encode(new KrpcQuery(tid, method, args, version));
        KrpcMessage m = codec.decode(encoded);
        assertThat(m).isInstanceOf(KrpcQuery.class);
        KrpcQuery q = (KrpcQuery) m;
        assertThat(q.transactionId()).isEqualTo(tid);
        assertThat(q.method()).isEqualTo(method);
        assertThat(q.version()).isEqualTo(version);
        assertSameValue(q.arguments().map(), args.map(), "a");
        assertThat(codec.encode(q)).isEqualTo(encoded);
    }

    @Property(tries = 200)
    void responseRoundTrip(@ForAll("transactionIds") byte[] tid, @ForAll("bodies") Dict values,
                           @ForAll("versions") byte[] version, @ForAll("ipv4Addresses") InetSocketAddress observed,
                           @ForAll boolean withObserved) {
        InetSocketAddress ip = withObserved ? observed : null;
        byte[] encoded = codec.encode(new KrpcResponse(tid, values, version, ip));
        KrpcResponse r = (KrpcResponse) codec.decode(encoded);
        assertThat(r.transactionId()).isEqualTo(tid);
        assertThat(r.version()).isEqualTo(version);
        assertThat(r.observedAddress()).isEqualTo(ip);
        assertSameValue(r.values().map(), values.map(), "r");
        assertThat(codec.encode(r)).isEqualTo(encoded);
    }

    @Property(tries = 200)
    void errorRoundTrip(@ForAll("transactionIds") byte[] tid, @ForAll int code,
                        @ForAll("messages") String message, @ForAll("versions") byte[] version) {
        byte[] encoded = codec.encode(new KrpcError(tid, code, message, version));
        KrpcError e = (KrpcError) codec.decode(encoded);
        assertThat(e.transactionId()).isEqualTo(tid);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.message()).isEqualTo(message);
        assertThat(e.version()).isEqualTo(version);
        assertThat(codec.encode(e)).isEqualTo(encoded);
    }

    @Provide
    Arbitrary<String> messages() {
        // any text without lone surrogates, which UTF-8 cannot carry
        return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\uffff').ofMaxLength(40);
    }

    @Property(tries = 200)
    void decodingNeverThrowsAnythingButKrpcDecodeException(@ForAll("mutatedMessages") byte[] datagram) {
        try {
            KrpcMessage m = codec.decode(datagram);
            assertThat(m.transactionId()).isNotNull();
            assertThat(m.transactionId().length).isLessThanOrEqualTo(KrpcCodec.MAX_TRANSACTION_ID);
        } catch (KrpcDecodeException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
            if (e.replyTo() != null) {
                assertThat(e.replyTo().length).isLessThanOrEqualTo(KrpcCodec.MAX_TRANSACTION_ID);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedMessages() {
        List<byte[]> seeds = List.of(b(PING_QUERY), b(PING_RESPONSE), b(FIND_NODE_QUERY), b(GET_PEERS_VALUES),
                b(ANNOUNCE_QUERY), b(ERROR));
        return Combinators.combine(Arbitraries.of(seeds), Arbitraries.integers().between(0, 200),
                        Arbitraries.bytes(), Arbitraries.integers().between(0, 2))
                .as((seed, pos, value, kind) -> {
                    int p = pos % seed.length;
                    return switch (kind) {
                        case 0 -> {
                            byte[] out = seed.clone();
                            out[p] = value;
                            yield out;
                        }
                        case 1 -> Arrays.copyOf(seed, p);
                        default -> {
                            byte[] out = new byte[seed.length - 1];
                            System.arraycopy(seed, 0, out, 0, p);
                            System.arraycopy(seed, p + 1, out, p, seed.length - p - 1);
                            yield out;
                        }
                    };
                });
    }

    // ------------------------------------------------------------------ malformed input

    private KrpcDecodeException decodeFails(byte[] datagram) {
        KrpcDecodeException e = catchThrowableOfType(KrpcDecodeException.class, () -> codec.decode(datagram));
        assertThat(e).as("decoding %s", new String(datagram, ISO_8859_1)).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
        return e;
    }

    private KrpcDecodeException decodeFails(Map<String, Object> message) {
        return decodeFails(Bencode.encode(message));
    }

    private static Map<String, Object> message(Object... keyValues) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            m.put((String) keyValues[i], v instanceof String s ? b(s) : v);
        }
        return m;
    }

    private static final Map<String, Object> PING_ARGS = Map.of("id", b("abcdefghij0123456789"));

    @Example
    void queriesWithATransactionIdGetAReplyTo() {
        // missing 'a'
        assertThat(decodeFails(message("q", "ping", "t", "aa", "y", "q")).replyTo()).isEqualTo(b("aa"));
        // 'a' not a dictionary
        assertThat(decodeFails(message("a", List.of(b("x")), "q", "ping", "t", "aa", "y", "q")).replyTo()).isEqualTo(b("aa"));
        assertThat(decodeFails(message("a", 5L, "q", "ping", "t", "aa", "y", "q")).replyTo()).isEqualTo(b("aa"));
        assertThat(decodeFails(message("a", "args", "q", "ping", "t", "aa", "y", "q")).replyTo()).isEqualTo(b("aa"));
        // missing, empty, oversized or non-string method
        assertThat(decodeFails(message("a", PING_ARGS, "t", "aa", "y", "q")).replyTo()).isEqualTo(b("aa"));
        assertThat(decodeFails(message("a", PING_ARGS, "q", "", "t", "aa", "y", "q")).replyTo()).isEqualTo(b("aa"));
        assertThat(decodeFails(message("a", PING_ARGS, "q", "m".repeat(65), "t", "aa", "y", "q")).replyTo()).isEqualTo(b("aa"));
        assertThat(decodeFails(message("a", PING_ARGS, "q", 1L, "t", "aa", "y", "q")).replyTo()).isEqualTo(b("aa"));
        // a 64-byte method is still fine
        assertThat(((KrpcQuery) codec.decode(Bencode.encode(message("a", PING_ARGS, "q", "m".repeat(64), "t", "aa", "y", "q"))))
                .method()).hasSize(64);
    }

    @Example
    void nonDictionariesAreDropped() {
        for (String s : new String[] {"li1ee", "4:spam", "i3e", "le", "", "d", "x", "d1:t2:aa", "de",
                PING_QUERY + "x", PING_QUERY.substring(0, PING_QUERY.length() - 1)}) {
            assertThat(decodeFails(b(s)).replyTo()).as("'%s'", s).isNull();
        }
    }

    @Example
    void unsortedOrDuplicateKeysAreDropped() {
        assertThat(decodeFails(b("d1:t2:aa1:ad2:id20:abcdefghij0123456789e1:q4:ping1:y1:qe")).replyTo()).isNull();
    }

    @Example
    void messagesWithoutAUsableTransactionIdAreDropped() {
        // missing t
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "y", "q")).replyTo()).isNull();
        // t not a string
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "t", 7L, "y", "q")).replyTo()).isNull();
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "t", List.of(), "y", "q")).replyTo()).isNull();
        // t too long
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "t", "x".repeat(KrpcCodec.MAX_TRANSACTION_ID + 1), "y", "q"))
                .replyTo()).isNull();
        // the longest accepted one
        assertThat(codec.decode(Bencode.encode(message("a", PING_ARGS, "q", "ping", "t",
                "x".repeat(KrpcCodec.MAX_TRANSACTION_ID), "y", "q"))).transactionId()).hasSize(KrpcCodec.MAX_TRANSACTION_ID);
    }

    @Example
    void unknownOrMissingMessageTypesAreDropped() {
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "t", "aa")).replyTo()).isNull();
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "t", "aa", "y", "x")).replyTo()).isNull();
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "t", "aa", "y", "qq")).replyTo()).isNull();
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "t", "aa", "y", "")).replyTo()).isNull();
        assertThat(decodeFails(message("a", PING_ARGS, "q", "ping", "t", "aa", "y", 1L)).replyTo()).isNull();
    }

    @Example
    void brokenResponsesAndErrorsAreDropped() {
        // response without r, or r not a dictionary
        assertThat(decodeFails(message("t", "aa", "y", "r")).replyTo()).isNull();
        assertThat(decodeFails(message("r", "id", "t", "aa", "y", "r")).replyTo()).isNull();
        assertThat(decodeFails(message("r", List.of(), "t", "aa", "y", "r")).replyTo()).isNull();
        // error without e, e not a list, too short or of the wrong types
        assertThat(decodeFails(message("t", "aa", "y", "e")).replyTo()).isNull();
        assertThat(decodeFails(message("e", "oops", "t", "aa", "y", "e")).replyTo()).isNull();
        assertThat(decodeFails(message("e", List.of(201L), "t", "aa", "y", "e")).replyTo()).isNull();
        assertThat(decodeFails(message("e", List.of(b("oops"), 201L), "t", "aa", "y", "e")).replyTo()).isNull();
        assertThat(decodeFails(message("e", List.of(201L, 202L), "t", "aa", "y", "e")).replyTo()).isNull();
    }

    @Example
    void oversizedOrTooDeepDatagramsAreDropped() {
        KrpcCodec strict = new KrpcCodec(new BencodeLimits(3, 64, 128, 64));
        byte[] big = Bencode.encode(message("a", Map.of("id", b("x".repeat(100))), "q", "ping", "t", "aa", "y", "q"));
        KrpcDecodeException e = catchThrowableOfType(KrpcDecodeException.class, () -> strict.decode(big));
        assertThat(e).isNotNull();
        assertThat(e.replyTo()).isNull();
        byte[] deep = Bencode.encode(message("a", Map.of("x", List.of(List.of(List.of()))), "q", "ping", "t", "aa", "y", "q"));
        e = catchThrowableOfType(KrpcDecodeException.class, () -> strict.decode(deep));
        assertThat(e).isNotNull();
        assertThat(e.replyTo()).isNull();
        // within the limits the same codec decodes
        assertThat(strict.decode(b(PING_QUERY))).isInstanceOf(KrpcQuery.class);
    }

    // ------------------------------------------------------------------ compact info

    @Provide
    Arbitrary<List<Contact>> ipv4Contacts() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(NodeId.BYTES),
                        Arbitraries.bytes().array(byte[].class).ofSize(4), Arbitraries.integers().between(1, 65535))
                .as((id, ip, port) -> new Contact(NodeId.fromBytes(id), ipv4(ip, port)))
                .list().ofMaxSize(20);
    }

    @Property(tries = 200)
    void compactPeerRoundTrip(@ForAll("ipv4Addresses") InetSocketAddress address) {
        assertThat(CompactInfo.encodable(address)).isTrue();
        byte[] compact = CompactInfo.peer(address);
        assertThat(compact).hasSize(CompactInfo.PEER_BYTES);
        assertThat(Arrays.copyOf(compact, 4)).isEqualTo(address.getAddress().getAddress());
        assertThat(((compact[4] & 0xFF) << 8) | (compact[5] & 0xFF)).isEqualTo(address.getPort());
        assertThat(CompactInfo.peer(compact)).isEqualTo(address);
    }

    @Property(tries = 200)
    void compactNodesRoundTrip(@ForAll("ipv4Contacts") List<Contact> contacts) {
        byte[] compact = CompactInfo.nodes(contacts);
        assertThat(compact).hasSize(contacts.size() * CompactInfo.NODE_BYTES);
        for (int i = 0; i < contacts.size(); i++) {
            int off = i * CompactInfo.NODE_BYTES;
            assertThat(NodeId.fromBytes(compact, off)).isEqualTo(contacts.get(i).id());
            assertThat(CompactInfo.peer(Arrays.copyOfRange(compact, off + NodeId.BYTES, off + CompactInfo.NODE_BYTES)))
                    .isEqualTo(contacts.get(i).address());
        }
        assertThat(CompactInfo.nodes(compact)).containsExactlyElementsOf(contacts);
    }

    @Property(tries = 100)
    void compactNodesOfTheWrongLengthAreRejected(@ForAll @IntRange(min = 1, max = 300) int length) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) 1);
        if (length % CompactInfo.NODE_BYTES == 0) {
            assertThat(CompactInfo.nodes(data)).hasSize(length / CompactInfo.NODE_BYTES);
        } else {
            assertThatThrownBy(() -> CompactInfo.nodes(data)).isInstanceOf(CometException.class)
                    .hasMessageContaining(String.valueOf(length));
        }
    }

    @Provide
    Arbitrary<List<Contact>> ipv6Contacts() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(NodeId.BYTES),
                        Arbitraries.bytes().array(byte[].class).ofSize(16), Arbitraries.integers().between(1, 65535))
                .as((id, ip, port) -> new Contact(NodeId.fromBytes(id), ipv6(ip, port)))
                .filter(c -> CompactInfo.ipv6(c.address())) // ::ffff:a.b.c.d reads back as IPv4
                .list().ofMaxSize(20);
    }

    private static InetSocketAddress ipv6(byte[] ip, int port) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 200)
    void compactNodes6RoundTripAndTheFamiliesSplit(@ForAll("ipv6Contacts") List<Contact> v6,
                                                   @ForAll("ipv4Contacts") List<Contact> v4) {
        List<Contact> mixed = new java.util.ArrayList<>(v6);
        mixed.addAll(v4);
        java.util.Collections.shuffle(mixed, new java.util.Random(v6.size() * 31L + v4.size()));
        byte[] compact = CompactInfo.nodes6(mixed);
        assertThat(compact).hasSize(v6.size() * CompactInfo.NODE6_BYTES);
        assertThat(CompactInfo.nodes6(compact)).containsExactlyInAnyOrderElementsOf(v6);
        Dict answer = CompactInfo.putNodes(Dict.builder(), mixed, Dict.builder().build()).build();
        assertThat(answer.has("nodes6")).isEqualTo(!v6.isEmpty());
        assertThat(CompactInfo.nodesIn(answer)).containsExactlyInAnyOrderElementsOf(mixed);
    }

    @Property(tries = 100)
    void compactNodes6OfTheWrongLengthAreRejected(@ForAll @IntRange(min = 1, max = 400) int length) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) 1);
        if (length % CompactInfo.NODE6_BYTES == 0) {
            assertThat(CompactInfo.nodes6(data)).hasSize(length / CompactInfo.NODE6_BYTES);
        } else {
            assertThatThrownBy(() -> CompactInfo.nodes6(data)).isInstanceOf(CometException.class)
                    .hasMessageContaining(String.valueOf(length)).hasMessageContaining("nodes6");
        }
    }

    @Example
    void wantChoosesTheFamiliesOfAnAnswer() {
        Contact a = new Contact(NodeId.ofKey("a"), ipv4(new byte[] {1, 2, 3, 4}, 1));
        Contact b = new Contact(NodeId.ofKey("b"), new InetSocketAddress("2001:db8::1", 2));
        List<Contact> both = List.of(a, b);
        Dict none = Dict.builder().build();
        Dict n4 = Dict.builder().put("want", List.of(b("n4"))).build();
        Dict n6 = Dict.builder().put("want", List.of(b("n6"))).build();
        Dict n46 = Dict.builder().put("want", List.of(b("n4"), b("n6"))).build();
        assertThat(CompactInfo.putNodes(Dict.builder(), both, none).build().map()).containsOnlyKeys("nodes", "nodes6");
        assertThat(CompactInfo.putNodes(Dict.builder(), both, n4).build().map()).containsOnlyKeys("nodes");
        assertThat(CompactInfo.putNodes(Dict.builder(), both, n6).build().map()).containsOnlyKeys("nodes6");
        assertThat(CompactInfo.putNodes(Dict.builder(), both, n46).build().map()).containsOnlyKeys("nodes", "nodes6");
        // no IPv6 contact: a BEP 5 answer, nodes only (empty when there is nothing to name)
        assertThat(CompactInfo.putNodes(Dict.builder(), List.of(a), none).build().map()).containsOnlyKeys("nodes");
        assertThat(CompactInfo.putNodes(Dict.builder(), List.of(), none).build().bytes("nodes")).isEmpty();
        // a malformed nodes6 in an answer is a protocol error, as a malformed nodes is
        Dict bad = Dict.builder().put("nodes", new byte[0]).put("nodes6", new byte[37]).build();
        assertThatThrownBy(() -> CompactInfo.nodesIn(bad)).isInstanceOf(CometException.class);
    }

    @Example
    void compactInfoEdgeCases() {
        assertThat(CompactInfo.nodes(new byte[0])).isEmpty();
        assertThat(CompactInfo.nodes(List.of())).isEmpty();
        for (int n : new int[] {0, 5, 7, 26}) {
            assertThatThrownBy(() -> CompactInfo.peer(new byte[n])).isInstanceOf(CometException.class);
        }
        InetSocketAddress v6 = new InetSocketAddress("::1", 6881);
        assertThat(CompactInfo.encodable(v6)).isTrue();
        assertThat(CompactInfo.peer(v6)).hasSize(CompactInfo.PEER6_BYTES);
        assertThat(CompactInfo.peer(CompactInfo.peer(v6))).isEqualTo(v6);
        assertThat(CompactInfo.encodable(InetSocketAddress.createUnresolved("example.org", 6881))).isFalse();
        // BEP 32: IPv6 contacts go in nodes6, IPv4 ones in nodes, each family in order
        Contact a = new Contact(NodeId.ofKey("a"), ipv4(new byte[] {1, 2, 3, 4}, 1));
        Contact b = new Contact(NodeId.ofKey("b"), v6);
        Contact c = new Contact(NodeId.ofKey("c"), ipv4(new byte[] {5, 6, 7, 8}, 65535));
        Contact d = new Contact(NodeId.ofKey("d"), new InetSocketAddress("2001:db8::1", 65535));
        assertThat(CompactInfo.nodes(CompactInfo.nodes(List.of(a, b, c, d)))).containsExactly(a, c);
        assertThat(CompactInfo.nodes6(List.of(a, b, c, d))).hasSize(2 * CompactInfo.NODE6_BYTES);
        assertThat(CompactInfo.nodes6(CompactInfo.nodes6(List.of(a, b, c, d)))).containsExactly(b, d);
        // a node advertising port 0 cannot be reached and is skipped
        Contact zero = new Contact(NodeId.ofKey("z"), ipv4(new byte[] {9, 9, 9, 9}, 0));
        assertThat(CompactInfo.nodes(CompactInfo.nodes(List.of(a, zero, c)))).containsExactly(a, c);
    }

    // ------------------------------------------------------------------ Dict

    private static final Dict SAMPLE = Dict.of(Map.of(
            "str", b("hello"),
            "num", 42L,
            "lst", List.of(1L),
            "dct", Map.of("inner", b("x")),
            "short", b("too short for an id")));

    private static void failsNaming(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOf(CometException.class)
                .hasMessageContaining("'" + field + "'")
                .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.PROTOCOL));
    }

    @Example
    void dictAccessorsReturnTheRightTypes() {
        assertThat(SAMPLE.bytes("str")).isEqualTo(b("hello"));
        assertThat(SAMPLE.string("str")).isEqualTo("hello");
        assertThat(SAMPLE.optionalBytes("str")).isEqualTo(b("hello"));
        assertThat(SAMPLE.optionalBytes("absent")).isNull();
        assertThat(SAMPLE.integer("num")).isEqualTo(42L);
        assertThat(SAMPLE.optionalInteger("num", 7)).isEqualTo(42L);
        assertThat(SAMPLE.optionalInteger("absent", 7)).isEqualTo(7L);
        assertThat(SAMPLE.list("lst")).isEqualTo(List.of(1L));
        assertThat(SAMPLE.dict("dct").bytes("inner")).isEqualTo(b("x"));
        assertThat(SAMPLE.has("num")).isTrue();
        assertThat(SAMPLE.has("absent")).isFalse();
        assertThatThrownBy(() -> SAMPLE.map().put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Example
    void dictAccessorsNameTheFieldOfTheWrongType() {
        failsNaming(() -> SAMPLE.bytes("num"), "num");
        failsNaming(() -> SAMPLE.bytes("absent"), "absent");
        failsNaming(() -> SAMPLE.string("lst"), "lst");
        failsNaming(() -> SAMPLE.optionalBytes("dct"), "dct");
        failsNaming(() -> SAMPLE.id("num"), "num");
        failsNaming(() -> SAMPLE.id("short"), "short");
        failsNaming(() -> SAMPLE.id("absent"), "absent");
        failsNaming(() -> SAMPLE.integer("str"), "str");
        failsNaming(() -> SAMPLE.integer("absent"), "absent");
        failsNaming(() -> SAMPLE.optionalInteger("str", 0), "str");
        failsNaming(() -> SAMPLE.list("dct"), "dct");
        failsNaming(() -> SAMPLE.list("absent"), "absent");
        failsNaming(() -> SAMPLE.dict("lst"), "lst");
        failsNaming(() -> SAMPLE.dict("str"), "str");
        failsNaming(() -> SAMPLE.dict("absent"), "absent");
    }

    @Example
    void dictBuilderSortsKeysAndSkipsNulls() {
        NodeId id = NodeId.ofKey("id");
        Dict d = Dict.builder().put("z", 1L).put("a", id).put("m", (Object) null).put("b", (Object) b("v")).build();
        assertThat(d.map()).containsOnlyKeys("a", "b", "z");
        assertThat(new ArrayList<>(d.map().keySet())).containsExactly("a", "b", "z");
        assertThat(d.id("a")).isEqualTo(id);
        assertThat(d.integer("z")).isEqualTo(1L);
    }
}
