package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.CometError;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WriteRound: one outcome per write, once every target accepted, refused, had nothing to do or stayed silent. */
class WriteRoundTest {
    private final NodeId target = NodeId.ofKey("target");
    private final Contact a = new Peer(NodeId.ofKey("a"), 10).contact();
    private final Contact b = new Peer(NodeId.ofKey("b"), 11).contact();
    private final Contact c = new Peer(NodeId.ofKey("c"), 12).contact();
    private final List<WriteOutcome> outcomes = new ArrayList<>();

    private static KrpcResponse response() {
        return new KrpcResponse(new byte[] {1}, Dict.builder().build(), null, null);
    }

    @Test
    void aRoundWithNoTargetsCompletesAtOnceWithNothingAcceptedOrRefused() {
        new WriteRound(target, 0, outcomes::add);

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.target()).isEqualTo(target);
            assertThat(o.accepted()).isEmpty();
            assertThat(o.refused()).isEmpty();
        });
    }

    @Test
    void theOutcomeComesOnceEveryTargetHasAnsweredAndCountsEachOnce() {
        WriteRound round = new WriteRound(target, 3, outcomes::add);
        CometError full = CometError.of(ErrorCode.STORE_FULL);

        round.accepted(a);
        round.refused(b, full);
        assertThat(outcomes).isEmpty();
        round.absent();

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.accepted()).containsExactly(a);
            assertThat(o.refused()).containsOnlyKeys(b).containsEntry(b, full);
        });
    }

    @Test
    void aTargetThatHadNothingToDoIsNeitherAcceptedNorRefused() {
        WriteRound round = new WriteRound(target, 1, outcomes::add);

        round.absent();

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.accepted()).isEmpty();
            assertThat(o.refused()).isEmpty();
        });
    }

    @Test
    void theCallbackCountsAResponseAsAcceptedAnErrorAsItsRefusalAndSilenceAsNoAnswer() {
        WriteRound round = new WriteRound(target, 3, outcomes::add);

        round.callback(a).onResponse(a, response());
        round.callback(b).onError(new KrpcError(new byte[] {1}, 302, "sequence number less than current", null));
        round.callback(c).onFailure();

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.accepted()).containsExactly(a);
            assertThat(o.refused().get(b).code()).isEqualTo(ErrorCode.SEQ_TOO_LOW);
            assertThat(o.refused().get(b).message()).isEqualTo("sequence number less than current");
            assertThat(o.refused().get(c).code()).isEqualTo(ErrorCode.NO_ANSWER);
        });
    }

    @Test
    void anOutcomeIsReportedOnlyOnceEvenIfMoreAnswersArrive() {
        WriteRound round = new WriteRound(target, 1, outcomes::add);

        round.accepted(a);
        round.accepted(b);

        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0).accepted()).containsExactly(a);
    }
}
