package dev.comet.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether this JVM's JIT compiler is still busy, period by period: a benchmark's warm-up goes on until it has settled,
 * since on two cores the compiler's threads take a core from the code being measured (docs/performance.md).
 *
 * <p>Owns the start of the current period; used by one thread.
 */
public final class JitWatch {
    /** The JIT has settled when it compiled for less than this share of a period's wall time. */
    private static final double SETTLED_COMPILE_SHARE = 0.05;

    private final CompilationMXBean jit;
    private long compiledAtStart;
    private long periodStartNanos;

    private JitWatch(CompilationMXBean jit) {
        this.jit = jit;
        restart();
    }

    /** A watch whose first period starts now. */
    public static JitWatch start() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return new JitWatch(jit != null && jit.isCompilationTimeMonitoringSupported() ? jit : null);
    }

    /**
     * Whether the JIT settled over the period since the last call (or the start), and starts the next period; null
     * when this JVM cannot tell its compilation time.
     */
    public Boolean settledSinceLast() {
        if (jit == null) {
            return null;
        }
        long compiled = jit.getTotalCompilationTime() - compiledAtStart;
        long periodMillis = (System.nanoTime() - periodStartNanos) / 1_000_000;
        restart();
        return settled(compiled, periodMillis);
    }

    private void restart() {
        compiledAtStart = jit == null ? 0 : jit.getTotalCompilationTime();
        periodStartNanos = System.nanoTime();
    }

    /**
     * Whether a warm-up stops after a period: once it has run the {@code atLeast} asked for (pairs, rounds), when the
     * JIT has settled, when its time is up, or at once when this JVM cannot tell its compilation time ({@code settled}
     * null).
     */
    public static boolean warmUpDone(long ran, long atLeast, Boolean settled, boolean timeUp) {
        return ran >= atLeast && (settled == null || settled || timeUp);
    }

    /**
     * Whether the JIT has settled: it compiled for less than a twentieth of the period's wall time (its compilation
     * time adds up all its compiler threads).
     */
    static boolean settled(long compiledMillis, long periodMillis) {
        return compiledMillis < SETTLED_COMPILE_SHARE * periodMillis;
    }
}
