package dev.comet.sim;

import java.util.Random;

/**
 * How long a node stays before churn takes it (its session time), drawn from the simulation's one random generator.
 * An immutable description: exponential (the memoryless default), Pareto (heavy-tailed, as measured DHT sessions are)
 * or none (no churn).
 */
public interface SessionTimes {
    /** No churn: nodes stay. */
    SessionTimes NONE = new SessionTimes() {
        @Override
        public long sessionMillis(Random random) {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean churns() {
            return false;
        }

        @Override
        public String toString() {
            return "none";
        }
    };

    /** One node's session, in virtual milliseconds. */
    long sessionMillis(Random random);

    /** False when nodes never leave by churn. */
    default boolean churns() {
        return true;
    }

    /** Exponential sessions of mean {@code meanSeconds}; {@link #NONE} for 0. */
    static SessionTimes exponential(double meanSeconds) {
        if (meanSeconds <= 0) {
            return NONE;
        }
        double meanMillis = meanSeconds * 1000;
        return new SessionTimes() {
            @Override
            public long sessionMillis(Random random) {
                return (long) (-Math.log(1 - random.nextDouble()) * meanMillis);
            }

            @Override
            public String toString() {
                return "exponential, mean " + meanSeconds + " s";
            }
        };
    }

    /**
     * Pareto sessions of mean {@code meanSeconds} and shape {@code shape} (over 1; smaller is heavier-tailed): the
     * scale is {@code mean (shape - 1) / shape}.
     */
    static SessionTimes pareto(double meanSeconds, double shape) {
        if (!(shape > 1) || !(meanSeconds > 0)) {
            throw new IllegalArgumentException("a Pareto session needs a shape over 1 and a positive mean");
        }
        double scaleMillis = meanSeconds * 1000 * (shape - 1) / shape;
        return new SessionTimes() {
            @Override
            public long sessionMillis(Random random) {
                return (long) (scaleMillis / Math.pow(1 - random.nextDouble(), 1 / shape));
            }

            @Override
            public String toString() {
                return "pareto, mean " + meanSeconds + " s, shape " + shape;
            }
        };
    }
}
