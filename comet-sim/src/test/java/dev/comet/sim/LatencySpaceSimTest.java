package dev.comet.sim;

import dev.comet.coords.Estimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Latencies from hosts' places: deterministic from the seed, a host's draws its own whatever others send, and
 * meaningful enough that the nodes' Vivaldi coordinates predict the round trips between them.
 */
class LatencySpaceSimTest {
    @RegisterExtension
    static final SimSeed SEED = new SimSeed(12);

    /** The delay of each of {@code n} datagrams host a sends to host b. */
    private static List<Long> delays(SimNetwork network, int n) {
        return delays(network, n, false);
    }

    /**
     * The delay of each of {@code n} datagrams host a sends to host b; with {@code crowd}, a third host sends one to b
     * just before each of them.
     */
    private static List<Long> delays(SimNetwork network, int n, boolean crowd) {
        SimNetwork.Host a = network.newHost(new dev.comet.storage.InMemoryStore(1_000, 1 << 20));
        SimNetwork.Host b = network.newHost(new dev.comet.storage.InMemoryStore(1_000, 1 << 20));
        SimNetwork.Host c = network.newHost(new dev.comet.storage.InMemoryStore(1_000, 1 << 20));
        List<Long> arrivals = new ArrayList<>();
        b.bind((from, datagram) -> {
            if (from.equals(a.address())) {
                arrivals.add(network.now());
            }
        });
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long sent = network.now();
            if (crowd) {
                c.send(b.address(), new byte[] {2});
            }
            a.send(b.address(), new byte[] {1});
            network.runUntil(sent + 10_000);
            delays.add(arrivals.get(i) - sent);
        }
        return delays;
    }

    @Test
    void withoutASpaceEachHostsLatenciesAreUniformDrawsOfItsOwnGenerator() {
        List<Long> delays = delays(new SimNetwork(SEED.seed(), 0, 10, 100), 50);
        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(10L, 100L));
        assertThat(new java.util.HashSet<>(delays)).as("drawn, not fixed").hasSizeGreaterThan(20);
        assertThat(delays(new SimNetwork(SEED.seed(), 0, 10, 100), 50)).as("the same seed").isEqualTo(delays);
        // a host's draws are its own: another host sending meanwhile changes none of them
        assertThat(delays(new SimNetwork(SEED.seed(), 0, 10, 100), 50, true)).isEqualTo(delays);
        assertThat(delays(new SimNetwork(SEED.seed() + 1, 0, 10, 100), 50)).as("another seed").isNotEqualTo(delays);
    }

    @Test
    void inASpaceTheSameSeedPlacesHostsAlikeAndADatagramTakesTheirDistanceAndLinksPlusJitter() {
        LatencySpace space = LatencySpace.continents();
        SimNetwork one = new SimNetwork(SEED.seed(), 0, 10, 100, space, 1);
        SimNetwork two = new SimNetwork(SEED.seed(), 0, 10, 100, space, 1);
        List<Long> first = delays(one, 20);
        assertThat(delays(two, 20)).isEqualTo(first);

        InetSocketAddress a = addressOf(1);
        InetSocketAddress b = addressOf(2);
        double base = one.latencyMillis(a, b);
        assertThat(base).isEqualTo(one.latencyMillis(b, a)).isGreaterThanOrEqualTo(2 * space.accessMinMillis());
        assertThat(first).allSatisfy(d -> assertThat((double) d)
                .isBetween(Math.floor(base), Math.ceil(base + space.jitterMillis())));
        assertThat(one.latencyMillis(a, addressOf(99))).isNaN();
        // the drivers' generator is not drawn from: its next number is a fresh generator's first
        assertThat(one.random().nextLong()).isEqualTo(new Random(SEED.seed()).nextLong());
    }

    private static InetSocketAddress addressOf(int host) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host}), 6881);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void nodesCoordinatesPredictTheRoundTripsOfTheSpace() {
        Simulation sim = new Simulation(SimConfig.of(300, 0, SEED.seed()).withSpace(LatencySpace.continents()));
        sim.buildAndSettle();
        sim.runPhase("learn", 20 * 60_000);
        List<Simulation.SimNode> nodes = sim.liveNodes();
        Random pairs = new Random(SEED.seed());
        List<Double> errors = new ArrayList<>();
        double meanLocalError = 0;
        for (Simulation.SimNode n : nodes) {
            assertThat(n.node().coordinateSamples()).as("samples of %s", n.node().id()).isPositive();
            meanLocalError += n.node().coordinate().orElseThrow().error() / nodes.size();
        }
        for (int i = 0; i < 2_000; i++) {
            Simulation.SimNode a = nodes.get(pairs.nextInt(nodes.size()));
            Simulation.SimNode b = nodes.get(pairs.nextInt(nodes.size()));
            if (a == b) {
                continue;
            }
            Estimate ea = a.node().coordinate().orElseThrow();
            Estimate eb = b.node().coordinate().orElseThrow();
            double trueRtt = 2 * sim.network().latencyMillis(a.host().address(), b.host().address());
            errors.add(Math.abs(ea.coordinate().rttTo(eb.coordinate()) - trueRtt) / trueRtt);
        }
        errors.sort(Double::compare);
        double median = errors.get(errors.size() / 2);
        System.out.printf("seed %d: median relative error of predicted round trips %.3f, 90th percentile %.3f, "
                + "mean local error %.3f%n", SEED.seed(), median, errors.get(errors.size() * 9 / 10), meanLocalError);
        assertThat(median).isLessThan(0.25);
    }
}
