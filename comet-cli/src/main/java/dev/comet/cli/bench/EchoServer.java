package dev.comet.cli.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A trivial UDP echo on a free loopback port, sending every datagram back as it came: the node stand-in that measures
 * the ceiling of {@link RpcLoad} itself. Owns its socket and the one thread that serves it.
 */
public final class EchoServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;

    private EchoServer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "echo-server");
        thread.setDaemon(true);
    }

    public static EchoServer start() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setReceiveBufferSize(4 << 20);
        EchoServer server = new EchoServer(socket);
        server.thread.start();
        return server;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
                socket.send(p);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // a send to a client that went away: keep serving the others
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
