package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.IntMap;
import dev.comet.guard.QueryPacer;
import dev.comet.id.NodeId;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The KRPC transactions of one node: it sends queries, matches answers to them by transaction id and address,
 * retries silent ones and gives up on them. Every datagram of a query waits for its destination's token from the
 * guard's {@link QueryPacer}, in order, at most one timeout's worth per destination (more fail at once). Owns the
 * pending calls, the calls waiting for a token, the transaction counter, the round-trip estimate behind the
 * timeouts, how often lookup steps' re-sends were answered ({@link RetryYield}), and the counters of queries sent,
 * retries, timeouts and answers. It knows no lookups: each query's {@link QueryCallback} hears its fate, and the
 * {@link Listener} hears of every contact that answered or failed (how the routing table learns).
 */
final class Transactions {
    /** What a write or a read reports for a node that did not answer in time. */
    static final CometError NO_ANSWER = CometError.of(ErrorCode.NO_ANSWER);
    /** Half the 16-bit transaction space: past this many pending calls something is flooding us with work. */
    private static final int MAX_PENDING = 1 << 15;

    /** Hears what the answers say about contacts. */
    interface Listener {
        /** {@code contact} answered one of our queries; {@code version} is its {@code v}. */
        void answered(Contact contact, byte[] version);

        /** The node {@code id} did not answer (every attempt), or another node answers at its address now. */
        void failed(NodeId id);

        /**
         * A response or error from {@code address} matched a query of ours by transaction id and address;
         * {@code version} is its {@code v} (null when it has none).
         */
        default void addressConfirmed(InetSocketAddress address, byte[] version) {
        }

        /** A response from {@code address} to a query of ours named {@code observed} as our address (BEP 42's ip). */
        default void observedAs(InetSocketAddress address, InetSocketAddress observed) {
        }

        /** The node we asked at {@code address} as {@code expected} answered with another id. */
        default void idChanged(InetSocketAddress address, NodeId expected, NodeId answered) {
        }

        /**
         * {@code contact} answered a request that its node answers at once (not a {@code comet_*} one, which waits
         * for a handler) on its first attempt, {@code rttMillis} after it was sent, with {@code values}.
         */
        default void measured(Contact contact, long rttMillis, Dict values) {
        }
    }

    private final Environment env;
    private final NodeConfig config;
    private final KrpcCodec codec;
    private final Datagrams datagrams;
    private final Listener listener;
    private final RttEstimator rtt;
    private final QueryPacer pacer;
    private final RetryYield retryYield;
    private final IntMap<PendingCall> pending = new IntMap<>();
    /** Per destination, the calls waiting for a token, oldest first. */
    private final Map<InetSocketAddress, ArrayDeque<PendingCall>> waiting = new HashMap<>();
    private int nextTransaction;
    private boolean readOnly;
    private boolean stopped;

    private long queriesSent;
    private long retries;
    private long timeouts;
    private long responsesReceived;
    private long errorsReceived;
    private long unsolicitedDropped;
    private long forgedDropped;
    private long malformedDropped;

    private static final class PendingCall {
        final int key;
        final InetSocketAddress to;
        final NodeId expected;
        final byte[] datagram;
        /** A Comet query: over {@code fragments.fragmentBytes} it goes in fragments. */
        final boolean comet;
        final QueryCallback callback;
        /** Most sends of this call: requestAttempts, pingAttempts for a liveness ping, 1 for a probe. */
        final int maxAttempts;
        /** False for a probe: its answer proves the address, it does not teach the routing table. */
        boolean teaches = true;
        /** A lookup's step: it is sent again only while such re-sends pay ({@link RetryYield}). */
        boolean lookupStep;
        /** The node said (370) that it answers our next attempt: that one goes out whatever re-sends yield. */
        boolean answerPromised;
        /**
         * Whether the method is answered at once, so that its round trip is the network's alone: a {@code comet_*}
         * answer waits for a handler.
         */
        boolean immediate;
        long sentAt;
        int attempts = 1;
        Environment.Timer timer;

