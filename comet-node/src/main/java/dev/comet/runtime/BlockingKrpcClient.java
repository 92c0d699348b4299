package dev.comet.runtime;

import dev.comet.CometException;
import dev.comet.bencode.BencodeLimits;
import dev.comet.fragments.Fragment;
import dev.comet.fragments.FragmentConfig;
import dev.comet.fragments.Reassembly;
import dev.comet.id.NodeId;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcDecodeException;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A blocking, single-socket KRPC client for diagnostics and tests: sends raw datagrams or queries to a node and
 * reads the answers, the way a foreign implementation would see it. Not for use on a node's event loop. One thread
 * at a time: it owns its socket, its transaction counter, its receive buffer and the reassembly of fragmented answers.
 */
public final class BlockingKrpcClient implements AutoCloseable {
    public static final KrpcCodec CODEC = new KrpcCodec(BencodeLimits.DEFAULT);
    private final DatagramSocket socket;
    private final NodeId id = NodeId.ofKey("blocking krpc client");
    private int nextTransaction;
    /** Reused for every receive: a fresh 64 KiB array per datagram was most of a load generator's work. */
    private final byte[] receiveBuffer = new byte[65536];
    private final Reassembly reassembly = new Reassembly(FragmentConfig.defaults(), BencodeLimits.DEFAULT.maxInputLength());

    public BlockingKrpcClient() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** A client on a free port of {@code local} (::1 to reach nodes on IPv6 loopback). */
    public BlockingKrpcClient(InetAddress local) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(local, 0));
        socket.setSoTimeout(2000);
    }

    public NodeId id() {
        return id;
    }

    /** The address this client's socket is bound to. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public void send(InetSocketAddress to, byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, to));
    }

    /**
     * The next message that arrives within {@code timeoutMillis}, decoded, or empty. A message a node sent in
     * fragments (a large Comet answer) is put back together first, as a node does.
     */
    public Optional<KrpcMessage> receive(int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout(left);
            DatagramPacket p = new DatagramPacket(receiveBuffer, receiveBuffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            byte[] data = Arrays.copyOf(receiveBuffer, p.getLength());
            if (Fragment.looksLike(data)) {
                data = reassemble((InetSocketAddress) p.getSocketAddress(), data);
                if (data == null) {
                    continue;
                }
            }
            return Optional.of(CODEC.decode(data));
        }
    }

    private byte[] reassemble(InetSocketAddress from, byte[] datagram) {
        try {
            return reassembly.accept(from, Fragment.decode(datagram, BencodeLimits.DEFAULT), System.nanoTime() / 1_000_000);
        } catch (CometException e) {
            throw new KrpcDecodeException("a fragment that does not decode: " + e.getMessage(), null);
        }
    }

    /**
     * Sends a query, marked read-only (BEP 43: the node must not add us to its routing table), and returns the
     * answer to it (response or error), or empty if none came within 2 s. Other datagrams are skipped.
     */
    public Optional<KrpcMessage> query(InetSocketAddress to, String method, Dict args) throws IOException {
        // two bytes that do not repeat for 65,536 queries: a node answers a repeated (address, t) from memory
        int n = nextTransaction++;
        byte[] tid = {(byte) (n >>> 8), (byte) n};
        send(to, CODEC.encode(new KrpcQuery(tid, method, args, new byte[] {'T', 'S', 0, 1}, true)));
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            int left = (int) ((deadline - System.nanoTime()) / 1_000_000);
            if (left <= 0) {
                return Optional.empty();
            }
            Optional<KrpcMessage> m = receive(left);
            if (m.isEmpty()) {
                return m;
            }
            if (!(m.get() instanceof KrpcQuery) && Arrays.equals(m.get().transactionId(), tid)) {
                return m;
            }
        }
    }

    public Optional<KrpcMessage> ping(InetSocketAddress to) throws IOException {
        return query(to, "ping", Dict.builder().put("id", id).build());
    }

    @Override
    public void close() {
        socket.close();
    }
}
