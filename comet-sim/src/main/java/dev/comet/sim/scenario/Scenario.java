package dev.comet.sim.scenario;

import dev.comet.id.NodeId;
import dev.comet.sim.SessionTimes;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;

import java.util.List;

/**
 * What a scenario file declares, once its script has run: the network, the objects, the timeline, the series and
 * the checks. An immutable value (the Lua functions it holds belong to the script that declared them).
 *
 * @param name            the scenario's name (the file's name by default)
 * @param file            the file's name, as error messages show it
 * @param seed            the run's seed (the command line's --seed wins)
 * @param durationSeconds virtual seconds the timeline runs, after the network has settled
 * @param network         the simulated network
 * @param objects         the objects the timeline puts, in declaration order
 * @param series          the series to record, in declaration order
 * @param checks          the checks, in declaration order
 * @param actions         the timeline, in declaration order
 */
public record Scenario(String name, String file, long seed, long durationSeconds, Network network,
                       List<ObjectSpec> objects, List<SeriesSpec> series, List<CheckSpec> checks,
                       List<Action> actions) {
    public Scenario {
        objects = List.copyOf(objects);
        series = List.copyOf(series);
        checks = List.copyOf(checks);
        actions = List.copyOf(actions);
    }

    /**
     * The simulated network.
     *
     * @param nodes              nodes that join before the timeline starts
     * @param latencyMinMillis   one-way latency, uniform between min and max
     * @param latencyMaxMillis   see latencyMinMillis
     * @param loss               probability that a datagram is lost
     * @param settleSeconds      virtual seconds the network runs after the last join, before the timeline
     * @param sessions           churn: the session-time distribution (none: no churn)
     * @param space              latencies from hosts' places instead of the uniform range, or null
     * @param warmStart          every node starts at once with its table filled ({@code start = "warm"}), instead
     *                           of joining one after another
     */
    public record Network(int nodes, long latencyMinMillis, long latencyMaxMillis, double loss, long settleSeconds,
                          SessionTimes sessions, dev.comet.sim.LatencySpace space, boolean warmStart) {
        public Network withNodes(int n) {
            return new Network(n, latencyMinMillis, latencyMaxMillis, loss, settleSeconds, sessions, space, warmStart);
        }
    }

    /**
     * An object of the scenario.
     *
     * @param name     how the report names it
     * @param keyText  the user key (the object lives under its SHA-1)
     * @param key      SHA-1 of keyText
     * @param code     the code to put: the Lua file, with the scenario's settings after it
     * @param replicas replicas asked for
     * @param ttlSeconds lifetime
     */
    public record ObjectSpec(String name, String keyText, NodeId key, String code, int replicas, long ttlSeconds) {
    }

    /**
     * A series: sampled by {@code sample} every {@code everySeconds}, or (sample null) recorded by the timeline.
     *
     * @param line the line of the file that declares it
     */
    public record SeriesSpec(String name, long everySeconds, LuaFunction sample, int line) {
    }

    /**
     * A check: the statistic {@code stat} of {@code series}, or what {@code value} returns, compared with
     * {@code expected} by {@code comparison} ("equals", "at_least", "at_most") at {@code atSeconds} (or at the end, -1).
     */
    public record CheckSpec(String name, String series, String stat, LuaFunction value, String comparison,
                            LuaValue expected, long atSeconds, int line) {
        /** The expectation as the report states it, e.g. "sum of answers at least 10". */
        public String expectation() {
            String subject = series != null ? stat + " of '" + series + "'" : "value";
            return subject + " " + comparison.replace('_', ' ') + " " + Numbers.show(expected);
        }
    }

    /**
     * One entry of the timeline: {@code run} at {@code atSeconds}, and then every {@code everySeconds} (0: once) until
     * {@code untilSeconds} or until {@code stopWhen} returns true.
     */
    public record Action(long atSeconds, long everySeconds, long untilSeconds, LuaFunction run, LuaFunction stopWhen,
                         int line) {
    }
}
