package dev.comet.lua;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * table.sort's heapsort: in place, at most about 2·n·log2(n) comparisons whatever the comparator answers (an
 * inconsistent comparator gives some order, never an endless loop or an out-of-bounds access). Owns one sort's
 * comparator, the comparisons still prepaid and the count that spaces its checkpoints.
 */
final class HeapSort {
    /** Comparisons between two checks of time and memory (a power of two). */
    private static final int CHECK_EVERY = 64;
    private final Meter meter;
    private final LuaValue comparator;
    private long prepaid;
    private long comparisons;

    HeapSort(Meter meter, LuaValue comparator, long prepaid) {
        this.meter = meter;
        this.comparator = comparator;
        this.prepaid = prepaid;
    }

    void sort(LuaValue[] a) {
        int n = a.length;
        for (int root = n / 2 - 1; root >= 0; root--) {
            siftDown(a, root, n);
        }
        for (int end = n - 1; end > 0; end--) {
            LuaValue x = a[0];
            a[0] = a[end];
            a[end] = x;
            siftDown(a, 0, end);
        }
    }

    private void siftDown(LuaValue[] a, int root, int end) {
        for (;;) {
            int child = 2 * root + 1;
            if (child >= end) {
                return;
            }
            if (child + 1 < end && less(a[child], a[child + 1])) {
                child++;
            }
            if (!less(a[root], a[child])) {
                return;
            }
            LuaValue x = a[root];
            a[root] = a[child];
            a[child] = x;
            root = child;
        }
    }

    private boolean less(LuaValue x, LuaValue y) {
        if (--prepaid < 0) {
            meter.charge(1);
        }
        if ((++comparisons & (CHECK_EVERY - 1)) == 0) {
            // time and memory too: a sort can compare long strings for a long time between two instructions
            meter.checkpoint();
        }
        if (comparator == null) {
            if (x.type() == LuaValue.TSTRING && y.type() == LuaValue.TSTRING) {
                // comparing two long strings scans them: charged by the bytes it may compare, before it does
                meter.charge(Math.min(x.rawlen(), y.rawlen()) / MeteredLibraries.BYTES_PER_STEP);
            }
            return lessThan(x, y);
        }
        return comparator.call(x, y).toboolean();
    }

    /** The {@code <} of Lua 5.2: numbers, strings (byte-wise), else the __lt metamethod of either operand. */
    private static boolean lessThan(LuaValue x, LuaValue y) {
        int tx = x.type();
        int ty = y.type();
        if (tx == LuaValue.TNUMBER && ty == LuaValue.TNUMBER) {
            return x.todouble() < y.todouble();
        }
        if (tx == LuaValue.TSTRING && ty == LuaValue.TSTRING) {
            return compareBytes((LuaString) x, (LuaString) y) < 0;
        }
        LuaValue handler = x.metatag(LuaValue.LT);
        if (handler.isnil()) {
            handler = y.metatag(LuaValue.LT);
        }
        if (handler.isnil()) {
            throw MeteredLibraries.luaError(tx == ty ? "attempt to compare two " + x.typename() + " values"
                    : "attempt to compare " + x.typename() + " with " + y.typename());
        }
        return handler.call(x, y).toboolean();
    }

    private static int compareBytes(LuaString a, LuaString b) {
        if (a == b) {
            return 0;
        }
        // the JDK's vectorised comparison: the bytes per charged step hold on a cold JVM too
        return java.util.Arrays.compareUnsigned(a.m_bytes, a.m_offset, a.m_offset + a.m_length,
                b.m_bytes, b.m_offset, b.m_offset + b.m_length);
    }
}
