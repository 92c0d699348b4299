package dev.comet.sim;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.NodeConfig;

/**
 * One simulation run: network size and faults, the lookup workload, and the node settings.
 *
 * @param nodes                   nodes in the network (kept constant under churn: each leaver is replaced)
 * @param lookups                 lookups run after the network has settled
 * @param seed                    the one seed of the run
 * @param lossRate                probability that a datagram is lost, in [0, 1)
 * @param latencyMinMillis        one-way latency, uniform between min and max
 * @param latencyMaxMillis        see latencyMinMillis
 * @param killFraction            fraction of nodes killed at once after settling, before the lookups, in [0, 1)
 * @param churnMeanSessionSeconds mean of the exponential session time of a node (0 = no churn)
 * @param joinIntervalMillis      virtual time between two nodes joining while the network is built
 * @param settleMillis            virtual time the network runs after the last join before lookups start
 * @param lookupIntervalMillis    virtual time between the starts of two lookups
 * @param nodeConfig              the protocol settings of every node
 * @param cometFraction           the share of nodes that run Comet, in (0, 1]; the others are foreign Mainline nodes
 *                                ({@link MainlinePeer}). 1 (the default) draws nothing from the seed
 * @param clockSkewMillis         each host's clock is off the network's virtual time by an offset drawn uniformly
 *                                from [-skew, +skew] (issue #14); 0 (the default) draws nothing from the seed
 * @param space                   latencies from hosts' places ({@link LatencySpace}), or null (the default): uniform
 *                                in [latencyMinMillis, latencyMaxMillis]
 * @param warmStart               every node starts at once with its routing table filled from the simulator's global
 *                                knowledge ({@link WarmStart}), instead of joining one after another (false, the
 *                                default: joins are simulated)
 * @param threads                 threads the hosts' events run on, 1 to {@link #MAX_THREADS} (1, the default; no more
 *                                than the machine's cores are started); the report is the same for any number
 */
