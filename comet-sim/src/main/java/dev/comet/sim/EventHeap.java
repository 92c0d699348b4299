package dev.comet.sim;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Events earliest first: a binary heap ordered by (time, sequence), with both keys held in arrays of their own, so
 * that a comparison reads two longs instead of two event objects. (time, sequence) pairs are unique, so the order of
 * polls is the same as any correct priority queue's. The {@link EventQueue} keeps here the events too far ahead for
 * its wheel. Owned by that queue; not thread-safe.
 *
 * @param <E> the events
 */
final class EventHeap<E> {
    private long[] times = new long[64];
    private long[] sequences = new long[64];
    private Object[] events = new Object[64];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The time of the earliest event; the heap must not be empty. */
    long firstTime() {
        if (size == 0) {
            throw new NoSuchElementException("no event queued");
        }
        return times[0];
    }

    void add(long time, long sequence, E event) {
        if (size == events.length) {
            int capacity = size * 2;
            times = Arrays.copyOf(times, capacity);
            sequences = Arrays.copyOf(sequences, capacity);
            Object[] grown = Arrays.copyOf(events, capacity);
            Arrays.fill(events, null); // see EventQueue.append: a stale array's references would be taken as roots
            events = grown;
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
        long time = times[last];
        long sequence = sequences[last];
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
                times[kept] = times[i];
                sequences[kept] = sequences[i];
                events[kept] = events[i];
                kept++;
            }
        }
        Arrays.fill(events, kept, size, null);
        size = kept;
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i, times[i], sequences[i], events[i]);
        }
    }

    private static boolean before(long time, long sequence, long otherTime, long otherSequence) {
        return time < otherTime || (time == otherTime && sequence < otherSequence);
    }

    private void siftUp(int at, long time, long sequence, Object event) {
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!before(time, sequence, times[parent], sequences[parent])) {
                break;
            }
            move(parent, at);
            at = parent;
        }
        put(at, time, sequence, event);
    }

    private void siftDown(int at, long time, long sequence, Object event) {
        int half = size >>> 1;
        while (at < half) {
            int child = 2 * at + 1;
            int right = child + 1;
            if (right < size && before(times[right], sequences[right], times[child], sequences[child])) {
                child = right;
            }
            if (!before(times[child], sequences[child], time, sequence)) {
                break;
            }
            move(child, at);
            at = child;
        }
        put(at, time, sequence, event);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        sequences[to] = sequences[from];
        events[to] = events[from];
    }

    private void put(int at, long time, long sequence, Object event) {
        times[at] = time;
        sequences[at] = sequence;
        events[at] = event;
    }
}
