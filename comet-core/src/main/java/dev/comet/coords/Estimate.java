package dev.comet.coords;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A node's coordinate and its Vivaldi error, the relative error it expects of the round trips its coordinate
 * predicts (1 knows nothing, 0 would be perfect). Immutable. It travels between Comet nodes as {@link #WIRE_BYTES}
 * bytes: x, y, height and error as big-endian IEEE 754 float32 (docs/protocol.md, "vc"); a float32 keeps a
 * coordinate to well under a microsecond across the range allowed.
 *
 * @param coordinate where the node believes it is
 * @param error      its relative error, in [0, {@link #MAX_ERROR}]
 */
public record Estimate(Coordinate coordinate, double error) {
    /** Bytes of the wire form. */
    public static final int WIRE_BYTES = 16;
    /**
     * The farthest any component may reach, in ms: ten times the longest round trip a node waits for (1 s by
     * default). A coordinate beyond it cannot predict any round trip a node measures, so it comes from a bug or a
     * liar, and Vivaldi would be dragged by it.
     */
    public static final double MAX_MILLIS = 10_000;
    /** The largest error accepted: an error above a few means the estimate predicts nothing anyway. */
    public static final double MAX_ERROR = 10;

    public Estimate {
        if (coordinate == null) {
            throw new IllegalArgumentException("an estimate needs a coordinate");
        }
        if (!(error >= 0 && error <= MAX_ERROR)) {
            throw new IllegalArgumentException("an estimate's error must be in [0, " + MAX_ERROR + "], got " + error);
        }
    }

    /** What a node starts from: the origin, knowing nothing (error 1). */
    public static Estimate initial(double error) {
        return new Estimate(Coordinate.ORIGIN, error);
    }

    /** Whether every component is within {@link #MAX_MILLIS}: what may be sent and what is accepted. */
    public boolean inRange() {
        return coordinate.magnitude() <= MAX_MILLIS;
    }

    /** The 16-byte wire form. */
    public byte[] toWire() {
        return ByteBuffer.allocate(WIRE_BYTES).putFloat((float) coordinate.x()).putFloat((float) coordinate.y())
                .putFloat((float) coordinate.height()).putFloat((float) error).array();
    }

    /**
     * Reads a wire value from another node: any bencoded value, which must be a {@link #WIRE_BYTES}-byte string of
     * finite numbers in range (components within {@link #MAX_MILLIS}, a height and an error of at least 0, an error
     * at most {@link #MAX_ERROR}). Anything else is empty: a peer's bad coordinate is ignored, never used.
     */
    public static Optional<Estimate> fromWire(Object value) {
        if (!(value instanceof byte[] bytes) || bytes.length != WIRE_BYTES) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        double x = b.getFloat();
        double y = b.getFloat();
        double height = b.getFloat();
        double error = b.getFloat();
        return of(x, y, height, error);
    }

    /** An estimate from numbers that may be anything (a packet, a client's arguments); empty when they are not valid. */
    public static Optional<Estimate> of(double x, double y, double height, double error) {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !(height >= 0 && height <= MAX_MILLIS)
                || !(error >= 0 && error <= MAX_ERROR) || Math.abs(x) > MAX_MILLIS || Math.abs(y) > MAX_MILLIS) {
            return Optional.empty();
        }
        return Optional.of(new Estimate(new Coordinate(x, y, height), error));
    }
}
