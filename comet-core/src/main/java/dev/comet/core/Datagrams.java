package dev.comet.core;

import dev.comet.CometException;
import dev.comet.bencode.BencodeLimits;
import dev.comet.fragments.Fragment;
import dev.comet.fragments.FragmentConfig;
import dev.comet.fragments.Reassembly;

import java.net.InetSocketAddress;

/**
 * The node's side of the wire: standard BEP 5/44 messages go as one datagram each, as every Mainline peer expects; a
 * Comet message ({@code comet_*} query or its answer, between Comet nodes) larger than {@code fragments.fragmentBytes}
 * goes in fragments, and fragments that arrive are put back together before anything decodes them (docs/protocol.md,
 * "Fragments"). Owns the counter that names outgoing fragmented messages, the {@link Reassembly} of incoming ones and
 * the fragment counters.
 */
final class Datagrams {
    private final Environment env;
    private final FragmentConfig config;
    private final BencodeLimits limits;
    private final Reassembly reassembly;
    private int nextMessage;
    private long messagesFragmented;
    private long fragmentsSent;
    private long malformedFragments;

    Datagrams(Environment env, NodeConfig config) {
        this.env = env;
        this.config = config.fragments();
        this.limits = config.bencodeLimits();
        this.reassembly = new Reassembly(config.fragments(), config.maxDatagramBytes());
    }

    /** True for the methods whose queries and answers may travel in fragments: Comet's own, sent to Comet nodes only. */
    static boolean fragmentable(String method) {
        return method.startsWith("comet_");
    }

    /** Sends a standard message: one datagram, whatever its size. */
    void send(InetSocketAddress to, byte[] datagram) {
        env.send(to, datagram);
    }

    /** Sends a Comet message: one datagram when it fits in {@code fragmentBytes}, else its fragments, in order. */
    void sendComet(InetSocketAddress to, byte[] message) {
        if (message.length <= config.fragmentBytes()) {
            env.send(to, message);
            return;
        }
        int id = nextMessage++;
        byte[] messageId = {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
        messagesFragmented++;
        for (byte[] fragment : Fragment.split(message, messageId, config.fragmentBytes())) {
            fragmentsSent++;
            env.send(to, fragment);
        }
    }

    /**
     * What to decode of a datagram from {@code from}: the datagram itself, or, for a fragment, the whole message once
     * its last piece is in (null until then, and for a fragment that does not decode).
     */
    byte[] received(InetSocketAddress from, byte[] datagram) {
        if (!Fragment.looksLike(datagram)) {
            return datagram;
        }
        Fragment piece;
        try {
            piece = Fragment.decode(datagram, limits);
        } catch (CometException e) {
            malformedFragments++;
            return null;
        }
        return reassembly.accept(from, piece, env.now());
    }

    /** What fragmentation did so far, for the node's stats. */
    FragmentStats stats() {
        return new FragmentStats(messagesFragmented, fragmentsSent, reassembly.completed(),
                reassembly.dropped() + malformedFragments, reassembly.bufferedBytes());
    }
}