        PendingCall(int key, InetSocketAddress to, NodeId expected, byte[] datagram, boolean comet,
                    QueryCallback callback, int maxAttempts) {
            this.key = key;
            this.to = to;
            this.expected = expected;
            this.datagram = datagram;
            this.comet = comet;
            this.callback = callback;
            this.maxAttempts = maxAttempts;
        }
    }

    Transactions(Environment env, NodeConfig config, KrpcCodec codec, Datagrams datagrams, QueryPacer pacer,
                 Listener listener) {
        this.env = env;
        this.datagrams = datagrams;
        this.config = config;
        this.codec = codec;
        this.pacer = pacer;
        this.listener = listener;
        this.rtt = new RttEstimator(config.minRequestTimeoutMillis(), config.requestTimeoutMillis());
        this.retryYield = new RetryYield(config.requestAttempts());
        this.nextTransaction = env.random().nextInt(1 << 16);
    }

    /** BEP 43: queries of a read-only node carry {@code ro = 1}. */
    void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /**
     * Sends {@code method} with {@code args} to {@code to}; {@code expected} is the node id we believe answers
     * there (null when unknown, as for a bootstrap address).
     */
    void send(InetSocketAddress to, NodeId expected, String method, Dict args, QueryCallback callback) {
        send(to, expected, method, args, callback, true, config.requestAttempts());
    }

    /**
     * Sends one step of a lookup, {@code method} with {@code args}, to {@code to} (the node {@code expected}): as
     * {@link #send}, but a silent step is sent again only while re-sends of lookup steps are answered often enough
     * to be worth their datagrams ({@link RetryYield}).
     */
    void sendLookupStep(InetSocketAddress to, NodeId expected, String method, Dict args, QueryCallback callback) {
        PendingCall call = send(to, expected, method, args, callback, true, config.requestAttempts());
        if (call != null) {
            call.lookupStep = true;
        }
    }

    /**
     * Pings {@code to} (the node {@code expected}, null when unknown) to learn whether it is alive, sent at most
     * {@code pingAttempts} times: a liveness ping decides only whether a node keeps or earns a place (in the table,
     * the overlay, a record's replicas), and a lookup's own retries would spend more datagrams on a node that is most
     * likely gone (under churn, half of all sends went to departed nodes).
     */
    void ping(InetSocketAddress to, NodeId expected, NodeId self, QueryCallback callback) {
        send(to, expected, "ping", pingArgs(self), callback, true, config.pingAttempts());
    }

    /**
     * Pings {@code to} only to learn that its address is real (the reply budget's verification): the answer
     * confirms the address to the listener, it does not teach the routing table (the prober may be a BEP 43
     * read-only client). Sent once, not retried.
     */
    void probe(InetSocketAddress to, NodeId self) {
        send(to, null, "ping", pingArgs(self), QueryCallback.IGNORE, false, 1);
    }

    private static Dict pingArgs(NodeId self) {
        return Dict.builder().put("id", self).build();
    }

    /** The call made, or null when it failed at once. */
    private PendingCall send(InetSocketAddress to, NodeId expected, String method, Dict args, QueryCallback callback,
                             boolean teaches, int maxAttempts) {
        if (stopped || pending.size() >= MAX_PENDING) {
            callback.onFailure();
            return null;
        }
        int key;
        do {
            key = nextTransaction++ & 0xFFFF;
        } while (pending.containsKey(key));
        byte[] tid = {(byte) (key >>> 8), (byte) key};
        byte[] datagram = codec.encode(new KrpcQuery(tid, method, args, ClientVersion.COMET, readOnly));
        PendingCall call = new PendingCall(key, to, expected, datagram, Datagrams.fragmentable(method), callback,
                maxAttempts);
        call.teaches = teaches;
        call.immediate = !method.startsWith("comet_");
        pending.put(key, call);
        queriesSent++;
        transmit(call);
        return call;
    }

