package dev.comet.sim.scenario;

import dev.comet.sim.Simulation.SimNode;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hosts' addresses as a scenario writes them, {@code "ip:port"} (what a handler sees as {@code caller.ip} and
 * {@code caller.port}): a node, or such a string, to an address, and back. Stateless; never resolves a name.
 */
final class SimAddresses {
    private static final Pattern IP_PORT = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3}):(\\d{1,5})");

    private SimAddresses() {
    }

    static String text(InetSocketAddress a) {
        return dev.comet.routing.Contact.hostPort(a);
    }

    /** A node (what pick() returns) or an "ip:port" string, as the address of a host. */
    static InetSocketAddress of(String call, LuaValue v) {
        if (v.isuserdata(SimNode.class)) {
            return ((SimNode) v.touserdata(SimNode.class)).host().address();
        }
        Matcher m = v.isstring() ? IP_PORT.matcher(v.tojstring()) : null;
        if (m == null || !m.matches()) {
            throw new LuaError(call + " needs a node (the value pick() returned) or an \"ip:port\" string, got "
                    + (v.isstring() ? "'" + v.tojstring() + "'" : v.typename()));
        }
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(m.group(i + 1));
            if (octet > 255) {
                throw new LuaError(call + ": '" + v.tojstring() + "' is not an IPv4 address");
            }
            ip[i] = (byte) octet;
        }
        int port = Integer.parseInt(m.group(5));
        if (port > 65_535) {
            throw new LuaError(call + ": '" + v.tojstring() + "' has no valid port");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an address", e);
        }
    }
}
