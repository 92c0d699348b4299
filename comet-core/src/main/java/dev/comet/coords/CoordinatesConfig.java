package dev.comet.coords;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * The settings of a node's network coordinates (Vivaldi), with the defaults of {@link #defaults()}.
 *
 * @param enabled         whether the node computes its coordinate and sends it to Comet nodes (on by default)
 * @param cc              Vivaldi's c_c: the largest fraction of a sample's error a node moves by (paper: 0.25)
 * @param ce              Vivaldi's c_e: how fast the local error follows the samples' errors (paper: 0.25)
 * @param initialError    the error a node starts with, knowing nothing (1: a relative error of 100 %)
 * @param minHeightMillis the least height a coordinate keeps: a height driven to 0 could not grow again when the
 *                        access link turns out slower (the update scales it by itself)
 * @param knownNodes      other nodes' coordinates remembered (the most recently heard), for handlers to read a
 *                        requester's coordinate when its query carried none
 */
public record CoordinatesConfig(boolean enabled, double cc, double ce, double initialError, double minHeightMillis,
                                int knownNodes) {
    public CoordinatesConfig {
        if (!(cc > 0 && cc <= 1) || !(ce > 0 && ce <= 1)) {
            throw new CometException(ErrorCode.BAD_INPUT, "coordinates.cc and coordinates.ce must be in (0, 1], got "
                    + cc + " and " + ce);
        }
        if (!(initialError > 0 && initialError <= Estimate.MAX_ERROR)) {
            throw new CometException(ErrorCode.BAD_INPUT, "coordinates.initialError must be in (0, "
                    + Estimate.MAX_ERROR + "], got " + initialError);
        }
        if (!(minHeightMillis >= 0 && minHeightMillis < Estimate.MAX_MILLIS)) {
            throw new CometException(ErrorCode.BAD_INPUT, "coordinates.minHeightMillis must be in [0, "
                    + Estimate.MAX_MILLIS + "), got " + minHeightMillis);
        }
        if (knownNodes < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "coordinates.knownNodes must not be negative, got "
                    + knownNodes);
        }
    }

    /** On, with the paper's constants (c_c = c_e = 0.25), a 0.1 ms least height and 1,024 known nodes. */
    public static CoordinatesConfig defaults() {
        return new CoordinatesConfig(true, 0.25, 0.25, 1.0, 0.1, 1024);
    }

    /** Off: the node neither computes nor sends a coordinate. */
    public static CoordinatesConfig off() {
        return new CoordinatesConfig(false, 0.25, 0.25, 1.0, 0.1, 0);
    }
}