public record SimConfig(
        int nodes,
        int lookups,
        long seed,
        double lossRate,
        long latencyMinMillis,
        long latencyMaxMillis,
        double killFraction,
        double churnMeanSessionSeconds,
        long joinIntervalMillis,
        long settleMillis,
        long lookupIntervalMillis,
        NodeConfig nodeConfig,
        double cometFraction,
        long clockSkewMillis,
        LatencySpace space,
        boolean warmStart,
        int threads) {
    /** The most threads a run may use: a window holds a few dozen events, too few to share among many more. */
    public static final int MAX_THREADS = 8;


    public SimConfig {
        if (nodes < 2) {
            throw new CometException(ErrorCode.BAD_INPUT, "--nodes must be at least 2, got " + nodes);
        }
        if (lookups < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "--lookups must not be negative, got " + lookups);
        }
        if (!(lossRate >= 0 && lossRate < 1)) {
            throw new CometException(ErrorCode.BAD_INPUT, "--loss must be in [0, 1), got " + lossRate);
        }
        if (!(killFraction >= 0 && killFraction < 1)) {
            throw new CometException(ErrorCode.BAD_INPUT, "--kill must be in [0, 1), got " + killFraction);
        }
        if (!(churnMeanSessionSeconds >= 0)) {
            throw new CometException(ErrorCode.BAD_INPUT, "--churn-mean-session must not be negative");
        }
        if (!(cometFraction > 0 && cometFraction <= 1)) {
            throw new CometException(ErrorCode.BAD_INPUT, "--comet-fraction must be in (0, 1], got " + cometFraction);
        }
        if (latencyMinMillis < 0 || latencyMaxMillis < latencyMinMillis) {
            throw new CometException(ErrorCode.BAD_INPUT, "latency range must satisfy 0 <= min <= max");
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new CometException(ErrorCode.BAD_INPUT, "--threads must be 1 to " + MAX_THREADS + ", got " + threads);
        }
        if (clockSkewMillis < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, "--clock-skew must not be negative, got " + clockSkewMillis);
        }
    }

    /** A run with uniform latencies. */
    public SimConfig(int nodes, int lookups, long seed, double lossRate, long latencyMinMillis, long latencyMaxMillis,
                     double killFraction, double churnMeanSessionSeconds, long joinIntervalMillis, long settleMillis,
                     long lookupIntervalMillis, NodeConfig nodeConfig, double cometFraction, long clockSkewMillis) {
        this(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction, churnMeanSessionSeconds,
                joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction, clockSkewMillis, null, false, 1);
    }

    /** A run whose hosts' clocks all agree. */
    public SimConfig(int nodes, int lookups, long seed, double lossRate, long latencyMinMillis, long latencyMaxMillis,
                     double killFraction, double churnMeanSessionSeconds, long joinIntervalMillis, long settleMillis,
                     long lookupIntervalMillis, NodeConfig nodeConfig, double cometFraction) {
        this(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction, churnMeanSessionSeconds,
                joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction, 0);
    }

    /** Defaults: 10–100 ms latency, no loss, no churn, nodes joining every 20 ms, 2 virtual minutes to settle. */
    public static SimConfig of(int nodes, int lookups, long seed) {
        return new SimConfig(nodes, lookups, seed, 0, 10, 100, 0, 0, 20, 120_000, 100, NodeConfig.defaults(), 1);
    }

    public SimConfig withLoss(double loss) {
        return new SimConfig(nodes, lookups, seed, loss, latencyMinMillis, latencyMaxMillis, killFraction,
                churnMeanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction,
                clockSkewMillis, space, warmStart, threads);
    }

    public SimConfig withKill(double fraction) {
        return new SimConfig(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, fraction,
                churnMeanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction,
                clockSkewMillis, space, warmStart, threads);
    }

    public SimConfig withNodeConfig(NodeConfig nodes) {
        return new SimConfig(this.nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction,
                churnMeanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodes, cometFraction,
                clockSkewMillis, space, warmStart, threads);
    }

    public SimConfig withChurn(double meanSessionSeconds) {
        return new SimConfig(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction,
                meanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction,
                clockSkewMillis, space, warmStart, threads);
    }

    /** The same network with only {@code fraction} of its nodes running Comet, the others foreign Mainline nodes. */
    public SimConfig withCometFraction(double fraction) {
        return new SimConfig(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction,
                churnMeanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, fraction,
                clockSkewMillis, space, warmStart, threads);
    }

    /** The same run with every host's clock off by up to {@code maxMillis} either way ({@link NetworkFaults#skewClocks}). */
    public SimConfig withClockSkew(long maxMillis) {
        return new SimConfig(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction,
                churnMeanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction,
                maxMillis, space, warmStart, threads);
    }

    /** The same run with latencies from hosts' places in {@code latencies} (null: uniform in [min, max]). */
    public SimConfig withSpace(LatencySpace latencies) {
        return new SimConfig(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction,
                churnMeanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction,
                clockSkewMillis, latencies, warmStart, threads);
    }

    /** The same run with every node starting at once from a filled table ({@link WarmStart}), or joining (false). */
    public SimConfig withWarmStart(boolean warm) {
        return new SimConfig(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction,
                churnMeanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction,
                clockSkewMillis, space, warm, threads);
    }

    /**
     * The same run on {@code count} threads: the hosts' events of each window run side by side, and the report is the
     * same whatever the count ({@link SimNetwork}).
     */
    public SimConfig withThreads(int count) {
        return new SimConfig(nodes, lookups, seed, lossRate, latencyMinMillis, latencyMaxMillis, killFraction,
                churnMeanSessionSeconds, joinIntervalMillis, settleMillis, lookupIntervalMillis, nodeConfig, cometFraction,
                clockSkewMillis, space, warmStart, count);
    }
}
