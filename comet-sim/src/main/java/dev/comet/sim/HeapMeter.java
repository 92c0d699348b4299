package dev.comet.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** Heap use of this JVM, for run reports: the peak ({@code peak_heap_mb}), and what is left after a collection. */
public final class HeapMeter {
    private HeapMeter() {
    }

    /** Collects garbage and forgets the peaks seen so far, so the next peak is this run's. */
    public static void reset() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peak usage since the last reset, in MiB. */
    public static long peakMegabytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak / (1024 * 1024);
    }

    /** The heap in use after a collection, in MiB: what the live objects take, without the garbage. */
    public static long usedAfterCollectionMegabytes() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) / (1024 * 1024);
    }
}
