package dev.comet.runtime;

import dev.comet.core.NodeConfig;
import dev.comet.id.Bep42;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import io.netty.channel.nio.NioEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node behind a NAT learns its public address from its peers (BEP 42's {@code ip}) and takes an id bound to it at
 * once, on the same socket and data directory, without a restart. Loopback addresses are exempt from BEP 42, so the
 * peers here (loopback sockets played by the test) name a public address, as peers on the Internet would.
 */
class BoundIdLoopbackTest {
    /** The address the peers say they see the node at (TEST-NET-3: public, not exempt). */
    private static final InetAddress PUBLIC;
    /** The address the peers name later (TEST-NET-2). */
    private static final InetAddress MOVED;

    static {
        try {
            PUBLIC = InetAddress.getByName("203.0.113.7");
            MOVED = InetAddress.getByName("198.51.100.20");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** What the peers say they see: {@link #PUBLIC}, then {@link #MOVED}. */
    private volatile InetAddress observed = PUBLIC;

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final List<FakePeer> peers = new ArrayList<>();
    /** Read by the peers' threads. */
    private volatile UdpNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        peers.forEach(FakePeer::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aNodeTakesAnIdBoundToThePublicAddressItsPeersAgreeOnAtOnce(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) {
            peers.add(new FakePeer(InetAddress.getByName("127.0.0." + (2 + i))));
        }
        DataDirectory data = new DataDirectory(dir);
        node = UdpNode.start(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), NodeConfig.defaults(),
                peers.stream().map(p -> p.address).toList(), data);
        NodeId first = node.id();
        assertThat(Bep42.valid(first, PUBLIC)).as("a random id is bound to the address by chance").isFalse();

        await().atMost(Duration.ofSeconds(20)).until(() -> Bep42.valid(node.id(), PUBLIC));

        NodeId bound = node.id();
        assertThat(bound).isNotEqualTo(first);
        assertThat(Files.readString(dir.resolve("node-id"), StandardCharsets.US_ASCII).trim())
                .as("the data directory keeps the bound id for the next start").isEqualTo(bound.toHex());
        // the same socket answers with the new id, and the node works on: a lookup through the peers completes
        try (BlockingKrpcClient client = new BlockingKrpcClient()) {
            Optional<KrpcMessage> pong = client.ping(node.address());
            assertThat(pong).get().isInstanceOf(KrpcResponse.class);
            assertThat(((KrpcResponse) pong.get()).values().id("id")).isEqualTo(bound);
        }
        // the new node rejoins through the peers; once it has heard from them, its lookups are answered by them
        List<NodeId> peerIds = peers.stream().map(p -> p.id).toList();
        await().atMost(Duration.ofSeconds(20)).until(() -> node.lookup(NodeId.ofKey("after the switch"))
                .get(20, TimeUnit.SECONDS).closest().stream().map(c -> c.id()).toList().containsAll(peerIds));
        assertThat(node.id()).isEqualTo(bound);

        // the peers now name another address: it is saved for the next start at once, but the id does not switch
        // again for 30 minutes (votes come from peers, and a few that lie must not make the node rebuild at will)
        observed = MOVED;
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            node.lookup(NodeId.ofKey("after the move")).get(20, TimeUnit.SECONDS); // its answers carry the votes
            return Files.readString(dir.resolve("external-address"), StandardCharsets.US_ASCII).trim()
                    .equals(MOVED.getHostAddress());
        });
        assertThat(node.id()).as("a second switch waits").isEqualTo(bound);
    }

    /** A peer that answers every query with its id, no nodes, a token, and the node's address as {@link #observed}. */
    private final class FakePeer implements AutoCloseable {
        final BlockingKrpcClient socket;
        final InetSocketAddress address;
        final NodeId id;
        final Thread thread;
        volatile boolean closed;

        FakePeer(InetAddress local) throws IOException {
            socket = new BlockingKrpcClient(local);
            address = socket.localAddress();
            id = NodeId.ofKey("fake peer at " + local.getHostAddress());
            thread = new Thread(this::answer, "fake peer " + address);
            thread.setDaemon(true);
            thread.start();
        }

        private void answer() {
            while (!closed) {
                try {
                    Optional<KrpcMessage> m = socket.receive(100);
                    if (m.isPresent() && m.get() instanceof KrpcQuery q && node != null) {
                        InetSocketAddress to = node.address();
                        Dict values = Dict.builder().put("id", id).put("nodes", new byte[0])
                                .put("token", new byte[] {1, 2, 3, 4}).build();
                        socket.send(to, BlockingKrpcClient.CODEC.encode(new KrpcResponse(q.transactionId(), values,
                                null, new InetSocketAddress(observed, to.getPort()))));
                    }
                } catch (IOException | RuntimeException e) {
                    if (!closed) {
                        throw new AssertionError(e);
                    }
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            socket.close();
        }
    }
}
