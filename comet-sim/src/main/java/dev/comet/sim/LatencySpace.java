package dev.comet.sim;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * A latency model where each host has a place (issue #12: coordinates must mean something in the simulator): hosts
 * lie in a square of {@code widthMillis}, around {@code clusters} centres (continents) or spread uniformly (0), each
 * with an access link of its own; a datagram's one-way latency is the distance between the two places plus both
 * access links plus a little jitter. Round trips are then nearly a metric with heights, the space Vivaldi models.
 * Immutable.
 *
 * @param widthMillis     side of the square the hosts (or the centres of their clusters) lie in, ms of one-way latency
 * @param clusters        centres hosts gather around (each host picks one uniformly); 0: hosts uniform in the square
 * @param spreadMillis    standard deviation of a host's distance from its centre, per dimension (normal)
 * @param accessMinMillis a host's access link adds a one-way delay uniform in [min, max] to each datagram it sends or
 *                        receives
 * @param accessMaxMillis see accessMinMillis
 * @param jitterMillis    each datagram's latency gains a delay uniform in [0, jitter]
 */
public record LatencySpace(double widthMillis, int clusters, double spreadMillis, long accessMinMillis,
                           long accessMaxMillis, long jitterMillis) {
    public LatencySpace {
        if (!(widthMillis >= 0 && widthMillis <= 10_000) || !(spreadMillis >= 0 && spreadMillis <= 10_000)) {
            throw new CometException(ErrorCode.BAD_INPUT, "a latency space's width and spread must be 0 to 10,000 ms");
        }
        if (clusters < 0 || clusters > 1_000) {
            throw new CometException(ErrorCode.BAD_INPUT, "a latency space has 0 to 1,000 clusters, got " + clusters);
        }
        if (accessMinMillis < 0 || accessMaxMillis < accessMinMillis || jitterMillis < 0) {
            throw new CometException(ErrorCode.BAD_INPUT,
                    "a latency space needs 0 <= access min <= access max and a jitter of at least 0");
        }
    }

    /**
     * Five continents on a 120 ms square, 10 ms across each, 1–10 ms access links and 2 ms of jitter: one-way
     * latencies of a few ms within a continent and up to ~190 ms across, round trips below the nodes' 1 s timeout.
     */
    public static LatencySpace continents() {
        return new LatencySpace(120, 5, 10, 1, 10, 2);
    }
}
