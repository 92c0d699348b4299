package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.ObjectMeta;
import dev.comet.aso.ObjectStorage;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.storage.InMemoryStore;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** ObjectLifecycle, through Node and a scripted runtime: which handler runs when, what is kept, and object timers. */
class ObjectLifecycleTest {
    private static final byte[] STATE_1 = "state-1".getBytes(StandardCharsets.UTF_8);

    private final ScriptedAsoRuntime runtime = new ScriptedAsoRuntime();
    private final NodeUnderTest n = new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(),
            new FakeEnvironment(42).useAsoRuntime(runtime));
    private final ObjectStorage stored = new ObjectStorage(n.env.store());
    private final Peer client = new Peer(NodeId.ofKey("client"), 10);
    private final Peer replica = new Peer(NodeId.ofKey("replica"), 11);
    private final NodeId key = NodeId.ofKey("counter");
    private final byte[] code = "-- the counter".getBytes(StandardCharsets.UTF_8);

    private Dict putArgs(Peer from, byte[] withCode, byte[] state, boolean asReplica) {
        return CometPut.args(from.id, key, n.tokenFor(from, key), withCode, state, asReplica, -1, 3, null);
    }

    private Dict put() {
        return n.askOk(client, "comet_put", putArgs(client, code, null, false));
    }

    private Dict get() {
        return n.askOk(client, "comet_get", client.args().put("k", key).build());
    }

    private static AsoOutcome failedWith(ErrorCode code) {
        return AsoOutcome.failed(code, "scripted failure");
    }

    @Test
    void aFirstPutRunsOnPutAndStoresTheObjectWithTheStateItLeft() {
        runtime.on("onPut", call -> ScriptedAsoRuntime.succeeded(call, null, STATE_1, ObjectMeta.NONE, List.of()));

        assertThat(put().id("id")).isEqualTo(n.id());

        assertThat(runtime.callsOf("onPut")).singleElement().satisfies(call -> {
            assertThat(call.fresh()).isTrue();
            assertThat(call.caller().id()).isEqualTo(client.id);
        });
        assertThat(stored.get(key, n.env.now())).hasValueSatisfying(o -> {
            assertThat(o.code()).isEqualTo(code);
            assertThat(o.state()).isEqualTo(STATE_1);
            assertThat(o.replicas()).isEqualTo(3);
        });
    }

    @Test
    void aClientsPutStartsFromTheCodeAloneOnlyAReplicaBringsState() {
        byte[] smuggled = "admin=true".getBytes(StandardCharsets.UTF_8);

        Dict args = putArgs(client, code, null, false);
        TreeMap<String, Object> withState = new TreeMap<>(args.map());
        withState.put("state", smuggled);

        n.askOk(client, "comet_put", Dict.of(withState));

        assertThat(runtime.callsOf("onPut")).singleElement().satisfies(call -> assertThat(call.state()).isNull());
    }

    @Test
    void aReplicasPutBringsItsState() {
        byte[] theirs = "their state".getBytes(StandardCharsets.UTF_8);

        n.askOk(replica, "comet_put", putArgs(replica, code, theirs, true));

        assertThat(runtime.callsOf("onPut")).singleElement().satisfies(call -> {
            assertThat(call.state()).isEqualTo(theirs);
            assertThat(call.caller().replica()).isTrue();
        });
    }

    @Test
    void onPutAnsweringFalseGets330AndStoresNothing() {
        runtime.on("onPut", ScriptedAsoRuntime::answeringFalse);

        assertThat(n.askError(client, "comet_put", putArgs(client, code, null, false))).isEqualTo(330);

        assertThat(stored.get(key, n.env.now())).isEmpty();
        assertThat(runtime.forgotten).containsExactly(key);
    }

    @Test
    void aFailingOnPutAnswersWithTheHandlersErrorCode() {
        runtime.on("onPut", call -> failedWith(ErrorCode.INSTRUCTION_LIMIT));

        assertThat(n.askError(client, "comet_put", putArgs(client, code, null, false))).isEqualTo(320);
        assertThat(stored.get(key, n.env.now())).isEmpty();
    }

    @Test
    void aGetRunsOnGetWithTheCallersArgumentsAndTheStoredStateAndAnswersItsValue() {
        runtime.on("onPut", call -> ScriptedAsoRuntime.succeeded(call, null, STATE_1, ObjectMeta.NONE, List.of()));
        put();
        runtime.on("onGet", call -> ScriptedAsoRuntime.answering(call, "hello".getBytes(StandardCharsets.UTF_8)));
        TreeMap<String, Object> args = new TreeMap<>(Map.of("name", "ada".getBytes(StandardCharsets.UTF_8)));

        Dict reply = n.askOk(client, "comet_get", client.args().put("k", key).put("a", args).build());

        assertThat(reply.integer("found")).isEqualTo(1);
        assertThat(reply.string("v")).isEqualTo("hello");
        AsoCall call = runtime.callsOf("onGet").get(0);
        assertThat(call.state()).isEqualTo(STATE_1);
        assertThat(call.args()).containsOnlyKeys("name");
        assertThat(call.fresh()).isFalse();
    }

    @Test
    void theStateAGetLeavesIsKeptForTheNextCall() {
        put();
        runtime.on("onGet", call -> ScriptedAsoRuntime.succeeded(call, 1L, STATE_1, ObjectMeta.NONE, List.of()));

        get();
        get();

        assertThat(runtime.callsOf("onGet").get(1).state()).isEqualTo(STATE_1);
    }

    @Test
    void aTimerSetByAnInvocationFiresOnTimerAfterItsIntervalAndAgainAfterThat() {
        runtime.on("onPut", call -> ScriptedAsoRuntime.withMeta(call, new ObjectMeta(5_000, true)));
        runtime.on("onTimer", call -> ScriptedAsoRuntime.withMeta(call, new ObjectMeta(5_000, true)));
        put();

        n.env.advance(4_999);
        assertThat(runtime.callsOf("onTimer")).isEmpty();
        n.env.advance(1);
        assertThat(runtime.callsOf("onTimer")).singleElement().satisfies(call -> assertThat(call.caller()).isNull());
        n.env.advance(5_000);
        assertThat(runtime.callsOf("onTimer")).hasSize(2);
        assertThat(n.node.objectStats().timerRuns()).isEqualTo(2);
    }

    @Test
    void aTimerShorterThanTheNodesMinimumRunsAtTheMinimum() {
        long min = n.node.config().objects().minTimerIntervalMillis();
        runtime.on("onPut", call -> ScriptedAsoRuntime.withMeta(call, new ObjectMeta(1, true)));
        put();

        n.env.advance(min - 1);
        assertThat(runtime.callsOf("onTimer")).isEmpty();
        n.env.advance(1);
        assertThat(runtime.callsOf("onTimer")).hasSize(1);
    }

    @Test
    void aTimerStopsWhenOnTimerClearsIt() {
        runtime.on("onPut", call -> ScriptedAsoRuntime.withMeta(call, new ObjectMeta(5_000, true)));
        runtime.on("onTimer", call -> ScriptedAsoRuntime.withMeta(call, ObjectMeta.NONE));
        put();

        n.env.advance(60_000);

        assertThat(runtime.callsOf("onTimer")).hasSize(1);
        assertThat(n.node.objectStats().timers()).isZero();
    }

    @Test
    void aPutOfOneTimerTooManyIsRefusedWith311() {
        NodeUnderTest small = new NodeUnderTest(NodeId.ofKey("small"),
                NodeConfig.defaults().withObjects(NodeConfig.defaults().objects().withMaxTimers(0)),
                new FakeEnvironment(1).useAsoRuntime(runtime));
        runtime.on("onPut", call -> ScriptedAsoRuntime.withMeta(call, new ObjectMeta(5_000, true)));

        int error = small.askError(client, "comet_put",
                CometPut.args(client.id, key, small.tokenFor(client, key), code, null, false, -1, 3, null));

        assertThat(error).isEqualTo(311);
        assertThat(new ObjectStorage(small.env.store()).get(key, small.env.now())).isEmpty();
    }

    @Test
    void aDeleteRunsOnDeleteRemovesTheObjectAndStopsItsTimer() {
        runtime.on("onPut", call -> ScriptedAsoRuntime.withMeta(call, new ObjectMeta(5_000, true)));
        put();

        Dict reply = n.askOk(client, "comet_delete", client.args().put("k", key).build());

        assertThat(reply.integer("deleted")).isEqualTo(1);
        assertThat(runtime.callsOf("onDelete")).hasSize(1);
        assertThat(stored.get(key, n.env.now())).isEmpty();
        assertThat(runtime.forgotten).containsExactly(key);
        assertThat(n.node.objectStats().timers()).isZero();
        n.env.advance(60_000);
        assertThat(runtime.callsOf("onTimer")).isEmpty();
    }

    @Test
    void onDeleteAnsweringFalseGets330AndKeepsTheObject() {
        put();
        runtime.on("onDelete", ScriptedAsoRuntime::answeringFalse);

        assertThat(n.askError(client, "comet_delete", client.args().put("k", key).build())).isEqualTo(330);
        assertThat(stored.get(key, n.env.now())).isPresent();
    }

    @Test
    void aReplicaReStoringTheSameCodeKeepsTheStateHeldHere() {
        runtime.on("onPut", call -> ScriptedAsoRuntime.succeeded(call, null, STATE_1, ObjectMeta.NONE, List.of()));
        put();
        byte[] theirs = "their state".getBytes(StandardCharsets.UTF_8);

        n.askOk(replica, "comet_put", putArgs(replica, code, theirs, true));

        assertThat(runtime.callsOf("onUpdate")).singleElement()
                .satisfies(call -> assertThat(call.incoming().state()).isEqualTo(theirs));
        assertThat(runtime.callsOf("onPut")).hasSize(1);
        assertThat(stored.get(key, n.env.now()).orElseThrow().state()).isEqualTo(STATE_1);
    }

    @Test
    void aClientPutOfNewCodeForAHeldKeyReplacesTheObject() {
        put();
        byte[] newCode = "-- version 2".getBytes(StandardCharsets.UTF_8);

        n.askOk(client, "comet_put", putArgs(client, newCode, null, false));

        assertThat(runtime.callsOf("onUpdate")).hasSize(1);
        assertThat(runtime.callsOf("onPut")).hasSize(2);
        assertThat(stored.get(key, n.env.now()).orElseThrow().code()).isEqualTo(newCode);
    }

    @Test
    void onUpdateAnsweringFalseGets330AndKeepsTheObjectHeldHere() {
        put();
        runtime.on("onUpdate", ScriptedAsoRuntime::answeringFalse);

        int error = n.askError(client, "comet_put", putArgs(client, "-- v2".getBytes(StandardCharsets.UTF_8), null, false));

        assertThat(error).isEqualTo(330);
        assertThat(stored.get(key, n.env.now()).orElseThrow().code()).isEqualTo(code);
    }

    /*
     * When the state an invocation leaves does not fit the store, the run fails like any other: a timer keeps
     * running, and a refused delete is still answered (these escaped the node's thread before issue #9).
     */
    @Test
    void aTimerRunWhoseStateDoesNotFitTheStoreDoesNotStopTheTimer() {
        ScriptedAsoRuntime rt = new ScriptedAsoRuntime();
        NodeUnderTest tight = new NodeUnderTest(NodeId.ofKey("tight"), NodeConfig.defaults(),
                new FakeEnvironment(3).useStore(new InMemoryStore(100, 4_000)).useAsoRuntime(rt));
        rt.on("onPut", call -> ScriptedAsoRuntime.withMeta(call, new ObjectMeta(5_000, true)));
        byte[] tooBig = new byte[8_000];
        rt.on("onTimer", call -> ScriptedAsoRuntime.succeeded(call, null,
                rt.callsOf("onTimer").size() == 1 ? tooBig : STATE_1, new ObjectMeta(5_000, true), List.of()));
        tight.askOk(client, "comet_put",
                CometPut.args(client.id, key, tight.tokenFor(client, key), code, null, false, -1, 3, null));

        tight.env.advance(5_000); // onTimer leaves a state the store refuses: that run fails
        assertThat(rt.callsOf("onTimer")).hasSize(1);

        tight.env.advance(5_000); // "a failed run does not stop the timer"
        assertThat(rt.callsOf("onTimer")).hasSize(2);
    }

    @Test
    void aRefusedDeleteWhoseStateDoesNotFitTheStoreIsStillAnswered() {
        ScriptedAsoRuntime rt = new ScriptedAsoRuntime();
        NodeUnderTest tight = new NodeUnderTest(NodeId.ofKey("tight"), NodeConfig.defaults(),
                new FakeEnvironment(3).useStore(new InMemoryStore(100, 4_000)).useAsoRuntime(rt));
        tight.askOk(client, "comet_put",
                CometPut.args(client.id, key, tight.tokenFor(client, key), code, null, false, -1, 3, null));
        rt.on("onDelete", call -> new AsoOutcome(true, null, true, new byte[8_000], ObjectMeta.NONE, null, false,
                List.of(), 1));
        rt.holdOutcomes(true); // as a real runtime does: the outcome comes back later, on the node's thread
        tight.deliver(client, client.query("comet_delete", client.args().put("k", key).build()));
        tight.env.clearSent();

        rt.release();

        assertThat(tight.env.sent()).singleElement()
                .satisfies(s -> assertThat(s.decode()).isInstanceOf(KrpcError.class));
    }
}
