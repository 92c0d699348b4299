package dev.comet.sim.scenario;

import dev.comet.sim.SessionTimes;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/** Reads {@code network{...}}: size, latency, loss, settle time and churn. Stateless. */
final class NetworkOptions {
    static final String[] FIELDS = {"nodes", "latency", "loss", "settle", "churn"};

    private NetworkOptions() {
    }

    static Scenario.Network read(LuaTables o) {
        int nodes = (int) o.integer("nodes", 100, 2, 1_000_000);
        long min = 10;
        long max = 100;
        LuaValue latency = o.raw("latency");
        if (latency.isnumber()) {
            min = max = millis(latency);
        } else if (latency.istable()) {
            min = millis(latency.get(1));
            max = millis(latency.get(2));
            if (max < min) {
                throw new LuaError("network{latency = {MIN, MAX}} needs MIN <= MAX");
            }
        } else if (!latency.isnil()) {
            throw new LuaError("network{latency = ...} is milliseconds, or {MIN, MAX} for a uniform range");
        }
        double loss = o.number("loss", 0, 0, 0.99);
        long settle = o.integer("settle", 120, 0, 366L * 86_400);
        return new Scenario.Network(nodes, min, max, loss, settle, churn(o.raw("churn")));
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
