package dev.comet.sim.scenario;

import dev.comet.sim.LatencySpace;
import dev.comet.sim.SessionTimes;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * Reads {@code network{...}}: size, latency (uniform, or from hosts' places), loss, settle time, churn and how the
 * network starts (its joins simulated, or warm). Stateless.
 */
final class NetworkOptions {
    static final String[] FIELDS = {"nodes", "latency", "loss", "settle", "churn", "start"};

    private NetworkOptions() {
    }

    static Scenario.Network read(LuaTables o) {
        int nodes = (int) o.integer("nodes", 100, 2, 1_000_000);
        long min = 10;
        long max = 100;
        LuaValue latency = o.raw("latency");
        LatencySpace space = null;
        if (latency.istable() && !latency.get("space").isnil()) {
            space = space(latency);
        } else if (latency.isnumber()) {
            min = max = millis(latency);
        } else if (latency.istable()) {
            min = millis(latency.get(1));
            max = millis(latency.get(2));
            if (max < min) {
                throw new LuaError("network{latency = {MIN, MAX}} needs MIN <= MAX");
            }
        } else if (!latency.isnil()) {
            throw new LuaError("network{latency = ...} is milliseconds, {MIN, MAX} for a uniform range, or "
                    + "{space = ...} for latencies from hosts' places");
        }
        double loss = o.number("loss", 0, 0, 0.99);
        long settle = o.integer("settle", 120, 0, 366L * 86_400);
        return new Scenario.Network(nodes, min, max, loss, settle, churn(o.raw("churn")), space, warm(o.raw("start")));
    }

    /** {@code start = "joined"} (the default: every join simulated) or {@code "warm"} (tables filled at once). */
    private static boolean warm(LuaValue v) {
        if (v.isnil() || v.isstring() && v.tojstring().equals("joined")) {
            return false;
        }
        if (v.isstring() && v.tojstring().equals("warm")) {
            return true;
        }
        throw new LuaError("network{start = ...} is \"joined\" (each node joins) or \"warm\" (every table filled at "
                + "once); got " + v.tojstring());
    }

    /**
     * {@code latency = {space = "continents"}} (LatencySpace.continents()), or {@code space = {width, clusters, spread,
     * access = {MIN, MAX}, jitter}}, each field defaulting to the continents' value.
     */
    private static LatencySpace space(LuaValue latency) {
        LuaTables.of("network.latency", latency, "space");
        LuaValue v = latency.get("space");
        LatencySpace d = LatencySpace.continents();
        if (v.isstring() && v.tojstring().equals("continents")) {
            return d;
        }
        if (!v.istable()) {
            throw new LuaError("network{latency = {space = ...}} is \"continents\" or a table of width, clusters, "
                    + "spread, access, jitter");
        }
        LuaTables t = LuaTables.of("network.latency.space", v, "width", "clusters", "spread", "access", "jitter");
        long accessMin = d.accessMinMillis();
        long accessMax = d.accessMaxMillis();
        LuaValue access = t.raw("access");
        if (access.istable()) {
            accessMin = millis(access.get(1));
            accessMax = millis(access.get(2));
            if (accessMax < accessMin) {
                throw new LuaError("network{latency = {space = {access = {MIN, MAX}}}} needs MIN <= MAX");
            }
        } else if (!access.isnil()) {
            throw new LuaError("network{latency = {space = {access = {MIN, MAX}}}}: one-way ms of a host's access link");
        }
        return new LatencySpace(t.number("width", d.widthMillis(), 0, 10_000),
                (int) t.integer("clusters", d.clusters(), 0, 1_000), t.number("spread", d.spreadMillis(), 0, 10_000),
                accessMin, accessMax, t.integer("jitter", d.jitterMillis(), 0, 10_000));
    }

    private static long millis(LuaValue v) {
        if (!v.isnumber() || v.todouble() < 0) {
            throw new LuaError("network{latency = ...} takes milliseconds, at least 0; got " + v.tojstring());
        }
        return v.tolong();
    }

    private static SessionTimes churn(LuaValue v) {
        if (v.isnil()) {
            return SessionTimes.NONE;
        }
        LuaTables c = LuaTables.of("network.churn", v, "session", "mean", "shape");
        double mean = c.number("mean", 0, 1, 1e9);
        if (!c.has("mean")) {
            throw new LuaError("network{churn = {mean = SECONDS}} is missing: the mean session time");
        }
        String session = c.string("session", "exponential");
        return switch (session) {
            case "exponential" -> SessionTimes.exponential(mean);
            case "pareto" -> SessionTimes.pareto(mean, c.number("shape", 2, 1.01, 100));
            default -> throw new LuaError("network{churn = {session = '" + session + "'}} must be exponential or pareto");
        };
    }
}
