package dev.comet.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * One share of a {@link SimNetwork}'s hosts and their events: the lanes of a network run a window of virtual time
 * side by side, each on its own thread, because no host's event can reach another host within the window (the
 * window is no longer than the shortest latency). Owns its event queue, its clock, its counters, the datagrams its
 * hosts sent and the drivers' callbacks they made during the window. Touched by the thread that runs its window, and
 * between windows by the driver's thread only.
 */
final class Lane {
    /** The lane whose window the current thread runs, or null outside windows (the driver's turn). */
    private static final ThreadLocal<Lane> RUNNING = new ThreadLocal<>();

    final EventQueue<SimNetwork.Event> queue = new EventQueue<>();
    /** The time of the event running, or of the last one; the network's time between windows. */
    long now;
    long sequence;
    long events;
    long datagramsSent;
    long datagramsLost;
    /** Queued events of this lane's hosts that have left. */
    int deadQueued;
    /** This lane's hosts that have left with events still queued. */
    int deadHolding;
    /** Datagrams this lane's hosts sent since the last merge, delivered no earlier than the window's end. */
    final List<SimNetwork.Event> outbox = new ArrayList<>();
    /** Drivers' callbacks this lane's hosts made during the window, run by the driver once it is over. */
    final List<Deferred> deferred = new ArrayList<>();
    /** The host whose event runs now, for the order of its callbacks. */
    private SimNetwork.Host running;

    /** A driver's callback made by {@code host}'s event at {@code time}, the {@code count}th of that host's. */
    record Deferred(long time, int host, long count, Runnable callback) {
    }


    /** The lane whose window this thread runs now, or null when the driver has the network. */
    static Lane running() {
        return RUNNING.get();
    }

    /** Runs this lane's events earlier than {@code end}, in the order of (time, sequence). */
    void runWindow(long end) {
        RUNNING.set(this);
        try {
            while (!queue.isEmpty() && queue.firstTime() < end) {
                SimNetwork.Event e = queue.poll();
                SimNetwork.Host owner = e.owner;
                owner.queued--;
                if (!owner.alive()) {
                    deadQueued--;
                    if (owner.queued == 0) {
                        deadHolding--;
                    }
                }
                now = e.time;
                events++;
                if (!e.cancelled && owner.alive()) {
                    running = owner;
                    e.task.run();
                }
            }
        } finally {
            running = null;
            RUNNING.remove();
        }
    }

    /** Keeps {@code callback}, made by the running host's event, for the driver to run after the window. */
    void defer(Runnable callback) {
        deferred.add(new Deferred(now, running.number(), running.deferredCount++, callback));
    }

    /** The time of this lane's earliest event, or Long.MAX_VALUE when it has none. */
    long firstTime() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.firstTime();
    }
}
