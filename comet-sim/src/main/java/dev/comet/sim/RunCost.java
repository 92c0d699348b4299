package dev.comet.sim;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What a run cost from the moment it was started: wall time, the CPU time of the thread that runs the simulation,
 * and the time the JVM's collectors reported spending meanwhile. Machine-dependent measurements for reports, never
 * part of a seeded result. The simulation's thread alone is what a change to the node's code moves: on a shared
 * machine its CPU time varies far less than wall time, which also counts the other work and the collector.
 */
public final class RunCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** A report's fields that measure the run (they differ between two runs of one seed); all others are its result. */
    public static final java.util.List<String> MEASURED_FIELDS =
            java.util.List.of("wall_seconds", "cpu_seconds", "gc_seconds", "peak_heap_mb");

    private final long wallStart;
    private final long cpuStart;
    private final long collectorStartMillis;

    private RunCost() {
        this.wallStart = System.nanoTime();
        this.cpuStart = threadCpuNanos();
        this.collectorStartMillis = collectorMillis();
    }

    /** Starts measuring on the calling thread, the one that will run the simulation. */
    public static RunCost start() {
        return new RunCost();
    }

    public double wallSeconds() {
        return rounded((System.nanoTime() - wallStart) / 1e9);
    }

    /**
     * CPU time of the calling thread and of the lanes' other threads ({@link SimNetwork}) since the start; null (JSON's
     * null) where the JVM cannot measure it.
     */
    public Double cpuSeconds() {
        long now = threadCpuNanos();
        return now < 0 || cpuStart < 0 ? null : rounded((now - cpuStart) / 1e9);
    }

    /** Time the collectors reported since the start, all threads (their pauses and concurrent work). */
    public double collectorSeconds() {
        return rounded((collectorMillis() - collectorStartMillis) / 1e3);
    }

    private static double rounded(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }

    /** The calling thread's CPU time, and that of the lanes' threads that ran and ended meanwhile. */
    private static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported()
                ? THREADS.getCurrentThreadCpuTime() + LaneRunner.WORKER_CPU_NANOS.sum() : -1;
    }

    private static long collectorMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
