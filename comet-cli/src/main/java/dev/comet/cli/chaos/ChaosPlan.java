package dev.comet.cli.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * What a chaos run does to its node processes, chosen from the seed alone: which processes are killed with
 * {@code kill -9}, when, and which of them are restarted on their data directories, when. The same seed, process
 * count, fractions and duration give the same plan; the run around it is not deterministic (the processes, their
 * threads and the kernel schedule as they will).
 */
public record ChaosPlan(long seed, List<Event> events) {
    /** Kills happen in this share of the workload, so writes land before, between and after them. */
    private static final double KILL_WINDOW_START = 0.15;
    private static final double KILL_WINDOW_END = 0.65;
    /** A restarted process stays dead for this share of the workload at least, then up to twice as long. */
    private static final double DEAD_AT_LEAST = 0.1;

    /** One kill ({@code restart} false) or restart of process {@code process}, {@code atMillis} after the workload began. */
    public record Event(long atMillis, int process, boolean restart) {
    }

    public ChaosPlan {
        events = List.copyOf(events);
    }

    /**
     * The plan for {@code processes} processes: {@code kills} of them chosen at random are killed at random times
     * within the kill window of a workload of {@code workloadMillis}; {@code restarts} of those (the first chosen)
     * are restarted a while after their kill, still within the workload.
     */
    public static ChaosPlan of(long seed, int processes, int kills, int restarts, long workloadMillis) {
        if (kills < 0 || kills >= processes) {
            throw new IllegalArgumentException("kills must be 0 to " + (processes - 1) + ", got " + kills);
        }
        if (restarts < 0 || restarts > kills) {
            throw new IllegalArgumentException("restarts must be 0 to " + kills + ", got " + restarts);
        }
        Random random = new Random(seed);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<Event> events = new ArrayList<>();
        for (int v = 0; v < kills; v++) {
            double at = KILL_WINDOW_START + random.nextDouble() * (KILL_WINDOW_END - KILL_WINDOW_START);
            long killAt = Math.round(at * workloadMillis);
            events.add(new Event(killAt, order.get(v), false));
            if (v < restarts) {
                double dead = DEAD_AT_LEAST * (1 + random.nextDouble());
                events.add(new Event(Math.round((at + dead) * workloadMillis), order.get(v), true));
            }
        }
        events.sort(Comparator.comparingLong(Event::atMillis).thenComparing(Event::restart));
        return new ChaosPlan(seed, events);
    }

    /** The processes this plan kills, in the order they die. */
    public List<Integer> victims() {
        return events.stream().filter(e -> !e.restart()).map(Event::process).toList();
    }

    /** The processes it restarts. */
    public List<Integer> restarted() {
        return events.stream().filter(Event::restart).map(Event::process).toList();
    }
}
