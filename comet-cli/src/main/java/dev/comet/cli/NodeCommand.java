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
import java.util.List;
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

    @CommandLine.Option(names = "--bind6", paramLabel = "ADDRESS",
            description = "Also join the IPv6 DHT, bound to ADDRESS (e.g. :: or ::1) on the same --port: a dual-stack "
                    + "node (BEP 32) whose IPv6 half keeps its own id, routing table and store in DATA_DIR/ipv6. "
                    + "--bootstrap addresses go to the half of their family.")
    String bind6;

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
        InetAddress address6 = bind6 == null ? null : resolve6(bind6, address);
        DataDirectory data = new DataDirectory(dataDir);
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        List<InetSocketAddress> joinThrough = Addresses.parseList(bootstrap, spec.commandLine().getErr());
        UdpNode node;
        UdpNode node6 = null;
        try {
            node = UdpNode.start(group, new InetSocketAddress(address, port), config.nodeConfig(),
                    address6 == null ? joinThrough : ofFamily(joinThrough, address), data, false, LuaRuntimePool.factory(config.nodeConfig().objects()));
            if (address6 != null) {
                try {
                    node6 = node.startOtherFamily(new InetSocketAddress(address6, port), ofFamily(joinThrough, address6),
                            new DataDirectory(dataDir.resolve("ipv6")), LuaRuntimePool.factory(config.nodeConfig().objects()));
                } catch (RuntimeException e) {
                    node.close();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        UdpNode ipv6Half = node6;
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
            if (ipv6Half != null) {
                ipv6Half.close();
            }
            node.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            stopped.countDown();
        }, "comet-shutdown"));
        InetSocketAddress a = node.address();
        System.out.println("comet node " + node.id().toHex() + " listening on udp "
                + dev.comet.routing.Contact.hostPort(a)
                + (ipv6Half == null ? "" : " and, in the IPv6 DHT as " + ipv6Half.id().toHex() + ", on udp "
                        + dev.comet.routing.Contact.hostPort(ipv6Half.address()))
                + " (data " + data.root() + ")"
                + (gateway == null ? "" : ", gateway " + gateway.url()));
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The address {@code --bind6} names: it must be an IPv6 one, as {@code --bind}'s must not be. */
    private static InetAddress resolve6(String name, InetAddress bound) {
        InetAddress a;
        try {
            a = InetAddress.getByName(name);
        } catch (UnknownHostException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "--bind6 address " + name + " does not resolve");
        }
        if (!(a instanceof java.net.Inet6Address) || bound instanceof java.net.Inet6Address) {
            throw new CometException(ErrorCode.BAD_INPUT, "--bind6 needs an IPv6 address (e.g. :: or ::1) and --bind an "
                    + "IPv4 one; got --bind " + bound.getHostAddress() + " --bind6 " + a.getHostAddress());
        }
        return a;
    }

    /** The addresses among {@code all} of {@code like}'s family: each half of a dual-stack node joins its own DHT. */
    private static List<InetSocketAddress> ofFamily(List<InetSocketAddress> all, InetAddress like) {
        boolean six = like instanceof java.net.Inet6Address;
        return all.stream().filter(a -> (a.getAddress() instanceof java.net.Inet6Address) == six).toList();
    }
}
