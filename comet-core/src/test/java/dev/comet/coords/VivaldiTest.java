package dev.comet.coords;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Vivaldi converges on a synthetic metric space, is deterministic from its seed, and refuses samples it cannot use. */
class VivaldiTest {
    private static final long SEED = 7;
    private static final CoordinatesConfig CONFIG = CoordinatesConfig.defaults();

    /** Nodes placed on a 200 ms square with access links of 1–10 ms: a round trip is the distance plus both links. */
    private record Space(double[] x, double[] y, double[] access) {
        static Space random(int n, Random r) {
            double[] x = new double[n];
            double[] y = new double[n];
            double[] access = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextDouble() * 200;
                y[i] = r.nextDouble() * 200;
                access[i] = 1 + r.nextDouble() * 9;
            }
            return new Space(x, y, access);
        }

        double rtt(int i, int j) {
            return Math.hypot(x[i] - x[j], y[i] - y[j]) + access[i] + access[j];
        }
    }

    private static List<Vivaldi> converge(Space space, int rounds, Random r) {
        int n = space.x().length;
        List<Vivaldi> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(new Vivaldi(CONFIG, new SplittableRandom(SEED + i)));
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < n; i++) {
                int j = r.nextInt(n - 1);
                j = j >= i ? j + 1 : j;
                nodes.get(i).observe(nodes.get(j).estimate(), space.rtt(i, j));
            }
        }
        return nodes;
    }

    /** The median, over every pair, of |predicted - true| / true. */
    private static double medianRelativeError(Space space, List<Vivaldi> nodes) {
        List<Double> errors = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                double predicted = nodes.get(i).estimate().coordinate().rttTo(nodes.get(j).estimate().coordinate());
                errors.add(Math.abs(predicted - space.rtt(i, j)) / space.rtt(i, j));
            }
        }
        double[] sorted = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    @Test
    void predictsTheRoundTripsOfAPlaneWithAccessLinksAfterEnoughSamples() {
        Random r = new Random(SEED);
        Space space = Space.random(50, r);
        List<Vivaldi> before = converge(space, 0, r);
        List<Vivaldi> after = converge(space, 400, r);

        double initial = medianRelativeError(space, before);
        double converged = medianRelativeError(space, after);
        assertThat(initial).as("seed %d: nothing learned yet", SEED).isGreaterThan(0.9);
        assertThat(converged).as("seed %d: median relative error after 400 samples a node", SEED).isLessThan(0.05);
        // the nodes know they converged: their local errors fell from 1 with the samples' errors
        double meanError = after.stream().mapToDouble(v -> v.estimate().error()).average().orElseThrow();
        assertThat(meanError).as("seed %d", SEED).isLessThan(0.15);
    }

    @Test
    void nodesAtTheSamePlaceSeparateInADirectionTheSeedDecides() {
        Vivaldi a = new Vivaldi(CONFIG, new SplittableRandom(SEED));
        Vivaldi b = new Vivaldi(CONFIG, new SplittableRandom(SEED));
        Vivaldi c = new Vivaldi(CONFIG, new SplittableRandom(SEED + 1));
        Estimate origin = new Vivaldi(CONFIG, new SplittableRandom(0)).estimate();

        for (Vivaldi v : List.of(a, b, c)) {
            assertThat(v.observe(origin, 80)).isTrue();
        }

        assertThat(a.estimate()).isEqualTo(b.estimate());
        assertThat(a.estimate().coordinate()).isNotEqualTo(c.estimate().coordinate());
        // equal errors weigh the sample by one half: the node moves c_c * 1/2 of the 80 ms it lacked (less the
        // 0.2 ms both least heights already predict)
        double moved = a.estimate().coordinate().planeDistanceTo(origin.coordinate());
        assertThat(moved).isCloseTo(0.25 * 0.5 * (80 - 0.2), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.estimate().coordinate().planeDistanceTo(origin.coordinate()))
                .isCloseTo(moved, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aRoundTripThatIsNotAPositiveFiniteNumberInRangeChangesNothing() {
        Vivaldi v = new Vivaldi(CONFIG, new SplittableRandom(SEED));
        Estimate remote = new Estimate(new Coordinate(30, 40, 2), 0.5);
        Estimate before = v.estimate();

        for (double rtt : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -5,
                Estimate.MAX_MILLIS * 2}) {
            assertThat(v.observe(remote, rtt)).as("rtt %s", rtt).isFalse();
        }
        assertThat(v.observe(null, 50)).isFalse();

        assertThat(v.estimate()).isEqualTo(before);
        assertThat(v.samples()).isZero();
    }

    @Test
    void samplesThatWouldCarryTheCoordinateOutOfRangeAreRefusedAndTheCoordinateKept() {
        Vivaldi v = new Vivaldi(CONFIG, new SplittableRandom(SEED));
        // a liar always half the space behind this node, certain of itself, claiming the longest round trip: each
        // sample pushes this node an eighth of the space further, until it would leave it
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            Coordinate at = v.estimate().coordinate();
            Estimate before = v.estimate();
            if (!v.observe(new Estimate(new Coordinate(at.x() - Estimate.MAX_MILLIS / 2, at.y(), 0), 0), Estimate.MAX_MILLIS)) {
                refused++;
                assertThat(v.estimate()).isEqualTo(before);
            }
            assertThat(v.estimate().inRange()).as("after sample %d: %s", i, v.estimate()).isTrue();
        }
        assertThat(refused).isPositive();
        assertThat(v.estimate().coordinate().x()).isGreaterThan(Estimate.MAX_MILLIS / 2);
    }

    @Test
    void theSameSamplesGiveTheSameCoordinates() {
        Space space = Space.random(20, new Random(3));
        List<Vivaldi> one = converge(space, 50, new Random(4));
        List<Vivaldi> two = converge(space, 50, new Random(4));
        assertThat(one.stream().map(Vivaldi::estimate).toList())
                .isEqualTo(two.stream().map(Vivaldi::estimate).toList());
        assertThat(Arrays.stream(space.x()).distinct().count()).isEqualTo(20);
    }
}
