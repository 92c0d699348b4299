package dev.comet.coords;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire form of an estimate: it round-trips, and anything malformed a peer sends is ignored, never used. */
class EstimateTest {
    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void roundTripsThroughSixteenBytes() {
        Estimate e = new Estimate(new Coordinate(-12.5, 140.25, 3.75), 0.125);
        byte[] wire = e.toWire();
        assertThat(wire).hasSize(Estimate.WIRE_BYTES);
        assertThat(Estimate.fromWire(wire)).contains(e);
    }

    @Test
    void ignoresWrongTypesAndLengths() {
        assertThat(Estimate.fromWire(null)).isEmpty();
        assertThat(Estimate.fromWire(5L)).isEmpty();
        assertThat(Estimate.fromWire(java.util.List.of(1L, 2L, 3L, 4L))).isEmpty();
        assertThat(Estimate.fromWire(new byte[0])).isEmpty();
        assertThat(Estimate.fromWire(new byte[15])).isEmpty();
        assertThat(Estimate.fromWire(new byte[17])).isEmpty();
        assertThat(Estimate.fromWire(floats(1, 2, 3))).isEmpty();
    }

    @Test
    void ignoresNaNInfinitiesHugeValuesAndNegativeHeightsOrErrors() {
        float big = (float) (Estimate.MAX_MILLIS * 1.01);
        for (byte[] bad : new byte[][] {
                floats(Float.NaN, 0, 1, 0.5f), floats(0, Float.NaN, 1, 0.5f), floats(0, 0, Float.NaN, 0.5f),
                floats(0, 0, 1, Float.NaN), floats(Float.POSITIVE_INFINITY, 0, 1, 0.5f),
                floats(0, Float.NEGATIVE_INFINITY, 1, 0.5f), floats(0, 0, Float.POSITIVE_INFINITY, 0.5f),
                floats(0, 0, 1, Float.POSITIVE_INFINITY), floats(big, 0, 1, 0.5f), floats(0, -big, 1, 0.5f),
                floats(0, 0, big, 0.5f), floats(Float.MAX_VALUE, 0, 1, 0.5f), floats(0, 0, -1, 0.5f),
                floats(0, 0, 1, -0.5f), floats(0, 0, 1, (float) Estimate.MAX_ERROR * 2)}) {
            assertThat(Estimate.fromWire(bad)).as(java.util.HexFormat.of().formatHex(bad)).isEmpty();
        }
        assertThat(Estimate.fromWire(floats((float) -Estimate.MAX_MILLIS, (float) Estimate.MAX_MILLIS,
                (float) Estimate.MAX_MILLIS, (float) Estimate.MAX_ERROR))).isPresent();
    }

    @Test
    void aCoordinateCannotBeMadeOfNonFiniteNumbersOrANegativeHeight() {
        assertThatThrownBy(() -> new Coordinate(Double.NaN, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Coordinate(0, Double.POSITIVE_INFINITY, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Coordinate(0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Estimate(Coordinate.ORIGIN, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void predictsTheRoundTripAsThePlaneDistancePlusBothHeights() {
        Coordinate a = new Coordinate(0, 0, 2);
        Coordinate b = new Coordinate(30, 40, 5);
        assertThat(a.rttTo(b)).isEqualTo(57.0);
        assertThat(b.rttTo(a)).isEqualTo(57.0);
    }
}
