package dev.comet.krpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.BencodeLimits;
import dev.comet.routing.Contact;
import org.junit.jupiter.api.Tag;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Jazzer target for the KRPC codec and the BEP 5 compact formats it carries: arbitrary bytes decode or fail with
 * {@link KrpcDecodeException} only, offering a reply only to a query's transaction id; a decoded message encodes
 * and decodes again to the same message; its {@code nodes}, {@code values} and {@code ip} fields parse as compact
 * node and peer infos or fail with a protocol error, and what parses writes back to the same bytes.
 */
@Tag("jazzer-decoder")
public class KrpcCodecFuzzer {
    private static final KrpcCodec CODEC = new KrpcCodec(BencodeLimits.DEFAULT);

    @FuzzTest(maxDuration = "5s")
    void decode(byte[] datagram) {
        check(datagram);
    }

    /** The target's check of one input, also {@link dev.comet.CoreFuzzer}'s for its selector byte. */
    public static void check(byte[] datagram) {
        KrpcMessage message;
        try {
            message = CODEC.decode(datagram);
        } catch (KrpcDecodeException e) {
            if (e.replyTo() != null) {
                assertThat(e.replyTo().length).isLessThanOrEqualTo(KrpcCodec.MAX_TRANSACTION_ID);
            }
            return;
        }
        byte[] encoded = CODEC.encode(message);
        assertThat(CODEC.encode(CODEC.decode(encoded))).as("decode(encode(m)) is m").isEqualTo(encoded);
        Dict body = message instanceof KrpcQuery q ? q.arguments() : message instanceof KrpcResponse r ? r.values() : null;
        if (body != null) {
            compactFields(body);
        }
    }

    private static void compactFields(Dict body) {
        if (body.map().get("nodes") instanceof byte[] nodes) {
            try {
                List<Contact> contacts = CompactInfo.nodes(nodes);
                assertThat(CompactInfo.nodes(CompactInfo.nodes(contacts))).isEqualTo(contacts);
            } catch (CometException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
            }
        }
        if (body.map().get("values") instanceof List<?> values) {
            for (Object v : values) {
                if (v instanceof byte[] b) {
                    peerRoundTrip(b);
                }
            }
        }
        if (body.map().get("ip") instanceof byte[] ip) {
            peerRoundTrip(ip);
        }
    }

    private static void peerRoundTrip(byte[] peer) {
        try {
            InetSocketAddress address = CompactInfo.peer(peer);
            assertThat(CompactInfo.peer(address)).isEqualTo(peer);
        } catch (CometException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL);
        }
    }
}
