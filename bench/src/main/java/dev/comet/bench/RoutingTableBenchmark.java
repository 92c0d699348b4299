package dev.comet.bench;

import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import dev.comet.routing.RoutingTable;
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
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code RoutingTable.closestAnswering}: every find_node, get and comet_get reply asks it, and every handler call
 * asks {@code closestAnsweringComet} for {@code comet.lookup()}. A table that has heard of 20,000 random nodes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingTableBenchmark {
    private RoutingTable table;
    private final NodeId[] targets = new NodeId[1024];
    private int next;

    @Setup
    public void setUp() throws UnknownHostException {
        SplittableRandom random = new SplittableRandom(1);
        table = new RoutingTable(NodeId.random(random), NodeConfig.defaults(), 0);
        for (int i = 0; i < 20_000; i++) {
            byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            Contact c = new Contact(NodeId.random(random), new InetSocketAddress(InetAddress.getByAddress(ip), 6881));
            table.heardFrom(c, true, i % 2 == 0, 0);
        }
        for (int i = 0; i < targets.length; i++) {
            targets[i] = NodeId.random(random);
        }
    }

    @Benchmark
    public List<Contact> closestAnswering() {
        return table.closestAnswering(targets[next++ & 1023], 8, 0);
    }

    @Benchmark
    public List<Contact> closestAnsweringComet() {
        return table.closestAnsweringComet(targets[next++ & 1023], 20, 0);
    }
}
