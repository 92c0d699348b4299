package dev.comet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * One {@link Node} on a {@link FakeEnvironment}, with the moves tests make on it: a peer asks it something and
 * reads the reply, a peer answers the queries the node sent it.
 */
final class NodeUnderTest {
    static final InetSocketAddress ADDRESS = Peer.address(1, 6881);

    final FakeEnvironment env;
    final Node node;

    NodeUnderTest(NodeId id, NodeConfig config, FakeEnvironment env) {
        this.env = env;
        this.node = new Node(id, ADDRESS, config, env);
    }

    /** A node with a fixed id and seed and the default settings. */
    static NodeUnderTest withDefaults() {
        return new NodeUnderTest(NodeId.ofKey("node under test"), NodeConfig.defaults(), new FakeEnvironment(42));
    }

    static NodeUnderTest with(NodeConfig config) {
        return new NodeUnderTest(NodeId.ofKey("node under test"), config, new FakeEnvironment(42));
    }

    NodeId id() {
        return node.id();
    }

    /** Starts the node as the first of its network (no bootstrap): ready at once. */
    NodeUnderTest started() {
        node.start(List.of());
        return this;
    }

    /** {@code from} sends {@code datagram}; returns what the node sent back to it meanwhile (decoded). */
    List<KrpcMessage> deliver(Peer from, byte[] datagram) {
        return env.deliver(node, from.address, datagram).stream()
                .filter(s -> s.to().equals(from.address))
                .map(FakeEnvironment.Sent::decode)
                .filter(m -> !(m instanceof KrpcQuery))
                .toList();
    }

    /** {@code from} sends a query and gets exactly one reply: a response or an error. */
    KrpcMessage ask(Peer from, String method, Dict args) {
        List<KrpcMessage> replies = deliver(from, from.query(method, args));
        assertThat(replies).as("replies to %s", method).hasSize(1);
        return replies.get(0);
    }

    /** {@code from} sends a query that must be answered with a response; returns its values. */
    Dict askOk(Peer from, String method, Dict args) {
        KrpcMessage reply = ask(from, method, args);
        assertThat(reply).as("reply to %s", method).isInstanceOf(KrpcResponse.class);
        return ((KrpcResponse) reply).values();
    }

    /** {@code from} sends a query that must be answered with an error; returns its code. */
    int askError(Peer from, String method, Dict args) {
        KrpcMessage reply = ask(from, method, args);
        assertThat(reply).as("reply to %s", method).isInstanceOf(KrpcError.class);
        return ((KrpcError) reply).code();
    }

    /** A write token the node gives {@code peer} for {@code target} (through a BEP 44 get). */
    byte[] tokenFor(Peer peer, NodeId target) {
        return askOk(peer, "get", peer.args().put("target", target).build()).bytes("token");
    }

    /** The queries of {@code method} the node has sent to {@code peer} so far. */
    List<FakeEnvironment.Sent> queriesTo(Peer peer, String method) {
        return env.sent(s -> s.to().equals(peer.address) && method.equals(s.method()));
    }

    /** The distinct queries of {@code method} sent to {@code peer}: a retry (the same bytes again) counts once. */
    List<FakeEnvironment.Sent> distinctQueriesTo(Peer peer, String method) {
        Set<String> seen = new HashSet<>();
        return queriesTo(peer, method).stream().filter(s -> seen.add(HexFormat.of().formatHex(s.bytes()))).toList();
    }

    /** The responses and error replies the node has sent to {@code peer} so far. */
    List<FakeEnvironment.Sent> repliesTo(Peer peer) {
        return env.sent(s -> s.to().equals(peer.address) && s.method() == null);
    }

    /** The one query of {@code method} the node has sent to {@code peer} so far. */
    FakeEnvironment.Sent onlyQueryTo(Peer peer, String method) {
        List<FakeEnvironment.Sent> queries = queriesTo(peer, method);
        assertThat(queries).as("%s queries to %s", method, peer.address).hasSize(1);
        return queries.get(0);
    }

    /** {@code peer} answers the query in {@code sent} with its id and {@code values}. */
    void answer(Peer peer, FakeEnvironment.Sent sent, Dict.Builder values) {
        env.deliver(node, peer.address, peer.answer(sent, values));
    }

    /** The node learns {@code peer} as a verified contact: it pings it, and the peer answers. */
    void learn(Peer peer) {
        node.ping(peer.address, contact -> { });
        List<FakeEnvironment.Sent> sent = env.sent();
        answer(peer, sent.get(sent.size() - 1), Dict.builder());
    }

    static KrpcQuery query(FakeEnvironment.Sent sent) {
        return (KrpcQuery) sent.decode();
    }
}
