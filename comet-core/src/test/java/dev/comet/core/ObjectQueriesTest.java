package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** ObjectQueries, through Node and a scripted runtime: the comet_* server side, tokens and the memory of answers. */
class ObjectQueriesTest {
    private final ScriptedAsoRuntime runtime = new ScriptedAsoRuntime();
    private final NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(),
            new FakeEnvironment(42).useAsoRuntime(runtime));
    private final Peer client = new Peer(NodeId.ofKey("client"), 10);
    private final NodeId key = NodeId.ofKey("greeting");
    private final byte[] code = "function onGet() end".getBytes(StandardCharsets.UTF_8);

    private Dict putArgs(byte[] token) {
        return CometPut.args(client.id, key, token, code, null, false, -1, 3, null);
    }

    private void store() {
        n.askOk(client, "comet_put", putArgs(n.tokenFor(client, key)));
        runtime.calls.clear();
        n.env.clearSent();
    }

    private Dict.Builder getArgs(String arg) {
        TreeMap<String, Object> handlerArgs = new TreeMap<>();
        handlerArgs.put("x", arg.getBytes(StandardCharsets.UTF_8));
        return client.args().put("k", key).put("a", handlerArgs);
    }

    @Test
    void aCometGetOfAKeyNotHeldAnswersWithoutFoundAndRunsNoHandler() {
        Dict reply = n.askOk(client, "comet_get", client.args().put("k", key).build());

        assertThat(reply.has("found")).isFalse();
        assertThat(reply.id("id")).isEqualTo(n.id());
        assertThat(reply.bytes("token")).hasSize(8);
        assertThat(reply.has("nodes")).isTrue();
        assertThat(runtime.calls).isEmpty();
    }

    @Test
    void aCometPutWithABadTokenGets203AndRunsNoHandler() {
        byte[] token = n.tokenFor(client, key).clone();
        token[3] ^= 1;

        assertThat(n.askError(client, "comet_put", putArgs(token))).isEqualTo(203);
        assertThat(runtime.calls).isEmpty();
        assertThat(n.askOk(client, "comet_get", client.args().put("k", key).build()).has("found")).isFalse();
    }

    @Test
    void aRetryOfAnAnsweredCometGetGetsTheSameAnswerWithoutRunningTheHandlerAgain() {
        store();
        AtomicLong runs = new AtomicLong();
        runtime.on("onGet", call -> ScriptedAsoRuntime.answering(call, runs.incrementAndGet()));
        byte[] query = client.query("comet_get", getArgs("1").build());

        n.deliver(client, query);
        n.deliver(client, query);

        List<FakeEnvironment.Sent> replies = n.repliesTo(client);
        assertThat(replies).hasSize(2);
        assertThat(replies.get(1).bytes()).isEqualTo(replies.get(0).bytes());
        assertThat(((KrpcResponse) replies.get(1).decode()).values().integer("v")).isEqualTo(1);
        assertThat(runtime.callsOf("onGet")).hasSize(1);
    }

    @Test
    void aRetryWhileTheHandlerStillRunsIsDroppedAndTheQueryIsAnsweredOnce() {
        store();
        runtime.holdOutcomes(true);
        byte[] query = client.query("comet_get", getArgs("1").build());

        assertThat(n.deliver(client, query)).isEmpty();
        assertThat(n.deliver(client, query)).isEmpty();
        n.env.clearSent();
        runtime.release();

        assertThat(n.env.sent()).singleElement().satisfies(s -> assertThat(s.decode()).isInstanceOf(KrpcResponse.class));
        assertThat(runtime.callsOf("onGet")).hasSize(1);
    }

    @Test
    void aNewQueryThatReusesATransactionIdRunsTheHandlerAgain() {
        store();
        byte[] tid = {0x12, 0x34};

        n.deliver(client, client.query(tid, "comet_get", getArgs("first").build(), false));
        n.deliver(client, client.query(tid, "comet_get", getArgs("second").build(), false));

        assertThat(runtime.callsOf("onGet")).hasSize(2);
        assertThat(new String(runtime.callsOf("onGet").get(1).args().get("x"), StandardCharsets.UTF_8)).isEqualTo("second");
    }

    @Test
    void theSameQueryFromAnotherAddressIsNotAnsweredFromMemory() {
        store();
        Peer sameIdElsewhere = new Peer(client.id, 11);
        byte[] tid = {0x12, 0x34};

        n.deliver(client, client.query(tid, "comet_get", getArgs("1").build(), false));
        n.deliver(sameIdElsewhere, sameIdElsewhere.query(tid, "comet_get", getArgs("1").build(), false));

        assertThat(runtime.callsOf("onGet")).hasSize(2);
    }

    @Test
    void anAnswerTooLargeForADatagramGets333() {
        store();
        int max = n.node.config().maxDatagramBytes();
        runtime.on("onGet", call -> ScriptedAsoRuntime.answering(call, new byte[max]));

        KrpcMessage reply = n.ask(client, "comet_get", client.args().put("k", key).build());

        assertThat(reply).isInstanceOfSatisfying(KrpcError.class, e -> assertThat(e.code()).isEqualTo(333));
    }

    @Test
    void anAnswerThatFitsIsSent() {
        store();
        runtime.on("onGet", call -> ScriptedAsoRuntime.answering(call, new byte[1000]));

        Dict reply = n.askOk(client, "comet_get", client.args().put("k", key).build());

        assertThat(reply.bytes("v")).hasSize(1000);
    }

    @Test
    void aCometDeleteOfAKeyNotHeldAnswersWithoutDeleted() {
        Dict reply = n.askOk(client, "comet_delete", client.args().put("k", key).build());

        assertThat(reply.has("deleted")).isFalse();
        assertThat(runtime.calls).isEmpty();
    }

    @Test
    void aNodeWithoutARuntimeRefusesACometPutWith331() {
        NodeUnderTest plain = NodeUnderTest.withDefaults();

        assertThat(plain.askError(client, "comet_put", putArgs(plain.tokenFor(client, key)))).isEqualTo(331);
        assertThat(plain.askOk(client, "comet_get", client.args().put("k", key).build()).has("found")).isFalse();
    }
}
