package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.LuaRuntimePool;
import dev.comet.gateway.Gateway;
import dev.comet.gateway.GatewayConfig;
import dev.comet.runtime.DataDirectory;
import dev.comet.runtime.UdpNode;
import io.netty.channel.nio.NioEventLoopGroup;
import picocli.CommandLine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code comet node}: one long-running node until SIGINT or SIGTERM. */
@CommandLine.Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run one DHT node until interrupted (SIGINT/SIGTERM); it keeps its id and contacts in --data-dir.")
final class NodeCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String bind;

    @CommandLine.Option(names = "--port", defaultValue = "6881", description = "UDP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @CommandLine.Option(names = "--bootstrap", paramLabel = "HOST:PORT[,HOST:PORT]", description = "Nodes to join through.")
    String bootstrap;

    @CommandLine.Option(names = "--data-dir", defaultValue = "${env:COMET_DATA_DIR}",
            description = "Directory for the node's id, contacts and store; env COMET_DATA_DIR.")
    Path dataDir;

    @CommandLine.Option(names = "--http-port", defaultValue = "${env:COMET_HTTP_PORT}",
            description = "Serve the HTTP gateway on this port (0: a free one); off when not given; env COMET_HTTP_PORT.")
    Integer httpPort;

    @CommandLine.Option(names = "--http-bind", defaultValue = "${env:COMET_HTTP_BIND:-127.0.0.1}",
            description = "Address the gateway listens on (default: ${DEFAULT-VALUE}); env COMET_HTTP_BIND.")
    String httpBind;

    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (dataDir == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "give --data-dir DIR (or COMET_DATA_DIR): the node keeps its id, contacts and store there");
        }
        if (port < 0 || port > 65535) {
            throw new CometException(ErrorCode.BAD_INPUT, "--port must be 0 to 65535, got " + port);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "--bind address " + bind + " does not resolve");
        }
        DataDirectory data = new DataDirectory(dataDir);
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        UdpNode node;
        try {
            node = UdpNode.start(group, new InetSocketAddress(address, port), config.nodeConfig(),
                    Addresses.parseList(bootstrap, spec.commandLine().getErr()), data, false, LuaRuntimePool.factory(config.nodeConfig().objects()));
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        Gateway gateway;
        try {
            gateway = httpPort == null ? null : Gateway.start(node, GatewayConfig.defaults().withAddress(httpBind, httpPort));
        } catch (RuntimeException e) {
            node.close();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (gateway != null) {
                gateway.close();
            }
            node.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            stopped.countDown();
        }, "comet-shutdown"));
        InetSocketAddress a = node.address();
        System.out.println("comet node " + node.id().toHex() + " listening on udp "
                + dev.comet.routing.Contact.hostPort(a) + " (data " + data.root() + ")"
                + (gateway == null ? "" : ", gateway " + gateway.url()));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
