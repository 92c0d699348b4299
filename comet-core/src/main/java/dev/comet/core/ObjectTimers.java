package dev.comet.core;

import dev.comet.aso.ObjectConfig;
import dev.comet.id.NodeId;

import java.util.HashMap;
import java.util.Map;

/**
 * The timers of the active objects this node holds ({@code aso.timerInterval}): at most one per object, never
 * shorter than the node's minimum, and no more than the node's maximum in all. Owns the running timers and the
 * counters of timers refused. A due timer is handed to the {@link Due} listener, which runs the object's onTimer
 * and sets the timer again through {@link #update}.
 */
final class ObjectTimers {
    /** Hears of a due timer; the timer is no longer running when it is called. */
    interface Due {
        void due(NodeId key, long intervalMillis);
    }

    private record Running(long intervalMillis, Environment.Timer timer) {
    }

    private final Environment env;
    private final ObjectConfig settings;
    private final Map<NodeId, Running> timers = new HashMap<>();
    private Due listener;
    private long refused;

    ObjectTimers(Environment env, ObjectConfig settings) {
        this.env = env;
        this.settings = settings;
    }

    void onDue(Due listener) {
        this.listener = listener;
    }

    /** True when an object without a timer yet may not get one: the node runs its maximum. */
    boolean full(NodeId key) {
        return !timers.containsKey(key) && timers.size() >= settings.maxTimers();
    }

    /** Counts a timer the node could not run because it runs its maximum. */
    void refuse() {
        refused++;
    }

    /** Runs, moves or stops the timer of {@code key} to match an interval of {@code timerMillis} (0: none). */
    void update(NodeId key, long timerMillis) {
        Running existing = timers.get(key);
        long interval = timerMillis <= 0 ? 0 : Math.max(timerMillis, settings.minTimerIntervalMillis());
        if (existing != null && existing.intervalMillis() == interval) {
            return;
        }
        if (existing != null) {
            existing.timer().cancel();
            timers.remove(key);
        }
        if (interval == 0) {
            return;
        }
        if (timers.size() >= settings.maxTimers()) {
            refused++;
            return;
        }
        timers.put(key, new Running(interval, env.schedule(interval, () -> fire(key, interval))));
    }

    private void fire(NodeId key, long interval) {
        timers.remove(key);
        listener.due(key, interval);
    }

    /** Stops the timer of {@code key}, if it runs. */
    void cancel(NodeId key) {
        Running t = timers.remove(key);
        if (t != null) {
            t.timer().cancel();
        }
    }

    void stop() {
        timers.values().forEach(t -> t.timer().cancel());
        timers.clear();
    }

    int running() {
        return timers.size();
    }

    long refused() {
        return refused;
    }
}
