package dev.comet.sim;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * The simulator's pending events, earliest first: a 4-ary heap ordered by (time, sequence), both keys of a slot side
 * by side in one array, so that choosing among a slot's children reads about one cache line instead of an event object
 * each (or two arrays of keys, as before), and the heap is half as deep as a binary one. Every simulated datagram and
 * timer passes through it (the binary heap was 4 % of a 10,000-node run). (time, sequence) pairs are unique, so the
 * order of polls is the same as any correct priority queue's. Owned by its {@link SimNetwork}; not thread-safe.
 *
 * @param <E> the events
 */
final class EventQueue<E> {
    /** Children a slot has: slot i's are 4i + 1 to 4i + 4. */
    private static final int ARITY = 4;
    /** Slot i's time at 2i, its sequence at 2i + 1. */
    private long[] keys = new long[128];
    private Object[] events = new Object[64];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The time of the earliest event; the queue must not be empty. */
    long firstTime() {
        if (size == 0) {
            throw new NoSuchElementException("no event queued");
        }
        return keys[0];
    }

    void add(long time, long sequence, E event) {
        if (size == events.length) {
            int capacity = size * 2;
            keys = Arrays.copyOf(keys, 2 * capacity);
            events = Arrays.copyOf(events, capacity);
        }
        siftUp(size++, time, sequence, event);
    }

    /** Removes and returns the earliest event. */
    @SuppressWarnings("unchecked")
    E poll() {
        if (size == 0) {
            throw new NoSuchElementException("no event queued");
        }
        E first = (E) events[0];
        int last = --size;
        long time = keys[2 * last];
        long sequence = keys[2 * last + 1];
        Object event = events[last];
        events[last] = null;
        if (last > 0) {
            siftDown(0, time, sequence, event);
        }
        return first;
    }

    /** Removes every event {@code doomed} accepts, then restores the heap. */
    @SuppressWarnings("unchecked")
    void removeIf(Predicate<? super E> doomed) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!doomed.test((E) events[i])) {
                keys[2 * kept] = keys[2 * i];
                keys[2 * kept + 1] = keys[2 * i + 1];
                events[kept] = events[i];
                kept++;
            }
        }
        Arrays.fill(events, kept, size, null);
        size = kept;
        for (int i = (size - 2) / ARITY; i >= 0; i--) {
            siftDown(i, keys[2 * i], keys[2 * i + 1], events[i]);
        }
    }

    private static boolean before(long time, long sequence, long otherTime, long otherSequence) {
        return time < otherTime || (time == otherTime && sequence < otherSequence);
    }

    private void siftUp(int at, long time, long sequence, Object event) {
        while (at > 0) {
            int parent = (at - 1) / ARITY;
            if (!before(time, sequence, keys[2 * parent], keys[2 * parent + 1])) {
                break;
            }
            move(parent, at);
            at = parent;
        }
        put(at, time, sequence, event);
    }

    private void siftDown(int at, long time, long sequence, Object event) {
        while (true) {
            int first = ARITY * at + 1;
            if (first >= size) {
                break;
            }
            int best = first;
            long bestTime = keys[2 * first];
            long bestSequence = keys[2 * first + 1];
            int end = Math.min(first + ARITY, size);
            for (int child = first + 1; child < end; child++) {
                long childTime = keys[2 * child];
                long childSequence = keys[2 * child + 1];
                if (before(childTime, childSequence, bestTime, bestSequence)) {
                    best = child;
                    bestTime = childTime;
                    bestSequence = childSequence;
                }
            }
            if (!before(bestTime, bestSequence, time, sequence)) {
                break;
            }
            move(best, at);
            at = best;
        }
        put(at, time, sequence, event);
    }

    private void move(int from, int to) {
        keys[2 * to] = keys[2 * from];
        keys[2 * to + 1] = keys[2 * from + 1];
        events[to] = events[from];
    }

    private void put(int at, long time, long sequence, Object event) {
        keys[2 * at] = time;
        keys[2 * at + 1] = sequence;
        events[at] = event;
    }
}
