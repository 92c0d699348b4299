package dev.comet.core;

import dev.comet.id.NodeId;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Another DHT node, played by the test: it has an id and an address, writes queries to the node under test and
 * answers the node's queries, as bencoded datagrams.
 */
final class Peer {
    final NodeId id;
    final InetSocketAddress address;
    /** The {@code v} it sends: a Comet node's by default, null for a plain Mainline node. */
    byte[] version = ClientVersion.COMET;
    private int nextTransaction = 0x7100;

    Peer(NodeId id, InetSocketAddress address) {
        this.id = id;
        this.address = address;
    }

    /** A peer at 10.0.{host/256}.{host%256}:6881. */
    Peer(NodeId id, int host) {
        this(id, address(host, 6881));
    }

    static InetSocketAddress address(int host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, (byte) (host >>> 8), (byte) host}), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    Contact contact() {
        return new Contact(id, address);
    }

    /** Arguments carrying this peer's id, to add the rest to. */
    Dict.Builder args() {
        return Dict.builder().put("id", id);
    }

    /** A query with a fresh two-byte transaction id. */
    byte[] query(String method, Dict args) {
        int t = nextTransaction++;
        return query(new byte[] {(byte) (t >>> 8), (byte) t}, method, args, false);
    }

    byte[] query(byte[] tid, String method, Dict args, boolean readOnly) {
        return FakeEnvironment.CODEC.encode(new KrpcQuery(tid, method, args, version, readOnly));
    }

    /** This peer's response to {@code query}: its id and {@code values}. */
    byte[] answer(KrpcQuery query, Dict.Builder values) {
        return FakeEnvironment.CODEC.encode(new KrpcResponse(query.transactionId(), values.put("id", id).build(), version,
                null));
    }

    /** This peer's response to the query in {@code sent}. */
    byte[] answer(FakeEnvironment.Sent sent, Dict.Builder values) {
        return answer((KrpcQuery) sent.decode(), values);
    }

    /** This peer's error reply ({@code code}, {@code message}) to the query in {@code sent}. */
    byte[] error(FakeEnvironment.Sent sent, int code, String message) {
        return FakeEnvironment.CODEC.encode(new dev.comet.krpc.KrpcError(((KrpcQuery) sent.decode()).transactionId(), code,
                message, version));
    }
}