    /** Sends the call's datagram now if its destination has a token and no call waits before it; else queues it. */
    private void transmit(PendingCall call) {
        // nearly always no call waits: a look-up even in an empty map hashes the address, whose objects are another
        // node's (3 % of a 10,000-node simulation's thread went to it)
        ArrayDeque<PendingCall> queue = waiting.isEmpty() ? null : waiting.get(call.to);
        if (queue == null) {
            long wait = pacer.reserve(call.to, env.now());
            if (wait == 0) {
                put(call);
                return;
            }
            queue = new ArrayDeque<>();
            waiting.put(call.to, queue);
            InetSocketAddress to = call.to;
            env.schedule(wait, () -> drain(to));
        } else if (queue.size() >= pacer.maxWaiting(call.to, config.requestTimeoutMillis(), env.now())) {
            // the destination's allowance is spoken for a whole timeout ahead: failing now lets a lookup go
            // elsewhere, and the destination is not blamed (it did nothing wrong)
            pending.remove(call.key);
            pacer.countRefused();
            call.callback.onFailure();
            return;
        }
        pacer.countDelayed();
        queue.add(call);
    }

    /** Sends the calls waiting for {@code to} while it has tokens; comes back when the next token does. */
    private void drain(InetSocketAddress to) {
        ArrayDeque<PendingCall> queue = waiting.get(to);
        if (queue == null || stopped) {
            return;
        }
        while (!queue.isEmpty()) {
            long wait = pacer.reserve(to, env.now());
            if (wait > 0) {
                env.schedule(wait, () -> drain(to));
                return;
            }
            PendingCall call = queue.poll();
            if (pending.get(call.key) == call) { // not answered late, nor refused, while it waited
                put(call);
            }
        }
        waiting.remove(to);
    }

    /** Puts the call's datagram on the wire and starts its timeout. */
    private void put(PendingCall call) {
        call.sentAt = env.now();
        call.timer = env.schedule(rtt.timeoutMillis(), () -> onTimeout(call));
        if (call.comet) {
            datagrams.sendComet(call.to, call.datagram);
        } else {
            datagrams.send(call.to, call.datagram);
        }
    }

    private void onTimeout(PendingCall call) {
        if (pending.get(call.key) != call) {
            return;
        }
        if (call.attempts < call.maxAttempts && resendPays(call)) {
            call.attempts++;
            retries++;
            call.timer = null;
            call.callback.onRetry();
            transmit(call);
            return;
        }
        pending.remove(call.key);
        timeouts++;
        measureResends(call, false);
        if (call.expected != null) {
            listener.failed(call.expected);
        }
        call.callback.onFailure();
    }

    /**
     * A response arrived: it completes the pending call it answers, if it comes from where we sent it. False when it
     * answers none (unsolicited: late, guessed or forged).
     */
    boolean onResponse(InetSocketAddress from, KrpcResponse response) {
        PendingCall call = takePending(from, response.transactionId(), response.version());
        if (call == null) {
            return false;
        }
        listener.observedAs(from, response.observedAddress());
        responsesReceived++;
        Contact sender;
        try {
            sender = env.contact(response.values().id("id"), from);
        } catch (CometException e) {
            malformedDropped++;
            call.callback.onFailure();
            return true;
        }
        if (!call.teaches) {
            call.callback.onResponse(sender, response);
            return true;
        }
        if (call.expected != null && !call.expected.equals(sender.id())) {
            // another node now answers at that address: the one we asked for is gone, and the one there changed
            // its id (the guard bans it: a node that picks ids at will could place itself next to any key)
            listener.idChanged(from, call.expected, sender.id());
            listener.failed(call.expected);
            call.callback.onFailure();
            return true;
        }
        listener.answered(sender, response.version());
        if (call.attempts == 1 && call.immediate) {
            listener.measured(sender, env.now() - call.sentAt, response.values());
        }
        call.callback.onResponse(sender, response);
        return true;
    }

