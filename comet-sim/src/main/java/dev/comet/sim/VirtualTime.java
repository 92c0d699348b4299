package dev.comet.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link SimNetwork}'s virtual time, run in windows no longer than the shortest latency: within a window no
 * datagram sent can arrive, so each host's events depend only on its own state, and the {@link Lane}s sharing the
 * hosts run the window side by side ({@link LaneRunner}). A datagram sent in a window waits in its lane until the
 * window is over; then the datagrams of every lane are queued for their receivers in one order, by sender and by the
 * sender's count, which does not depend on how the hosts were shared. The drivers (workloads, churn, scenario
 * operations) run between windows: their events have no host, they run before the hosts' events of the same
 * millisecond, and a callback they gave a node runs once the window it was called in is over ({@link #driver}).
 *
 * <p>Owns the drivers' event queue, the lanes, the drivers' clock and the progress watcher. The drivers' thread calls
 * everything here; the lanes' threads run only hosts' events.
 */
final class VirtualTime {
    /** The order datagrams of a window are queued in: by sender, then by the sender's count. */
    private static final Comparator<SimNetwork.Event> BY_SENDER =
            Comparator.<SimNetwork.Event>comparingInt(e -> e.sender).thenComparingLong(e -> e.sent);
    /** The order the drivers' callbacks of a window run in: by time, then host, then the host's count. */
    private static final Comparator<Lane.Deferred> BY_CALL = Comparator.comparingLong(Lane.Deferred::time)
            .thenComparingInt(Lane.Deferred::host).thenComparingLong(Lane.Deferred::count);
    /**
     * Lanes on several threads: more than threads, so that a thread done with a quick lane takes another (a window
     * ends when its slowest lane does). One thread runs one lane, which saves a sixth of its time (the lanes' queues
     * and their merges). The hosts of a lane on several threads are those of one sandbox ({@link #SANDBOXES}).
     */
    static final int LANES = 16;
    /**
     * Sandboxes of a simulation, each serving the hosts whose number it divides into (the number modulo this): the same
     * on any thread count, because what a sandbox has compiled and kept follows the invocations it ran, which are
     * then the same. Each is used by one lane, so one thread at a time.
     */
    static final int SANDBOXES = LANES;

    /** Events with no host: the drivers'. */
    private final EventQueue<SimNetwork.Event> driverQueue = new EventQueue<>();
    private long driverSequence;
    private long driverEvents;
    private final Lane[] lanes;
    private final LaneRunner runner;
    /** The longest window: the shortest latency a datagram can have, at least 1 ms. */
    private final long windowMillis;
    private long now;
    /**
     * No driver's event may come before this: the time the lanes have reached. A callback deferred to the end of its
     * window reads its own time as {@link #now}, but what it schedules runs no earlier than the window's end.
     */
    private long floor;
    /** The lanes' datagrams of a window, gathered to be sorted (several lanes only). */
    private final List<SimNetwork.Event> merged = new ArrayList<>();
    private long watchEvery = Long.MAX_VALUE;
    private long watchedAt;
    private Runnable watcher = () -> { };

    VirtualTime(long windowMillis, int threads) {
        this.windowMillis = windowMillis;
        this.lanes = new Lane[threads == 1 ? 1 : LANES];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane();
        }
        this.runner = new LaneRunner(lanes, threads);
    }

    /** The lane of the host numbered {@code number}. */
    Lane laneOf(int number) {
        return lanes[number % lanes.length];
    }

    int threads() {
        return runner.threads();
    }

    long windowMillis() {
        return windowMillis;
    }

    /**
     * The time now: in a host's event, that event's time; in a driver's, its own; between windows, the last event's.
     */
    long now() {
        Lane running = Lane.running();
        return running != null ? running.now : now;
    }

    long datagramsSent() {
        long sent = 0;
        for (Lane lane : lanes) {
            sent += lane.datagramsSent;
        }
        return sent;
    }

    long datagramsLost() {
        long lost = 0;
        for (Lane lane : lanes) {
            lost += lane.datagramsLost;
        }
        return lost;
    }

    long events() {
        long events = driverEvents;
        for (Lane lane : lanes) {
            events += lane.events;
        }
        return events;
    }

    void watch(long everyEvents, Runnable watcher) {
        this.watchEvery = everyEvents;
        this.watchedAt = events();
        this.watcher = watcher;
    }

    /** Runs {@code task} at virtual time {@code now + delay}, not tied to any host: a driver's event. */
    void schedule(long delayMillis, Runnable task) {
        requireDriver("scheduled a driver's event");
        SimNetwork.Event e = new SimNetwork.Event(Math.max(floor, now + Math.max(0, delayMillis)), null, task);
        driverQueue.add(e.time, driverSequence++, e);
    }

    /**
     * {@code callback}, made safe to hand to a node: called by a host's event, it runs once that event's window is over,
     * on the drivers' thread, after the callbacks of earlier times (and, at one time, of hosts with smaller numbers);
     * called by a driver, at once. A driver's callback may read and change anything a driver may.
     */
    <T> java.util.function.Consumer<T> driver(java.util.function.Consumer<T> callback) {
        return value -> runOrDefer(() -> callback.accept(value));
    }

    /** {@link #driver(java.util.function.Consumer)} for a callback without a value. */
    Runnable driver(Runnable callback) {
        return () -> runOrDefer(callback);
    }

    private static void runOrDefer(Runnable callback) {
        Lane lane = Lane.running();
        if (lane == null) {
            callback.run();
        } else {
            lane.defer(callback);
        }
    }

    /**
     * Fails when called from a host's event: what only drivers may do would then race with the other lanes. A node's
     * callback that does it must be made by {@link #driver}.
     */
    static void requireDriver(String what) {
        if (Lane.running() != null) {
            throw new IllegalStateException("a host's event " + what + ": only a driver may; hand the node a callback "
                    + "made by SimNetwork.driver");
        }
    }

    /** Runs events until virtual time {@code until} (events at exactly that time included). */
    void runUntil(long until) {
        requireDriver("ran the network");
        advance(() -> false, until);
        setNow(Math.max(now, until));
    }

    /**
     * Runs events until {@code condition} holds or virtual time passes {@code deadline}; true if it held. The condition
     * is asked between windows, so the run may stop up to a window after the event that made it true.
     */
    boolean runUntil(java.util.function.BooleanSupplier condition, long deadline) {
        requireDriver("ran the network");
        return advance(condition, deadline);
    }

    private boolean advance(java.util.function.BooleanSupplier condition, long deadline) {
        runner.open();
        try {
            return advanceOpen(condition, deadline);
        } finally {
            runner.close();
        }
    }

    private boolean advanceOpen(java.util.function.BooleanSupplier condition, long deadline) {
        queueSent(); // what drivers sent since the last run, outside any event
        while (!condition.getAsBoolean()) {
            long driverAt = driverQueue.isEmpty() ? Long.MAX_VALUE : driverQueue.firstTime();
            long hostAt = Long.MAX_VALUE;
            for (Lane lane : lanes) {
                hostAt = Math.min(hostAt, lane.firstTime());
            }
            long first = Math.min(driverAt, hostAt);
            if (first == Long.MAX_VALUE || first > deadline) {
                setNow(Math.max(now, deadline));
                return condition.getAsBoolean();
            }
            if (driverAt <= hostAt) {
                runDrivers(driverAt);
            } else {
                long end = Math.min(Math.min(saturatedSum(hostAt, windowMillis), driverAt), saturatedSum(deadline, 1));
                runner.run(end);
                long last = now;
                for (Lane lane : lanes) {
                    last = Math.max(last, lane.now);
                }
                setNow(last);
            }
            settleWindow();
        }
        return true;
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    /** The drivers' events of time {@code time}, those they add for the same time included. */
    private void runDrivers(long time) {
        setNow(time);
        while (!driverQueue.isEmpty() && driverQueue.firstTime() == time) {
            SimNetwork.Event e = driverQueue.poll();
            driverEvents++;
            if (!e.cancelled) {
                e.task.run();
                queueSent(); // before the next driver's event, which may kill a receiver
            }
        }
    }

    /** Every lane's clock reads the drivers' time: between windows, every host is at the same time. */
    private void setNow(long time) {
        now = time;
        floor = time;
        for (Lane lane : lanes) {
            lane.now = time;
        }
    }

    /**
     * After a window or the drivers' turn: queues the datagrams sent, runs the drivers' callbacks the hosts made (which
     * may send more), and lets the progress display look.
     */
    private void settleWindow() {
        queueSent();
        List<Lane.Deferred> calls = null;
        for (Lane lane : lanes) {
            if (!lane.deferred.isEmpty()) {
                // a new list, not a kept one: a callback may run the network again, and this window's calls with it
                calls = calls == null ? new ArrayList<>() : calls;
                calls.addAll(lane.deferred);
                lane.deferred.clear();
            }
        }
        if (calls != null) {
            calls.sort(BY_CALL);
            long reached = now;
            try {
                for (Lane.Deferred call : calls) {
                    now = call.time(); // what the callback reads as the time is its event's; floor stays at the lanes'
                    call.callback().run();
                    queueSent();
                }
            } finally {
                now = reached;
            }
        }
        long events = events();
        if (events - watchedAt >= watchEvery) {
            watchedAt = events;
            watcher.run();
        }
    }

    /** Queues the datagrams every lane's hosts sent for their receivers, in the order of {@link #BY_SENDER}. */
    private void queueSent() {
        List<SimNetwork.Event> sent;
        if (lanes.length == 1) {
            sent = lanes[0].outbox;
        } else {
            sent = merged; // kept from window to window: nothing below calls out, so it is never in use twice
            for (Lane lane : lanes) {
                sent.addAll(lane.outbox);
                lane.outbox.clear();
            }
        }
        if (sent.isEmpty()) {
            return;
        }
        sent.sort(BY_SENDER);
        for (SimNetwork.Event e : sent) {
            SimNetwork.Host to = e.owner;
            if (to.alive()) { // a receiver that left since would never run it
                Lane lane = to.lane;
                lane.queue.add(e.time, lane.sequence++, e);
                to.queued++;
            }
        }
        sent.clear();
    }

    /**
     * Drops the events of hosts that have left once they are an eighth of the queues, or once the hosts they belong to
     * are a thirty-second of the live ones. A node's timers run for up to days of virtual time (an object's lifetime),
     * and each held the whole node that scheduled it: under churn most of the heap was nodes long gone. Counting
     * events alone let a few thousand departed nodes with one long timer each wait in a queue of a hundred thousand
     * events (the 10,000-node soak's heap grew by a quarter). Such an event never runs, and a queue's order is by
     * (time, sequence) alone, so the run is the same.
     */
    void sweepDeparted(int liveHosts) {
        long deadQueued = 0;
        long deadHolding = 0;
        long queued = 0;
        for (Lane lane : lanes) {
            deadQueued += lane.deadQueued;
            deadHolding += lane.deadHolding;
            queued += lane.queue.size();
        }
        boolean manyEvents = deadQueued > 256 && deadQueued * 8L > queued;
        boolean manyNodes = deadHolding > 64 && deadHolding * 32L > liveHosts;
        if (manyEvents || manyNodes) {
            for (Lane lane : lanes) {
                lane.queue.removeIf(e -> {
                    if (e.owner.alive()) {
                        return false;
                    }
                    e.owner.queued--;
                    return true;
                });
                lane.deadQueued = 0;
                lane.deadHolding = 0;
            }
        }
    }
}
