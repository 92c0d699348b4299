package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.aso.AsoCall;
import dev.comet.coords.Coordinate;
import dev.comet.coords.CoordinatesConfig;
import dev.comet.coords.Estimate;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcQuery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Network coordinates through Node (docs/protocol.md, "vc"): answers to Comet nodes carry this node's estimate, the
 * round trips of answered requests move it, comet_get queries carry it, handlers see their node's and the
 * requester's, and a peer's malformed estimate is ignored without harm.
 */
class NodeCoordinatesTest {
    private final ScriptedAsoRuntime runtime = new ScriptedAsoRuntime();
    private final NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(),
            new FakeEnvironment(42).useAsoRuntime(runtime)).started();
    private final Peer comet = new Peer(NodeId.ofKey("comet peer"), 10);
    private final Estimate far = new Estimate(new Coordinate(60, 80, 5), 0.2);

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** The node pings {@code peer}, which answers after {@code rttMillis} with {@code vc} (null: none). */
    private void pingAnsweredWith(Peer peer, Object vc, long rttMillis) {
        n.node.ping(peer.address, c -> { });
        FakeEnvironment.Sent ping = n.onlyQueryTo(peer, "ping");
        n.env.advance(rttMillis);
        Dict.Builder values = Dict.builder();
        if (vc != null) {
            values.put("vc", vc);
        }
        n.answer(peer, ping, values);
        n.env.clearSent();
    }

    @Test
    void answersToCometNodesCarryTheEstimateAndAnswersToOthersDoNot() {
        Dict toComet = n.askOk(comet, "ping", comet.args().build());
        assertThat(toComet.bytes("vc")).isEqualTo(n.node.coordinate().orElseThrow().toWire());

        Peer mainline = new Peer(NodeId.ofKey("mainline peer"), 11);
        mainline.version = null;
        assertThat(n.askOk(mainline, "ping", mainline.args().build()).has("vc")).isFalse();
    }

    @Test
    void aRoundTripToANodeThatSentItsEstimateMovesThisNodesCoordinate() {
        Estimate before = n.node.coordinate().orElseThrow();

        pingAnsweredWith(comet, far.toWire(), 80);

        assertThat(n.node.coordinateSamples()).isEqualTo(1);
        Estimate after = n.node.coordinate().orElseThrow();
        assertThat(after).isNotEqualTo(before);
        // it was nearer than 80 ms to a node the space puts ~100 ms away: it moved toward it
        assertThat(after.coordinate().rttTo(far.coordinate())).isLessThan(before.coordinate().rttTo(far.coordinate()));
    }

    @Test
    void malformedEstimatesInAnswersAreIgnoredAndTheNodeKeepsWorking() {
        Estimate before = n.node.coordinate().orElseThrow();
        float big = (float) (Estimate.MAX_MILLIS * 100);
        List<Object> bad = List.of(new byte[15], new byte[17], new byte[0], 7L, List.of(1L, 2L),
                floats(Float.NaN, 0, 1, 0.5f), floats(Float.POSITIVE_INFINITY, 0, 1, 0.5f),
                floats(0, Float.NEGATIVE_INFINITY, 1, 0.5f), floats(big, 0, 1, 0.5f), floats(0, 0, big, 0.5f),
                floats(0, 0, -3, 0.5f), floats(0, 0, 1, Float.NaN), floats(0, 0, 1, -1));
        int host = 20;
        for (Object vc : bad) {
            pingAnsweredWith(new Peer(NodeId.ofKey("liar " + host), host++), vc, 50);
        }

        assertThat(n.node.coordinate()).contains(before);
        assertThat(n.node.coordinateSamples()).isZero();
        assertThat(n.node.stats().internalErrors()).isZero();
        // and a good one after them is used
        pingAnsweredWith(comet, far.toWire(), 80);
        assertThat(n.node.coordinateSamples()).isEqualTo(1);
    }

    @Test
    void aRetriedRequestTeachesNothing() {
        n.node.ping(comet.address, c -> { });
        n.env.advance(n.node.config().requestTimeoutMillis()); // the first attempt timed out: a second is sent
        List<FakeEnvironment.Sent> pings = n.queriesTo(comet, "ping");
        assertThat(pings).hasSize(2);
        n.answer(comet, pings.get(1), Dict.builder().put("vc", far.toWire()));

        assertThat(n.node.coordinateSamples()).isZero();
    }

    @Test
    void cometGetQueriesCarryTheNodesEstimate() {
        // the node knows only the peer (it answered a ping): the lookup asks it, then the comet_get goes to it
        pingAnsweredWith(comet, null, 10);
        n.node.getObject(NodeId.ofKey("swarm"), Map.of(), false, answers -> { });
        FakeEnvironment.Sent get = n.onlyQueryTo(comet, "get");
        n.answer(comet, get, Dict.builder().put("token", new byte[8]).put("nodes", new byte[0]));

        n.env.advance(5_000); // the node asks itself first (the fake network delivers nothing to it), then the peer
        FakeEnvironment.Sent cometGet = n.queriesTo(comet, "comet_get").get(0);
        Dict args = ((KrpcQuery) cometGet.decode()).arguments();
        assertThat((byte[]) args.map().get("vc")).isEqualTo(n.node.coordinate().orElseThrow().toWire());
    }

    @Test
    void handlersSeeTheNodesEstimateAndTheRequestersFromItsQueryOrFromWhatItSentBefore() {
        NodeId key = NodeId.ofKey("swarm");
        byte[] code = "function onGet() end".getBytes(StandardCharsets.UTF_8);
        n.askOk(comet, "comet_put", CometPut.args(comet.id, key, n.tokenFor(comet, key), code, null, false, -1, 3, null));

        Estimate sent = new Estimate(new Coordinate(-10, 4, 2), 0.25); // exact in a float32
        n.askOk(comet, "comet_get", comet.args().put("k", key).put("vc", sent.toWire()).build());
        AsoCall withCoordinate = runtime.callsOf("onGet").get(0);
        assertThat(withCoordinate.caller().coordinates()).isEqualTo(sent);
        assertThat(withCoordinate.here()).isEqualTo(n.node.coordinate().orElseThrow());

        // a later query without one: the node remembers the last estimate this requester sent
        n.askOk(comet, "comet_get", comet.args().put("k", key).build());
        assertThat(runtime.callsOf("onGet").get(1).caller().coordinates()).isEqualTo(sent);

        // a malformed one is ignored: the remembered one stands
        n.askOk(comet, "comet_get", comet.args().put("k", key).put("vc", floats(Float.NaN, 0, 0, 0)).build());
        assertThat(runtime.callsOf("onGet").get(2).caller().coordinates()).isEqualTo(sent);

        Peer stranger = new Peer(NodeId.ofKey("stranger"), 12);
        n.askOk(stranger, "comet_get", stranger.args().put("k", key).build());
        assertThat(runtime.callsOf("onGet").get(3).caller().coordinates()).isNull();
    }

    @Test
    void aNodeWithCoordinatesOffSendsAndLearnsNone() {
        NodeUnderTest off = NodeUnderTest.with(NodeConfig.builder().coordinates(CoordinatesConfig.off()).build())
                .started();
        assertThat(off.askOk(comet, "ping", comet.args().build()).has("vc")).isFalse();
        assertThat(off.node.coordinate()).isEmpty();
    }
}
