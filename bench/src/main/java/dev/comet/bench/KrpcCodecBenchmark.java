package dev.comet.bench;

import dev.comet.bencode.BencodeLimits;
import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcCodec;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcQuery;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * KRPC encoding and decoding of the simulator's commonest datagrams: a find_node query and its answer of 8 nodes.
 * Every simulated datagram is encoded once and decoded once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KrpcCodecBenchmark {
    private final KrpcCodec codec = new KrpcCodec(BencodeLimits.DEFAULT);
    private KrpcQuery query;
    private KrpcResponse response;
    private byte[] queryBytes;
    private byte[] responseBytes;

    @Setup
    public void setUp() throws UnknownHostException {
        SplittableRandom random = new SplittableRandom(1);
        List<Contact> contacts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] ip = {127, 0, (byte) (i >>> 8), (byte) i};
            contacts.add(new Contact(NodeId.random(random), new InetSocketAddress(InetAddress.getByAddress(ip), 6881)));
        }
        byte[] tid = {1, 2};
        byte[] version = {'C', 'M', 0, 1};
        query = new KrpcQuery(tid, "find_node", Dict.builder().put("id", NodeId.random(random))
                .put("target", NodeId.random(random)).build(), version);
        response = new KrpcResponse(tid, Dict.builder().put("id", NodeId.random(random))
                .put("nodes", CompactInfo.nodes(contacts)).build(), version, contacts.get(0).address());
        queryBytes = codec.encode(query);
        responseBytes = codec.encode(response);
    }

    @Benchmark
    public byte[] encodeQuery() {
        return codec.encode(query);
    }

    @Benchmark
    public byte[] encodeResponse() {
        return codec.encode(response);
    }

    @Benchmark
    public KrpcMessage decodeQuery() {
        return codec.decode(queryBytes);
    }

    @Benchmark
    public KrpcMessage decodeResponse() {
        return codec.decode(responseBytes);
    }
}
