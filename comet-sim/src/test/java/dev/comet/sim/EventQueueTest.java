package dev.comet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The event queue polls in the order of a PriorityQueue of (time, sequence), through adds, polls and removals, with
 * events due within its wheel's reach and beyond it.
 */
class EventQueueTest {

    private record Entry(long time, long sequence) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    @Test
    void pollsAsAPriorityQueueDoes() {
        for (long seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            EventQueue<Entry> queue = new EventQueue<>();
            PriorityQueue<Entry> expected = new PriorityQueue<>();
            List<Entry> polled = new ArrayList<>();
            List<Entry> expectedPolled = new ArrayList<>();
            long sequence = 0;
            long now = 0;
            int steps = 1 + random.nextInt(2000);
            for (int step = 0; step < steps; step++) {
                int op = random.nextInt(10);
                if (op < 5) {
                    // few distinct times, so that the sequence decides often; and delays beyond the wheel's reach
                    int[] spans = {3, 1000, EventQueue.WHEEL_MILLIS + 2, 5 * EventQueue.WHEEL_MILLIS};
                    Entry e = new Entry(now + random.nextInt(spans[random.nextInt(spans.length)]), sequence++);
                    queue.add(e.time(), e.sequence(), e);
                    expected.add(e);
                } else if (op < 9) {
                    if (!expected.isEmpty()) {
                        assertThat(queue.firstTime()).as("seed %d, step %d", seed, step).isEqualTo(expected.peek().time());
                        Entry e = queue.poll();
                        polled.add(e);
                        expectedPolled.add(expected.poll());
                        now = e.time();
                    }
                } else if (random.nextInt(4) == 0) {
                    // as SimNetwork.runUntil: the events up to a time run, the first one after it is asked for and
                    // left, and the clock stands at that time: later adds may come before the event asked for
                    long until = now + random.nextInt(3 * EventQueue.WHEEL_MILLIS);
                    while (!expected.isEmpty() && queue.firstTime() <= until) {
                        polled.add(queue.poll());
                        expectedPolled.add(expected.poll());
                    }
                    if (!expected.isEmpty()) {
                        assertThat(queue.firstTime()).as("seed %d, step %d", seed, step).isEqualTo(expected.peek().time());
                    }
                    now = Math.max(now, until);
                } else {
                    long odd = random.nextInt(3);
                    int[] asked = {0};
                    queue.removeIf(e -> {
                        asked[0]++;
                        return e.sequence() % 3 == odd;
                    });
                    assertThat(asked[0]).as("each event asked once, seed %d, step %d", seed, step)
                            .isEqualTo(expected.size());
                    expected.removeIf(e -> e.sequence() % 3 == odd);
                }
                assertThat(queue.size()).as("seed %d, step %d", seed, step).isEqualTo(expected.size());
                assertThat(queue.isEmpty()).isEqualTo(expected.isEmpty());
            }
            while (!expected.isEmpty()) {
                polled.add(queue.poll());
                expectedPolled.add(expected.poll());
            }
            assertThat(polled).as("seed %d", seed).isEqualTo(expectedPolled);
            assertThat(queue.isEmpty()).isTrue();
        }
    }

    @Test
    void anEventBeforeTheLastOnePolledIsRefused() {
        EventQueue<String> queue = new EventQueue<>();
        queue.add(10, 0, "a");
        queue.add(20_000, 1, "b");
        assertThat(queue.poll()).isEqualTo("a");
        queue.add(10, 2, "same time");
        assertThatThrownBy(() -> queue.add(9, 3, "c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the last one run at 10");
        assertThat(queue.poll()).isEqualTo("same time");
        assertThat(queue.firstTime()).isEqualTo(20_000);
        assertThat(queue.poll()).isEqualTo("b");
        assertThat(queue.isEmpty()).isTrue();
    }
}