    /**
     * An error reply arrived for one of our queries. A 370 (our address is not verified there yet, and the node
     * probes it now) leaves the call pending: its next attempt, after the usual timeout, is answered. False when it
     * answers none of our queries.
     */
    boolean onError(InetSocketAddress from, KrpcError error) {
        if (error.code() == ErrorCode.UNVERIFIED_SOURCE.krpcCode()) {
            PendingCall call = matching(from, error.transactionId());
            if (call != null && call.attempts < call.maxAttempts) {
                call.answerPromised = true;
                listener.addressConfirmed(from, error.version());
                return true;
            }
        }
        PendingCall call = takePending(from, error.transactionId(), error.version());
        if (call == null) {
            return false;
        }
        errorsReceived++;
        call.callback.onError(error);
        return true;
    }

    /** The pending call {@code tid} names if it was sent to {@code from}, else null. */
    private PendingCall matching(InetSocketAddress from, byte[] tid) {
        PendingCall call = tid.length == 2 ? pending.get(key(tid)) : null;
        return call != null && call.to.equals(from) ? call : null;
    }

    private static int key(byte[] tid) {
        return ((tid[0] & 0xFF) << 8) | (tid[1] & 0xFF);
    }

    private PendingCall takePending(InetSocketAddress from, byte[] tid, byte[] version) {
        int key = tid.length == 2 ? key(tid) : -1;
        PendingCall call = key < 0 ? null : pending.get(key);
        // an answer counts only if it comes from the address we asked (mldht: tid and address must match)
        if (call == null || !call.to.equals(from)) {
            unsolicitedDropped++;
            if (call != null) {
                forgedDropped++; // a pending query's tid from another address: a guess or a spoof
            }
            return null;
        }
        pending.remove(key);
        listener.addressConfirmed(from, version);
        if (call.timer != null) { // null while a retry waits for a token
            call.timer.cancel();
        }
        if (call.attempts == 1) {
            rtt.record(env.now() - call.sentAt);
        }
        measureResends(call, true);
        return call;
    }

    /** Whether a silent call goes out once more: always, but for a lookup's step whose re-sends rarely pay. */
    private boolean resendPays(PendingCall call) {
        return !call.lookupStep || call.answerPromised || retryYield.worthSending(call.attempts + 1);
    }

    /** A lookup's step ended: its re-sends teach {@link RetryYield} (not when the node had promised an answer). */
    private void measureResends(PendingCall call, boolean answered) {
        if (call.lookupStep && !call.answerPromised) {
            retryYield.ended(call.attempts, answered);
        }
    }

    /** Forgets every pending call; later answers are unsolicited and later sends fail at once. */
    void stop() {
        stopped = true;
        for (PendingCall call : pending.values()) { // a copy: the map is cleared below
            if (call.timer != null) {
                call.timer.cancel();
            }
        }
        pending.clear();
        waiting.clear();
    }

    int pendingCount() {
        return pending.size();
    }

    long queriesSent() {
        return queriesSent;
    }

    long retries() {
        return retries;
    }

    long timeouts() {
        return timeouts;
    }

    /** Re-sends of silent lookup steps left out because such re-sends were rarely answered lately. */
    long retriesSkipped() {
        return retryYield.skipped();
    }

    long responsesReceived() {
        return responsesReceived;
    }

    long errorsReceived() {
        return errorsReceived;
    }

    long unsolicitedDropped() {
        return unsolicitedDropped;
    }

    long malformedDropped() {
        return malformedDropped;
    }

    /** Answers carrying the transaction id of a pending query but coming from another address than it went to. */
    long forgedDropped() {
        return forgedDropped;
    }
}
