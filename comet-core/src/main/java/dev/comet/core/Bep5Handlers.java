package dev.comet.core;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.guard.StorageQuotas;
import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.TokenManager;
import dev.comet.peers.PeerStore;
import dev.comet.routing.RoutingTable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's answers to the BEP 5 queries: {@code ping}, {@code find_node}, {@code get_peers} and
 * {@code announce_peer}. Owns no state of its own: it reads the contacts to name and the write tokens and keeps
 * announced peers in the {@link PeerStore}.
 */
final class Bep5Handlers {
    private final NodeId id;
    private final NodeConfig config;
    private final Environment env;
    private final AnswerContacts answers;
    private final TokenManager tokens;
    private final PeerStore peers;
    private final StorageQuotas quotas;

    Bep5Handlers(NodeId id, NodeConfig config, Environment env, AnswerContacts answers, TokenManager tokens, PeerStore peers,
                 StorageQuotas quotas) {
        this.id = id;
        this.config = config;
        this.env = env;
        this.answers = answers;
        this.tokens = tokens;
        this.peers = peers;
        this.quotas = quotas;
    }

    void registerWith(QueryDispatch dispatch) {
        dispatch.register("ping", (from, args) -> Dict.builder().put("id", id).build());
        dispatch.register("find_node", (from, args) -> answers.put(Dict.builder().put("id", id), args.id("target"),
                args, false).build());
        dispatch.register("get_peers", (from, args) -> getPeers(from, args.id("info_hash"), args));
        dispatch.register("announce_peer", this::announcePeer);
    }

    private Dict getPeers(InetSocketAddress from, NodeId infoHash, Dict args) {
        Dict.Builder reply = answers.put(Dict.builder().put("id", id)
                .put("token", tokens.tokenFor(from.getAddress(), infoHash)), infoHash, args, false);
        List<InetSocketAddress> found = peers.peers(infoHash, config.maxPeersPerReply(), env.now());
        if (!found.isEmpty()) {
            List<Object> values = new ArrayList<>(found.size());
            for (InetSocketAddress p : found) {
                if (CompactInfo.encodable(p)) {
                    values.add(CompactInfo.peer(p));
                }
            }
            reply.put("values", values);
        }
        return reply.build();
    }

    private Dict announcePeer(InetSocketAddress from, Dict args) {
        NodeId infoHash = args.id("info_hash");
        if (!tokens.valid(args.bytes("token"), from.getAddress(), infoHash)) {
            throw new CometException(ErrorCode.PROTOCOL, "bad token");
        }
        boolean implied = args.optionalInteger("implied_port", 0) != 0;
        long port = implied ? from.getPort() : args.integer("port");
        if (port < 1 || port > 65535) {
            throw new CometException(ErrorCode.PROTOCOL, "port out of range: " + port);
        }
        InetSocketAddress peer = new InetSocketAddress(from.getAddress(), (int) port);
        if (CompactInfo.encodable(peer)) {
            // an announcement on a new info hash counts against its sender's share of the store (docs/abuse.md)
            byte[] key = PeerStore.key(infoHash, peer);
            quotas.store(from, key, key.length, env.now(), () -> peers.announce(infoHash, peer, env.now()));
        }
        return Dict.builder().put("id", id).build();
    }
}
