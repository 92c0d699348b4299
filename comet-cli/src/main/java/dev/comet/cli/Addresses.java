package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Parses HOST:PORT arguments of the command line. */
final class Addresses {
    private Addresses() {
    }

    /** {@code HOST:PORT[,HOST:PORT…]}; a host that does not resolve is reported and skipped. */
    static List<InetSocketAddress> parseList(String list, java.io.PrintWriter warnings) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String part : list.split(",")) {
            InetSocketAddress address = parse(part.trim());
            if (address.isUnresolved()) {
                warnings.println("comet: bootstrap host " + address.getHostString() + " does not resolve, skipped");
            } else {
                out.add(address);
            }
        }
        return out;
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "expected HOST:PORT, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "port of '" + hostPort + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new CometException(ErrorCode.BAD_INPUT, "port of '" + hostPort + "' must be 1 to 65535");
        }
        return new InetSocketAddress(host, port);
    }
}
