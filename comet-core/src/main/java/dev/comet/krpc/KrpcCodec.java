package dev.comet.krpc;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.bencode.BencodeMap;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Encodes and strictly decodes KRPC datagrams. Decoding is bounded by {@link BencodeLimits}; every failure is a
 * {@link KrpcDecodeException}, which says whether the sender may be answered with error 203.
 */
public final class KrpcCodec {
    /** Longest transaction id we accept; BEP 5 ids are usually 2 bytes. */
    public static final int MAX_TRANSACTION_ID = 32;

    private final BencodeLimits limits;

    public KrpcCodec(BencodeLimits limits) {
        this.limits = limits;
    }

    public byte[] encode(KrpcMessage message) {
        BencodeMap m = new BencodeMap(6);
        m.put("t", message.transactionId());
        if (message.version() != null) {
            m.put("v", message.version());
        }
        if (message instanceof KrpcQuery q) {
            m.put("y", Y_QUERY);
            m.put("q", q.method().getBytes(StandardCharsets.ISO_8859_1));
            m.put("a", q.arguments().map());
            if (q.readOnly()) {
                m.put("ro", 1L);
            }
        } else if (message instanceof KrpcResponse r) {
            m.put("y", Y_RESPONSE);
            m.put("r", r.values().map());
            if (r.observedAddress() != null && CompactInfo.encodable(r.observedAddress())) {
                m.put("ip", CompactInfo.peer(r.observedAddress()));
            }
        } else if (message instanceof KrpcError e) {
            m.put("y", Y_ERROR);
            m.put("e", List.of((long) e.code(), e.message().getBytes(StandardCharsets.UTF_8)));
        }
        return Bencode.encode(m);
    }

    private static final byte[] Y_QUERY = {'q'};
    private static final byte[] Y_RESPONSE = {'r'};
    private static final byte[] Y_ERROR = {'e'};

    @SuppressWarnings("unchecked")
    public KrpcMessage decode(byte[] datagram) {
        Object root;
        try {
            root = Bencode.decode(datagram, limits);
        } catch (CometException e) {
            throw new KrpcDecodeException(e.getMessage(), null);
        }
        if (!(root instanceof Map<?, ?> rootMap)) {
            throw new KrpcDecodeException("a KRPC message must be a dictionary", null);
        }
        Dict msg = Dict.of((Map<String, Object>) rootMap);
        if (!(msg.map().get("t") instanceof byte[] tid) || tid.length > MAX_TRANSACTION_ID) {
            throw new KrpcDecodeException("missing or oversized transaction id 't'", null);
        }
        if (!(msg.map().get("y") instanceof byte[] y) || y.length != 1) {
            throw new KrpcDecodeException("missing message type 'y'", null);
        }
        byte[] version = msg.map().get("v") instanceof byte[] v ? v : null;
        try {
            return switch (y[0]) {
                case 'q' -> new KrpcQuery(tid, asciiMethod(msg.bytes("q")), msg.dict("a"), version,
                        msg.map().get("ro") instanceof Long ro && ro == 1);
                case 'r' -> new KrpcResponse(tid, msg.dict("r"), version, observed(msg));
                case 'e' -> error(tid, msg.list("e"), version);
                default -> throw new KrpcDecodeException("unknown message type 'y'", null);
            };
        } catch (KrpcDecodeException e) {
            throw e;
        } catch (CometException e) {
            // only a query deserves an answer; a broken response or error is dropped
            throw new KrpcDecodeException(e.getMessage(), y[0] == 'q' ? tid : null);
        }
    }

    private static String asciiMethod(byte[] q) {
        if (q.length == 0 || q.length > 64) {
            throw new CometException(ErrorCode.PROTOCOL, "method name 'q' must be 1 to 64 bytes");
        }
        // a known method's one shared String (KnownMethods), not a new one that every look-up hashes again
        String known = KnownMethods.named(q);
        return known != null ? known : new String(q, StandardCharsets.ISO_8859_1);
    }

    private static InetSocketAddress observed(Dict msg) {
        byte[] ip = msg.map().get("ip") instanceof byte[] b ? b : null;
        return ip != null && (ip.length == CompactInfo.PEER_BYTES || ip.length == CompactInfo.PEER6_BYTES)
                ? CompactInfo.peer(ip) : null;
    }

    private static KrpcError error(byte[] tid, List<?> e, byte[] version) {
        if (e.size() < 2 || !(e.get(0) instanceof Long code) || !(e.get(1) instanceof byte[] text)) {
            throw new CometException(ErrorCode.PROTOCOL, "'e' must be [code, message]");
        }
        return new KrpcError(tid, (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, code)),
                new String(text, StandardCharsets.UTF_8), version);
    }
}
