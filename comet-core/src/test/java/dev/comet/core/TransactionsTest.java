package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcResponse;
import dev.comet.lookup.LookupResult;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Transactions, through Node: matching answers to queries by id and address, retries, timeouts, failed contacts. */
class TransactionsTest {
    private final NodeUnderTest n = NodeUnderTest.withDefaults();
    private final NodeConfig config = n.node.config();
    private final Peer a = new Peer(NodeId.ofKey("peer a"), 10);
    private final Peer impostor = new Peer(NodeId.ofKey("impostor"), 11);
    private final List<Contact> pinged = new ArrayList<>();

    private FakeEnvironment.Sent ping(Peer p) {
        n.node.ping(p.address, pinged::add);
        return n.onlyQueryTo(p, "ping");
    }

    @Test
    void aResponseFromAnotherAddressIsDroppedAsUnsolicitedAndTheCallStillCompletesWhenTheRightOneAnswers() {
        FakeEnvironment.Sent query = ping(a);

        n.env.deliver(n.node, impostor.address, impostor.answer(query, Dict.builder()));

        assertThat(pinged).isEmpty();
        assertThat(n.node.stats().unsolicitedDropped()).isEqualTo(1);
        assertThat(n.node.stats().responsesReceived()).isZero();

        n.answer(a, query, Dict.builder());

        assertThat(pinged).containsExactly(a.contact());
        assertThat(n.node.stats().responsesReceived()).isEqualTo(1);
    }

    @Test
    void aSilentQueryIsSentAgainWithTheSameBytesAfterEachTimeoutUpToRequestAttemptsThenFails() {
        n.node.ping(a.address, pinged::add);
        long timeout = config.requestTimeoutMillis();
        int attempts = config.requestAttempts();

        for (int sends = 1; sends < attempts; sends++) {
            n.env.advance(timeout - 1);
            assertThat(n.queriesTo(a, "ping")).hasSize(sends);
            n.env.advance(1);
        }
        List<FakeEnvironment.Sent> sends = n.queriesTo(a, "ping");
        assertThat(sends).hasSize(attempts);
        assertThat(sends).allSatisfy(s -> assertThat(s.bytes()).isEqualTo(sends.get(0).bytes()));
        assertThat(pinged).isEmpty();

        n.env.advance(timeout);

        assertThat(pinged).containsExactly((Contact) null);
        assertThat(n.queriesTo(a, "ping")).hasSize(attempts);
        assertThat(n.node.stats().retries()).isEqualTo(attempts - 1);
        assertThat(n.node.stats().timeouts()).isEqualTo(1);
    }

    @Test
    void aKnownContactThatNeverAnswersIsMarkedFailed() {
        n.learn(a);
        assertThat(n.node.routingTable().entry(a.id).failures()).isZero();

        n.node.lookup(NodeId.ofKey("some target"), result -> { });
        assertThat(n.queriesTo(a, "find_node")).hasSize(1);
        n.env.advance(config.requestTimeoutMillis() * config.requestAttempts());

        assertThat(n.queriesTo(a, "find_node")).hasSize(config.requestAttempts());
        assertThat(n.node.routingTable().entry(a.id).failures()).isEqualTo(1);
    }

    @Test
    void aResponseCarryingAnotherNodeIdThanExpectedFailsTheCallAndBansTheAddressForTheIdChangeBan() {
        n.learn(a);
        List<LookupResult> results = new ArrayList<>();
        n.node.lookup(NodeId.ofKey("some target"), results::add);

        // another node now answers at a's address
        Peer other = new Peer(NodeId.ofKey("someone else"), a.address);
        n.answer(other, n.onlyQueryTo(a, "find_node"), Dict.builder().put("nodes", new byte[0]));

        assertThat(results).hasSize(1);
        assertThat(results.get(0).closest()).extracting(Contact::id).doesNotContain(other.id, a.id);
        assertThat(n.node.routingTable().entry(a.id)).isNull();
        assertThat(n.node.routingTable().entry(other.id)).isNull();
        assertThat(n.node.stats().guard().idChangeBans()).isEqualTo(1);

        // banned: its queries are dropped unread, until the ban ends
        assertThat(n.deliver(other, other.query("ping", other.args().build()))).isEmpty();
        assertThat(n.node.stats().guard().bannedDropped()).isEqualTo(1);
        n.env.advance(config.guard().idChangeBanMillis());
        assertThat(n.deliver(other, other.query("ping", other.args().build()))).hasSize(1);
    }

    @Test
    void aPingAnsweredWithAnotherIdFromTheAddressOfAKnownContactBansThatSource() {
        n.learn(a);
        Peer other = new Peer(NodeId.ofKey("someone else"), a.address);
        n.node.ping(a.address, pinged::add); // no expected id: as a bootstrap ping
        List<FakeEnvironment.Sent> pings = n.queriesTo(a, "ping");
        n.answer(other, pings.get(pings.size() - 1), Dict.builder());

        assertThat(n.node.stats().guard().idChangeBans()).isEqualTo(1);
        assertThat(n.node.routingTable().entry(a.id)).isNull();
        assertThat(n.node.routingTable().entry(other.id)).isNull();
    }

