package dev.comet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The event queue polls in the order of a PriorityQueue of (time, sequence), through adds, polls and removals. */
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
                    // few distinct times, so that the sequence decides often
                    Entry e = new Entry(now + random.nextInt(random.nextBoolean() ? 3 : 1000), sequence++);
                    queue.add(e.time(), e.sequence(), e);
                    expected.add(e);
                } else if (op < 9) {
                    if (!expected.isEmpty()) {
                        assertThat(queue.firstTime()).isEqualTo(expected.peek().time());
                        Entry e = queue.poll();
                        polled.add(e);
                        expectedPolled.add(expected.poll());
                        now = e.time();
                    }
                } else {
                    long odd = random.nextInt(3);
                    queue.removeIf(e -> e.sequence() % 3 == odd);
                    expected.removeIf(e -> e.sequence() % 3 == odd);
                }
                assertThat(queue.size()).isEqualTo(expected.size());
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
}
