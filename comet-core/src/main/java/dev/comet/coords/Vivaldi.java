package dev.comet.coords;

import java.util.random.RandomGenerator;

/**
 * One node's Vivaldi (Dabek, Cox, Kaashoek, Morris, SIGCOMM 2004): each round trip measured to a node that sent
 * its coordinate and error moves this node's coordinate toward or away from it, as a spring would, by the paper's
 * adaptive timestep (Figure 3, with the height vectors of §5.3). A sample from a node more sure of itself than this
 * one weighs more; the local error follows how well the coordinate predicted the samples. Owns the node's estimate;
 * not thread-safe (the node's thread).
 */
public final class Vivaldi {
    /** Plane distances below this are "the same place": the spring then pushes in a random direction. */
    private static final double SAME_PLACE_MILLIS = 1e-6;

    private final CoordinatesConfig config;
    /** Only drawn from when two nodes sit at the same place (every node's first samples). */
    private final RandomGenerator random;
    private Estimate estimate;
    private long samples;

    public Vivaldi(CoordinatesConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
        this.estimate = new Estimate(new Coordinate(0, 0, config.minHeightMillis()), config.initialError());
    }

    /** This node's coordinate and error now. */
    public Estimate estimate() {
        return estimate;
    }

    /** Samples used so far. */
    public long samples() {
        return samples;
    }

    /**
     * One measurement: a round trip of {@code rttMillis} to a node whose estimate is {@code remote}. Returns false,
     * changing nothing, for a round trip that is not a positive finite number within {@link Estimate#MAX_MILLIS}, or
     * a sample that would carry the coordinate out of range (a liar's coordinate could try).
     */
    public boolean observe(Estimate remote, double rttMillis) {
        if (remote == null || !remote.inRange() || !(rttMillis > 0 && rttMillis <= Estimate.MAX_MILLIS)) {
            return false;
        }
        Coordinate self = estimate.coordinate();
        Coordinate other = remote.coordinate();
        double ei = estimate.error();
        double ej = remote.error();
        double w = ei + ej > 0 ? ei / (ei + ej) : 0.5;
        double predicted = self.rttTo(other);
        double sampleError = Math.abs(predicted - rttMillis) / rttMillis;
        double error = Math.min(Estimate.MAX_ERROR, sampleError * config.ce() * w + ei * (1 - config.ce() * w));
        // positive: the nodes are farther apart than the space says, so this node moves away from the other
        double force = config.cc() * w * (rttMillis - predicted);
        double dx = self.x() - other.x();
        double dy = self.y() - other.y();
        double plane = Math.hypot(dx, dy);
        double x;
        double y;
        double height;
        if (plane < SAME_PLACE_MILLIS) {
            // u(0) is a random unit vector (the paper's rule for nodes at the same place): the plane moves by the
            // whole force, the heights stay
            double angle = random.nextDouble() * 2 * Math.PI;
            x = self.x() + force * Math.cos(angle);
            y = self.y() + force * Math.sin(angle);
            height = self.height();
        } else {
            // u(xi - xj) for height vectors: [xi - xj, hi + hj] / (|xi - xj| + hi + hj)
            double norm = plane + self.height() + other.height();
            x = self.x() + force * dx / norm;
            y = self.y() + force * dy / norm;
            height = self.height() + force * (self.height() + other.height()) / norm;
        }
        height = Math.max(config.minHeightMillis(), height);
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(height) || !Double.isFinite(error)) {
            return false;
        }
        Estimate next = new Estimate(new Coordinate(x, y, height), Math.max(0, error));
        if (!next.inRange()) {
            return false;
        }
        estimate = next;
        samples++;
        return true;
    }
}
