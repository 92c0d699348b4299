package dev.comet.aso;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * A node's settings for active objects (DESIGN.md §4.1, §4.2), part of {@code NodeConfig}.
 *
 * @param limits                 what one handler invocation may use
 * @param replicas               replicas a client put asks for when it names none (default 8; 1 to 20)
 * @param ttlMillis              lifetime of an object whose writer asks for none (default 2 h)
 * @param maxTtlMillis           longest lifetime a writer may ask for (default 7 days)
 * @param minTimerIntervalMillis shortest {@code aso.timerInterval} honoured; shorter ones run this often (1 s)
 * @param maxTimers              objects with a timer this node runs at once; a put of one more is refused (10,000)
 * @param instructionsPerSecond  instructions all of the node's handlers may run in one second, together; past it
 *                               new invocations are refused until the next second (error 312; default 200,000,000,
 *                               a few cores' worth of metered Lua)
 */
public record ObjectConfig(HandlerLimits limits, int replicas, long ttlMillis, long maxTtlMillis,
                           long minTimerIntervalMillis, int maxTimers, long instructionsPerSecond) {
    public static final int MAX_REPLICAS = 20;

    public ObjectConfig {
        if (limits == null) {
            throw new CometException(ErrorCode.BAD_INPUT, "handler limits are required");
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new CometException(ErrorCode.BAD_INPUT, "replicas must be 1 to " + MAX_REPLICAS + ", got " + replicas);
        }
        if (ttlMillis <= 0 || maxTtlMillis < ttlMillis || minTimerIntervalMillis <= 0 || maxTimers < 0
                || instructionsPerSecond <= 0) {
            throw new CometException(ErrorCode.BAD_INPUT,
                    "object lifetimes and the timer interval must be positive (and the maximum lifetime at least the default)");
        }
    }

    public static ObjectConfig defaults() {
        return new ObjectConfig(HandlerLimits.defaults(), 8, 2 * 3_600_000L, 7 * 24 * 3_600_000L, 1_000, 10_000, 200_000_000L);
    }

    public ObjectConfig withLimits(HandlerLimits l) {
        return new ObjectConfig(l, replicas, ttlMillis, maxTtlMillis, minTimerIntervalMillis, maxTimers, instructionsPerSecond);
    }

    public ObjectConfig withMaxTimers(int n) {
        return new ObjectConfig(limits, replicas, ttlMillis, maxTtlMillis, minTimerIntervalMillis, n, instructionsPerSecond);
    }

    public ObjectConfig withInstructionsPerSecond(long n) {
        return new ObjectConfig(limits, replicas, ttlMillis, maxTtlMillis, minTimerIntervalMillis, maxTimers, n);
    }
}
