package dev.comet.core;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.krpc.ClientVersion;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The KRPC transactions of one node: it sends queries, matches answers to them by transaction id and address,
 * retries silent ones and gives up on them. Owns the pending calls, the transaction counter, the round-trip
 * estimate behind the timeouts, and the counters of queries sent, retries, timeouts and answers. It knows no
 * lookups: each query's {@link QueryCallback} hears its fate, and the {@link Listener} hears of every contact that
 * answered or failed (how the routing table learns).
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
    }

    private final Environment env;
    private final NodeConfig config;
    private final KrpcCodec codec;
    private final Listener listener;
    private final RttEstimator rtt;
    private final Map<Integer, PendingCall> pending = new HashMap<>();
    private int nextTransaction;
    private boolean readOnly;
    private boolean stopped;

    private long queriesSent;
    private long retries;
    private long timeouts;
    private long responsesReceived;
    private long errorsReceived;
    private long unsolicitedDropped;
    private long malformedDropped;

    private static final class PendingCall {
        final InetSocketAddress to;
        final NodeId expected;
        final byte[] datagram;
        final QueryCallback callback;
        long sentAt;
        int attempts = 1;
        Environment.Timer timer;

        PendingCall(InetSocketAddress to, NodeId expected, byte[] datagram, QueryCallback callback) {
            this.to = to;
            this.expected = expected;
            this.datagram = datagram;
            this.callback = callback;
        }
    }

    Transactions(Environment env, NodeConfig config, KrpcCodec codec, Listener listener) {
        this.env = env;
        this.config = config;
        this.codec = codec;
        this.listener = listener;
        this.rtt = new RttEstimator(config.minRequestTimeoutMillis(), config.requestTimeoutMillis());
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
        if (stopped || pending.size() >= MAX_PENDING) {
            callback.onFailure();
            return;
        }
        int key;
        do {
            key = nextTransaction++ & 0xFFFF;
        } while (pending.containsKey(key));
        byte[] tid = {(byte) (key >>> 8), (byte) key};
        byte[] datagram = codec.encode(new KrpcQuery(tid, method, args, ClientVersion.COMET, readOnly));
        PendingCall call = new PendingCall(to, expected, datagram, callback);
        pending.put(key, call);
        final int transaction = key;
        call.sentAt = env.now();
        call.timer = env.schedule(rtt.timeoutMillis(), () -> onTimeout(transaction, call));
        queriesSent++;
        env.send(to, datagram);
    }

    private void onTimeout(int key, PendingCall call) {
        if (pending.get(key) != call) {
            return;
        }
        if (call.attempts < config.requestAttempts()) {
            call.attempts++;
            retries++;
            call.timer = env.schedule(rtt.timeoutMillis(), () -> onTimeout(key, call));
            env.send(call.to, call.datagram);
            call.callback.onRetry();
            return;
        }
        pending.remove(key);
        timeouts++;
        if (call.expected != null) {
            listener.failed(call.expected);
        }
        call.callback.onFailure();
    }

    /** A response arrived: it completes the pending call it answers, if it comes from where we sent it. */
    void onResponse(InetSocketAddress from, KrpcResponse response) {
        PendingCall call = takePending(from, response.transactionId());
        if (call == null) {
            return;
        }
        responsesReceived++;
        Contact sender;
        try {
            sender = new Contact(response.values().id("id"), from);
        } catch (CometException e) {
            malformedDropped++;
            call.callback.onFailure();
            return;
        }
        listener.answered(sender, response.version());
        if (call.expected != null && !call.expected.equals(sender.id())) {
            // another node now answers at that address: the one we asked for is gone
            listener.failed(call.expected);
            call.callback.onFailure();
            return;
        }
        call.callback.onResponse(sender, response);
    }

    /** An error reply arrived for one of our queries. */
    void onError(InetSocketAddress from, KrpcError error) {
        PendingCall call = takePending(from, error.transactionId());
        if (call == null) {
            return;
        }
        errorsReceived++;
        call.callback.onError(error);
    }

    private PendingCall takePending(InetSocketAddress from, byte[] tid) {
        int key = tid.length == 2 ? ((tid[0] & 0xFF) << 8) | (tid[1] & 0xFF) : -1;
        PendingCall call = key < 0 ? null : pending.get(key);
        // an answer counts only if it comes from the address we asked (mldht: tid and address must match)
        if (call == null || !call.to.equals(from)) {
            unsolicitedDropped++;
            return null;
        }
        pending.remove(key);
        call.timer.cancel();
        if (call.attempts == 1) {
            rtt.record(env.now() - call.sentAt);
        }
        return call;
    }

    /** Forgets every pending call; later answers are unsolicited and later sends fail at once. */
    void stop() {
        stopped = true;
        for (PendingCall call : pending.values()) {
            call.timer.cancel();
        }
        pending.clear();
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
}