    @Test
    void anAnswerFromAKnownContactsAddressWithTheIdOfAnotherKnownContactBansThatSource() {
        // the id answering is in the table, but at another address: the address's own contact changed its id
        Peer b = new Peer(NodeId.ofKey("peer b"), 12);
        n.learn(a);
        n.learn(b);
        Peer bAtA = new Peer(b.id, a.address);
        n.node.ping(a.address, pinged::add);
        List<FakeEnvironment.Sent> pings = n.queriesTo(a, "ping");
        n.answer(bAtA, pings.get(pings.size() - 1), Dict.builder());

        assertThat(n.node.stats().guard().idChangeBans()).isEqualTo(1);
        assertThat(n.node.routingTable().entry(a.id)).isNull();
        assertThat(n.node.routingTable().entry(b.id).contact().address()).as("b stays where it was").isEqualTo(b.address);
    }

    @Test
    void aResponseWithAPendingTidFromAnotherAddressIsCountedAsForgedAndIgnored() {
        FakeEnvironment.Sent query = ping(a);

        n.env.deliver(n.node, impostor.address, impostor.answer(query, Dict.builder()));

        assertThat(n.node.stats().forgedDropped()).isEqualTo(1);
        assertThat(n.node.routingTable().entry(impostor.id)).isNull();
        assertThat(pinged).isEmpty();
        // an unknown tid is unsolicited, not forged
        n.env.deliver(n.node, impostor.address, FakeEnvironment.CODEC.encode(new KrpcResponse(new byte[] {1, 2, 3},
                impostor.args().build(), impostor.version, null)));
        assertThat(n.node.stats().forgedDropped()).isEqualTo(1);
        assertThat(n.node.stats().unsolicitedDropped()).isEqualTo(2);
    }

    @Test
    void aLateResponseAfterTheCallFailedIsUnsolicited() {
        FakeEnvironment.Sent query = ping(a);
        n.env.advance(config.requestTimeoutMillis() * config.requestAttempts());
        assertThat(pinged).containsExactly((Contact) null);

        n.answer(a, query, Dict.builder());

        assertThat(pinged).containsExactly((Contact) null);
        assertThat(n.node.stats().unsolicitedDropped()).isEqualTo(1);
        assertThat(n.node.stats().responsesReceived()).isZero();
    }

    @Test
    void anErrorReplyEndsTheCallAtOnceWithoutRetries() {
        FakeEnvironment.Sent query = ping(a);

        n.env.deliver(n.node, a.address, FakeEnvironment.CODEC.encode(
                new KrpcError(NodeUnderTest.query(query).transactionId(), 202, "busy", a.version)));

        assertThat(pinged).containsExactly((Contact) null);
        assertThat(n.node.stats().errorsReceived()).isEqualTo(1);
        n.env.advance(config.requestTimeoutMillis() * config.requestAttempts());
        assertThat(n.queriesTo(a, "ping")).hasSize(1);
        assertThat(n.node.stats().timeouts()).isZero();
    }

    @Test
    void aResponseWithoutAValidIdFailsTheCallAndCountsAsMalformed() {
        FakeEnvironment.Sent query = ping(a);

        n.env.deliver(n.node, a.address, FakeEnvironment.CODEC.encode(new KrpcResponse(
                NodeUnderTest.query(query).transactionId(), Dict.builder().put("id", new byte[5]).build(), a.version, null)));

        assertThat(pinged).containsExactly((Contact) null);
        assertThat(n.node.stats().malformedDropped()).isEqualTo(1);
        assertThat(n.node.routingTable().size()).isZero();
    }

    @Test
    void eachPendingQueryGetsItsOwnTransactionId() {
        n.node.ping(a.address, pinged::add);
        n.node.ping(a.address, pinged::add);
        List<FakeEnvironment.Sent> sends = n.queriesTo(a, "ping");

        assertThat(NodeUnderTest.query(sends.get(0)).transactionId())
                .isNotEqualTo(NodeUnderTest.query(sends.get(1)).transactionId());
        n.answer(a, sends.get(1), Dict.builder());
        n.answer(a, sends.get(0), Dict.builder());
        assertThat(pinged).containsExactly(a.contact(), a.contact());
    }

    @Test
    void aStoppedNodeFailsNewQueriesAtOnceAndSendsNothing() {
        n.node.stop();

        n.node.ping(a.address, pinged::add);

        assertThat(pinged).containsExactly((Contact) null);
        assertThat(n.env.sent()).isEmpty();
    }
}
