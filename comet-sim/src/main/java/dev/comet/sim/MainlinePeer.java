package dev.comet.sim;

import dev.comet.aso.AsoRuntime;
import dev.comet.bencode.Bencode;
import dev.comet.core.Environment;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import dev.comet.storage.Store;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A foreign Mainline node in the simulator (issue #15): the node code runs behind this filter, which makes it behave
 * as libtorrent does on the wire (docs/protocol.md §8, the interop tests): it signs its messages {@code LT}, not
 * {@code CM}; it answers only BEP 5 and BEP 44 methods, takes an unknown method that carries a 20-byte {@code target}
 * or {@code info_hash} for {@code find_node} and answers any other with {@code [203, "unknown message"]}; it ignores
 * {@code cm}; and it ignores, for five minutes, an address that sent it more than 50 datagrams in 10 seconds.
 * (One routing entry per IP holds by construction: every simulated host has its own address.)
 *
 * <p>Owns the per-address packet windows and bans; is the {@link Environment} of the node it wraps, delegating all
 * but sending to the host.
 */
final class MainlinePeer implements Environment {
    /** libtorrent 2.0's client version: "LT" and two version bytes. */
    static final byte[] VERSION = {'L', 'T', 2, 0};
    /** The methods libtorrent answers; any other is unknown to it. */
    private static final Set<String> KNOWN = Set.of("ping", "find_node", "get_peers", "announce_peer", "get", "put");
    /** libtorrent's default rate limit, as measured on loopback (docs/interop): packets per window, then a ban. */
    static final int PACKETS_PER_WINDOW = 50;
    static final long WINDOW_MILLIS = 10_000;
    static final long BAN_MILLIS = 5 * 60_000;

    private final SimNetwork.Host host;
    private SimNetwork.Receiver node;
    /** Per source address: the arrival times in the current window, and when a ban ends. */
    private final Map<InetAddress, ArrayDeque<Long>> arrivals = new HashMap<>();
    private final Map<InetAddress, Long> bannedUntil = new HashMap<>();
    private long sweptAt;
    private long dropped;

    MainlinePeer(SimNetwork.Host host) {
        this.host = host;
        host.bind(this::receive);
    }

    /** Where the datagrams that pass the filter go: the wrapped node's. */
    void bind(SimNetwork.Receiver node) {
        this.node = node;
    }

    /** Datagrams ignored by the rate limit so far. */
    long dropped() {
        return dropped;
    }

    private void receive(InetSocketAddress from, byte[] datagram) {
        if (limited(from.getAddress())) {
            dropped++;
            return;
        }
        Object decoded;
        try {
            decoded = Bencode.decode(datagram);
        } catch (RuntimeException e) {
            node.receive(from, datagram); // not bencode: the node drops it as libtorrent would
            return;
        }
        if (!(decoded instanceof Map<?, ?> message) || !isQuery(message)) {
            node.receive(from, datagram);
            return;
        }
        String method = Bencode.key((byte[]) message.get("q"));
        Map<String, Object> args = arguments(message);
        if (KNOWN.contains(method)) {
            if (method.equals("get") && args.containsKey("cm")) {
                args.remove("cm"); // libtorrent does not know the Comet extension
                node.receive(from, Bencode.encode(withArgs(message, method, args)));
            } else {
                node.receive(from, datagram);
            }
        } else if (isId(args.get("target")) || isId(args.get("info_hash"))) {
            Map<String, Object> asFindNode = new TreeMap<>();
            asFindNode.put("id", args.get("id"));
            asFindNode.put("target", isId(args.get("target")) ? args.get("target") : args.get("info_hash"));
            node.receive(from, Bencode.encode(withArgs(message, "find_node", asFindNode)));
        } else {
            Map<String, Object> error = new TreeMap<>();
            error.put("t", message.get("t"));
            error.put("y", "e".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            error.put("e", List.of(203L, "unknown message".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            error.put("v", VERSION);
            host.send(from, Bencode.encode(error));
        }
    }

    /** True when {@code source} is banned, or has just sent more than its share and is banned now. */
    private boolean limited(InetAddress source) {
        long now = host.now();
        Long until = bannedUntil.get(source);
        if (until != null) {
            if (now < until) {
                return true;
            }
            bannedUntil.remove(source);
        }
        ArrayDeque<Long> window = arrivals.computeIfAbsent(source, a -> new ArrayDeque<>());
        while (!window.isEmpty() && window.peekFirst() <= now - WINDOW_MILLIS) {
            window.pollFirst();
        }
        window.addLast(now);
        if (window.size() > PACKETS_PER_WINDOW) {
            arrivals.remove(source);
            bannedUntil.put(source, now + BAN_MILLIS);
            return true;
        }
        if (now - sweptAt >= WINDOW_MILLIS) {
            // a window whose last arrival has left it is an empty window: thousands of simulated peers each hear
            // from hundreds of sources, and kept windows were most of a large simulation's heap
            sweptAt = now;
            arrivals.values().removeIf(w -> w.peekLast() <= now - WINDOW_MILLIS);
        }
        return false;
    }

    private static boolean isQuery(Map<?, ?> message) {
        return message.get("y") instanceof byte[] y && y.length == 1 && y[0] == 'q' && message.get("q") instanceof byte[]
                && message.get("a") instanceof Map<?, ?>;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arguments(Map<?, ?> message) {
        return new TreeMap<>((Map<String, Object>) message.get("a"));
    }

    private static Map<String, Object> withArgs(Map<?, ?> message, String method, Map<String, Object> args) {
        Map<String, Object> copy = new TreeMap<>();
        message.forEach((k, v) -> copy.put((String) k, v));
        copy.put("q", method.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        copy.put("a", args);
        return copy;
    }

    private static boolean isId(Object value) {
        return value instanceof byte[] b && b.length == 20;
    }

    /** Every datagram the node sends is signed {@code LT}: it is not recognised as a Comet node. */
    @Override
    public void send(InetSocketAddress to, byte[] datagram) {
        try {
            if (Bencode.decode(datagram) instanceof Map<?, ?> message && message.containsKey("v")) {
                Map<String, Object> copy = new TreeMap<>();
                message.forEach((k, v) -> copy.put((String) k, v));
                copy.put("v", VERSION);
                datagram = Bencode.encode(copy);
            }
        } catch (RuntimeException e) {
            // the node only sends what it encoded itself; were it not bencode, it goes as it is
        }
        host.send(to, datagram);
    }

    @Override
    public long now() {
        return host.now();
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        return host.schedule(delayMillis, task);
    }

    @Override
    public RandomGenerator random() {
        return host.random();
    }

    @Override
    public Store store() {
        return host.store();
    }

    @Override
    public Contact contact(NodeId id, InetSocketAddress address) {
        return host.contact(id, address);
    }

    @Override
    public AsoRuntime asoRuntime() {
        return AsoRuntime.NONE;
    }
}
