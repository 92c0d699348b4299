package dev.comet.sim;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * The simulator's pending events, earliest first, in the order of (time, sequence): every simulated datagram and
 * timer passes through it. Most events are due within a few seconds (a datagram's latency, a request's timeout), so
 * they wait in a wheel of one slot per millisecond of the next {@link #WHEEL_MILLIS}, each slot's events in the order
 * they came; an add and a poll then cost an append and a read, where a heap of a few hundred thousand events read
 * about twenty scattered places. Events due later wait in an {@link EventHeap} and move to the wheel when their time
 * comes within its reach.
 *
 * <p>Sequences only grow, and virtual time never goes back ({@link #add} refuses an event earlier than the last one
 * polled), so within a slot the order of arrival is the order of sequence: the events the heap hands over for a
 * millisecond reach its slot before any event added directly to it, and they came earlier. So the polls are in the
 * same order as any correct priority queue's of (time, sequence). Owned by a {@link Lane}, or by {@link VirtualTime}
 * for the drivers' events; not thread-safe.
 *
 * @param <E> the events
 */
final class EventQueue<E> {
    /** The wheel's reach: 8 virtual seconds, one slot a millisecond. */
    static final int WHEEL_MILLIS = 1 << 13;
    private static final int SLOT_MASK = WHEEL_MILLIS - 1;

    /** Slot {@code t & SLOT_MASK} holds the events of time {@code t}, for t in [polledAt, polledAt + WHEEL_MILLIS). */
    private final Object[][] slots = new Object[WHEEL_MILLIS][];
    private final int[] counts = new int[WHEEL_MILLIS];
    /** Events of time polledAt + WHEEL_MILLIS and later. */
    private final EventHeap<E> later = new EventHeap<>();
    /** The time of the last event polled: no event is earlier. The wheel's reach starts here. */
    private long polledAt;
    /** Events of {@link #polledAt}'s slot already polled (their places are null). */
    private int head;
    /** A time at or before the earliest event of the wheel: the slots before it, from polledAt on, are empty. */
    private long scan;
    private int inWheel;

    int size() {
        return inWheel + later.size();
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** The time of the earliest event; the queue must not be empty. */
    long firstTime() {
        if (inWheel > 0) {
            return firstWheelTime();
        }
        if (later.isEmpty()) {
            throw new NoSuchElementException("no event queued");
        }
        return later.firstTime();
    }

    /** Adds {@code event} for {@code time}, which must not be before the last event polled. */
    void add(long time, long sequence, E event) {
        if (time < polledAt) {
            throw new IllegalArgumentException("an event at " + time + " ms, before the last one run at " + polledAt);
        }
        if (time - polledAt >= WHEEL_MILLIS) {
            later.add(time, sequence, event);
            return;
        }
        append(time, event);
        scan = Math.min(scan, time);
    }

    /** Removes and returns the earliest event. */
    @SuppressWarnings("unchecked")
    E poll() {
        long time = firstTime(); // throws when empty
        if (time != polledAt) {
            moveTo(time);
        }
        Object[] slot = slots[(int) time & SLOT_MASK];
        E first = (E) slot[head];
        slot[head++] = null;
        inWheel--;
        return first;
    }

    /** Removes every event {@code doomed} accepts; the others keep their order. */
    @SuppressWarnings("unchecked")
    void removeIf(Predicate<? super E> doomed) {
        for (int i = 0; i < WHEEL_MILLIS; i++) {
            int from = i == ((int) polledAt & SLOT_MASK) ? head : 0;
            Object[] slot = slots[i];
            int kept = from;
            for (int j = from; j < counts[i]; j++) {
                if (!doomed.test((E) slot[j])) {
                    slot[kept++] = slot[j];
                }
            }
            if (kept < counts[i]) {
                Arrays.fill(slot, kept, counts[i], null);
                inWheel -= counts[i] - kept;
                counts[i] = kept;
            }
        }
        later.removeIf(doomed);
        scan = polledAt;
    }

    /** The time of the wheel's earliest event (it holds one), moving {@link #scan} past the empty slots before it. */
    private long firstWheelTime() {
        while (true) {
            int i = (int) scan & SLOT_MASK;
            if (counts[i] > (scan == polledAt ? head : 0)) {
                return scan;
            }
            scan++;
        }
    }

    /**
     * Polls move on to {@code time}, the earliest event's: the slots before it are empty, the wheel now reaches to
     * {@code time + WHEEL_MILLIS}, and the events the heap held for the milliseconds that came within reach move to
     * their slots, earliest first.
     */
    private void moveTo(long time) {
        counts[(int) polledAt & SLOT_MASK] = 0; // every event of it was polled
        polledAt = time;
        head = 0;
        scan = time;
        while (!later.isEmpty() && later.firstTime() - time < WHEEL_MILLIS) {
            long t = later.firstTime();
            append(t, later.poll());
        }
    }

    private void append(long time, Object event) {
        int i = (int) time & SLOT_MASK;
        Object[] slot = slots[i];
        if (slot == null) {
            slot = slots[i] = new Object[8];
        } else if (counts[i] == slot.length) {
            Object[] grown = Arrays.copyOf(slot, slot.length * 2);
            // the old array may be in the old generation: a young collection takes its references as roots until the
            // next full one, so its events and all they hold would be promoted, long after they ran
            Arrays.fill(slot, null);
            slot = slots[i] = grown;
        }
        slot[counts[i]++] = event;
        inWheel++;
    }
}
