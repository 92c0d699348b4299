package dev.comet.coords;

/**
 * A point in Vivaldi's space (Dabek et al., SIGCOMM 2004, §5.3): two Euclidean dimensions plus a height, all in
 * milliseconds of round-trip time. The plane models the Internet's core, where distance is symmetric; the height
 * models a node's access link, which every round trip crosses twice (once from each end's own link), so heights add
 * rather than cancel. Immutable.
 *
 * @param x      first plane dimension, ms
 * @param y      second plane dimension, ms
 * @param height the access link's share of a round trip, ms, at least 0
 */
public record Coordinate(double x, double y, double height) {
    /** Where every node starts: it knows nothing yet. */
    public static final Coordinate ORIGIN = new Coordinate(0, 0, 0);

    public Coordinate {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(height) || height < 0) {
            throw new IllegalArgumentException("a coordinate needs finite x, y and a height of at least 0, got ("
                    + x + ", " + y + ", " + height + ")");
        }
    }

    /** The round trip to {@code other} this space predicts: the plane distance, then both heights. */
    public double rttTo(Coordinate other) {
        return planeDistanceTo(other) + height + other.height;
    }

    /** The Euclidean distance in the plane alone. */
    public double planeDistanceTo(Coordinate other) {
        return Math.hypot(x - other.x, y - other.y);
    }

    /** The largest absolute component: how far from the origin the coordinate reaches. */
    double magnitude() {
        return Math.max(Math.max(Math.abs(x), Math.abs(y)), height);
    }
}
