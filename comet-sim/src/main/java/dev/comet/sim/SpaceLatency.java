package dev.comet.sim;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The latencies of a {@link LatencySpace}: places every host as it is created and draws each datagram's latency.
 * Places come from a generator of its own, seeded from the run's seed, so that they depend only on the seed and the
 * order hosts are made in; a datagram's jitter comes from its sender's generator. Owns the places (kept after a host
 * leaves: a scenario may ask how far a departed peer was) and that generator; places are made by the drivers only,
 * and read by every lane.
 */
final class SpaceLatency {
    /** Mixed into the run's seed, so that the places are not the run's own first draws. */
    private static final long SALT = 0x5EED_C00D_0000_0001L;

    private record Place(double x, double y, double accessMillis) {
    }

    private final LatencySpace space;
    private final Random random;
    private final double[][] centres;
    private final Map<InetSocketAddress, Place> places = new HashMap<>();

    SpaceLatency(LatencySpace space, long seed) {
        this.space = space;
        this.random = new Random(seed ^ SALT);
        this.centres = new double[space.clusters()][];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = new double[] {random.nextDouble() * space.widthMillis(), random.nextDouble() * space.widthMillis()};
        }
    }

    /** Gives a new host its place. */
    void place(InetSocketAddress host) {
        double x;
        double y;
        if (centres.length == 0) {
            x = random.nextDouble() * space.widthMillis();
            y = random.nextDouble() * space.widthMillis();
        } else {
            double[] centre = centres[random.nextInt(centres.length)];
            x = centre[0] + random.nextGaussian() * space.spreadMillis();
            y = centre[1] + random.nextGaussian() * space.spreadMillis();
        }
        double access = space.accessMinMillis() + random.nextDouble() * (space.accessMaxMillis() - space.accessMinMillis());
        places.put(host, new Place(x, y, access));
    }

    /** The one-way latency without jitter between two placed hosts, ms; NaN when either was never placed. */
    double baseMillis(InetSocketAddress from, InetSocketAddress to) {
        Place a = places.get(from);
        Place b = places.get(to);
        if (a == null || b == null) {
            return Double.NaN;
        }
        return Math.hypot(a.x - b.x, a.y - b.y) + (a.accessMillis + b.accessMillis); // the same both ways
    }

    /** The shortest latency a datagram can have, whole ms: both access links at their shortest, no distance. */
    long shortestMillis() {
        return 2 * space.accessMinMillis();
    }

    /** One datagram's latency, whole ms: the base latency plus jitter drawn from {@code random}, the sender's. */
    long draw(InetSocketAddress from, InetSocketAddress to, java.util.random.RandomGenerator random) {
        double jitter = space.jitterMillis() == 0 ? 0 : random.nextDouble() * space.jitterMillis();
        return Math.round(baseMillis(from, to) + jitter);
    }
}
