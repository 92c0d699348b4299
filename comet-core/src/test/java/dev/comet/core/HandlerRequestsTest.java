package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.CometError;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.AsoRequest;
import dev.comet.aso.ObjectMeta;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HandlerRequests, through Node and a scripted runtime: what a handler's comet.get/comet.put make the node send. */
class HandlerRequestsTest {
    private final ScriptedAsoRuntime runtime = new ScriptedAsoRuntime();
    private final NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(),
            new FakeEnvironment(42).useAsoRuntime(runtime));
    private final Peer client = new Peer(NodeId.ofKey("client"), 10);
    private final Peer other = new Peer(NodeId.ofKey("other node"), 11);
    private final NodeId key = NodeId.ofKey("asker");
    private final NodeId asked = NodeId.ofKey("asked object");
    private final byte[] code = "-- asks".getBytes(StandardCharsets.UTF_8);

    private void put() {
        n.askOk(client, "comet_put", CometPut.args(client.id, key, n.tokenFor(client, key), code, null, false, -1, 3, null));
    }

    private static AsoOutcome requesting(AsoCall call, AsoRequest request) {
        return ScriptedAsoRuntime.succeeded(call, null, ScriptedAsoRuntime.INITIAL_STATE, ObjectMeta.NONE, List.of(request));
    }

    private AsoRequest.Get getOfOther() {
        return new AsoRequest.Get(asked, Map.of(), "onAnswer", List.of(other.contact()));
    }

    @Test
    void aHandlersGetIsSentMarkedWithTheAskingObjectAndItsAnswerRunsTheNamedHandler() {
        runtime.on("onPut", call -> requesting(call, getOfOther()));
        put();

        FakeEnvironment.Sent get = n.onlyQueryTo(other, "comet_get");
        Dict args = NodeUnderTest.query(get).arguments();
        assertThat(args.id("k")).isEqualTo(asked);
        assertThat(args.id("aso")).isEqualTo(key);
        assertThat(n.node.objectStats().requestsSent()).isEqualTo(1);

        n.answer(other, get, Dict.builder().put("found", 1L).put("v", "42".getBytes(StandardCharsets.UTF_8)));

        assertThat(runtime.callsOf("onAnswer")).singleElement().satisfies(call -> {
            assertThat(call.key()).isEqualTo(key);
            assertThat(call.answer().from()).isEqualTo(other.contact());
            assertThat((byte[]) call.answer().value()).isEqualTo("42".getBytes(StandardCharsets.UTF_8));
            assertThat(call.answer().error()).isNull();
        });
    }

    /**
     * Issue #10, item 6: an answer may not send requests of its own (the runtime refuses them with 329), or an
     * object could keep itself running without a timer, outside maxTimers, by asking again from every answer.
     */
    @Test
    void anAnswerToAHandlersGetMayNotSendRequests() {
        runtime.on("onPut", call -> requesting(call, getOfOther()));
        put();

        n.answer(other, n.onlyQueryTo(other, "comet_get"), Dict.builder().put("found", 1L)
                .put("v", "42".getBytes(StandardCharsets.UTF_8)));

        assertThat(runtime.callsOf("onAnswer")).singleElement().extracting(AsoCall::mayRequest).isEqualTo(false);
    }

    @Test
    void aSilentNodeIsAnsweredAsNoAnswerAndAMissingObjectAsNotFound() {
        Peer empty = new Peer(NodeId.ofKey("empty node"), 12);
        runtime.on("onPut", call -> requesting(call,
                new AsoRequest.Get(asked, Map.of(), "onAnswer", List.of(other.contact(), empty.contact()))));
        put();

        n.answer(empty, n.onlyQueryTo(empty, "comet_get"), Dict.builder());
        n.env.advance(n.node.config().requestTimeoutMillis() * n.node.config().requestAttempts());

        assertThat(runtime.callsOf("onAnswer")).extracting(call -> call.answer().error().code())
                .containsExactly(ErrorCode.NOT_FOUND, ErrorCode.NO_ANSWER);
    }

    @Test
    void requestsOfAFailedInvocationAreNotSent() {
        runtime.on("onPut", call -> requesting(call, getOfOther()));
        put();
        n.env.clearSent();
        runtime.on("onGet", call -> new AsoOutcome(false, null, false, null, null,
                CometError.of(ErrorCode.INSTRUCTION_LIMIT), false, List.of(getOfOther()), 1));

        n.askError(client, "comet_get", client.args().put("k", key).build());

        assertThat(n.queriesTo(other, "comet_get")).isEmpty();
    }

    @Test
    void aHandlerRunForAnotherObjectsRequestMayNotSendRequests() {
        put();
        Peer asking = new Peer(NodeId.ofKey("a node whose object asks"), 13);

        n.askOk(asking, "comet_get", asking.args().put("k", key).put("aso", NodeId.ofKey("some object")).build());
        n.askOk(client, "comet_get", client.args().put("k", key).build());

        assertThat(runtime.callsOf("onGet")).extracting(AsoCall::mayRequest).containsExactly(false, true);
    }

    @Test
    void aHandlersPutAsksForATokenThenStoresTheObjectWithTheAskersRemainingLifetimeAndMark() {
        byte[] childCode = "-- child".getBytes(StandardCharsets.UTF_8);
        NodeId child = NodeId.ofKey("child");
        put();
        n.env.advance(100_000);
        runtime.on("onGet", call -> requesting(call, new AsoRequest.Put(child, childCode, null, false, List.of(other.contact()))));
        n.askOk(client, "comet_get", client.args().put("k", key).build());

        n.answer(other, n.onlyQueryTo(other, "get"), Dict.builder().put("token", "tok".getBytes(StandardCharsets.UTF_8)));

        Dict args = NodeUnderTest.query(n.onlyQueryTo(other, "comet_put")).arguments();
        assertThat(args.id("k")).isEqualTo(child);
        assertThat(args.bytes("code")).isEqualTo(childCode);
        assertThat(args.bytes("token")).isEqualTo("tok".getBytes(StandardCharsets.UTF_8));
        assertThat(args.id("aso")).isEqualTo(key);
        assertThat(args.integer("ttl")).isEqualTo((n.node.config().objects().ttlMillis() - 100_000) / 1000);
        assertThat(args.integer("n")).isEqualTo(3);
        assertThat(args.has("replica")).isFalse();
    }
}
