package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** QueryDispatch, through Node: what happens to oversized, garbled, malformed and unknown datagrams, and counting. */
class QueryDispatchTest {
    private final NodeUnderTest n = NodeUnderTest.withDefaults();
    private final Peer a = new Peer(NodeId.ofKey("peer a"), 10);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void anOversizedDatagramIsDroppedUnread() {
        int max = n.node.config().maxDatagramBytes();
        byte[] big = a.query("ping", a.args().put("pad", new byte[max]).build());
        assertThat(big.length).isGreaterThan(max);

        assertThat(n.deliver(a, big)).isEmpty();

        assertThat(n.node.stats().malformedDropped()).isEqualTo(1);
        assertThat(n.node.stats().queriesReceived()).isZero();
        assertThat(n.node.routingTable().entry(a.id)).isNull();
    }

    @Test
    void aDatagramOfExactlyTheLimitIsAnswered() {
        int max = n.node.config().maxDatagramBytes();
        byte[] fits = null;
        for (int pad = max - 100; fits == null || fits.length < max; pad++) {
            fits = a.query(new byte[] {1, 2}, "ping", a.args().put("pad", new byte[pad]).build(), false);
        }
        assertThat(fits.length).isEqualTo(max);

        assertThat(n.deliver(a, fits)).singleElement().isInstanceOf(KrpcResponse.class);
    }

    @Test
    void garbageIsDroppedWithoutAReply() {
        for (byte[] garbage : List.of(bytes("not bencode at all"), bytes("li1ei2ee"), bytes("d1:y1:qe"), new byte[] {'d'})) {
            assertThat(n.deliver(a, garbage)).as(new String(garbage, StandardCharsets.ISO_8859_1)).isEmpty();
        }
        assertThat(n.node.stats().malformedDropped()).isEqualTo(4);
        assertThat(n.node.stats().errorRepliesSent()).isZero();
        assertThat(n.env.sent()).isEmpty();
    }

    @Test
    void aMalformedQueryWithAReadableTransactionIdGetsError203() {
        // a query without its arguments dictionary 'a'
        Map<String, Object> noArguments = new TreeMap<>(Map.of("t", bytes("xy"), "y", bytes("q"), "q", bytes("ping")));

        List<KrpcMessage> replies = n.deliver(a, Bencode.encode(noArguments));

        assertThat(replies).singleElement().isInstanceOfSatisfying(KrpcError.class, e -> {
            assertThat(e.code()).isEqualTo(203);
            assertThat(e.transactionId()).isEqualTo(bytes("xy"));
        });
        assertThat(n.node.stats().malformedDropped()).isEqualTo(1);
    }

    @Test
    void aQueryWithoutAValidSenderIdGetsError203() {
        assertThat(n.askError(a, "ping", Dict.builder().put("id", new byte[19]).build())).isEqualTo(203);
        assertThat(n.node.routingTable().size()).isZero();
    }

    @Test
    void anUnknownMethodGetsError204() {
        assertThat(n.askError(a, "frobnicate", a.args().build())).isEqualTo(204);
        assertThat(n.node.stats().errorRepliesSent()).isEqualTo(1);
    }

    @Test
    void aFailingHandlerAnswers202WithoutTheExceptionText() {
        SabotagedStore store = new SabotagedStore();
        NodeUnderTest sabotaged = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(),
                new FakeEnvironment(42).useStore(store));
        NodeId infoHash = NodeId.ofKey("some torrent");
        byte[] token = sabotaged.askOk(a, "get_peers", a.args().put("info_hash", infoHash).build()).bytes("token");
        store.failWrites(new UncheckedIOException("disk /secret/data/dir is broken", new IOException("EIO")));

        KrpcMessage reply = sabotaged.ask(a, "announce_peer",
                a.args().put("info_hash", infoHash).put("token", token).put("port", 6881L).build());

        assertThat(reply).isInstanceOfSatisfying(KrpcError.class, e -> {
            assertThat(e.code()).isEqualTo(202);
            assertThat(e.message()).doesNotContain("secret", "disk", "EIO", "Exception");
        });
        assertThat(sabotaged.node.stats().internalErrors()).isEqualTo(1);
        // the node keeps serving
        assertThat(sabotaged.ask(a, "ping", a.args().build())).isInstanceOf(KrpcResponse.class);
    }

    @Test
    void queriesAreCountedByMethodAndUnknownOnesAsOther() {
        n.ask(a, "ping", a.args().build());
        n.ask(a, "ping", a.args().build());
        n.ask(a, "find_node", a.args().put("target", NodeId.ofKey("x")).build());
        n.ask(a, "frobnicate", a.args().build());

        assertThat(n.node.queriesByMethod()).containsExactlyInAnyOrderEntriesOf(
                Map.of("ping", 2L, "find_node", 1L, "other", 1L));
        assertThat(n.node.stats().queriesReceived()).isEqualTo(4);
    }

    @Test
    void aReplyEchoesTheTransactionIdAndCarriesOurVersion() {
        byte[] tid = bytes("tx42");
        List<KrpcMessage> replies = n.deliver(a, a.query(tid, "ping", a.args().build(), false));

        assertThat(replies).singleElement().satisfies(r -> {
            assertThat(r.transactionId()).isEqualTo(tid);
            assertThat(r.version()).isEqualTo(ClientVersion.COMET);
        });
    }

    @Test
    void aStoppedNodeIgnoresDatagrams() {
        n.node.stop();

        assertThat(n.deliver(a, a.query("ping", a.args().build()))).isEmpty();
        assertThat(n.node.stats().queriesReceived()).isZero();
    }
}
