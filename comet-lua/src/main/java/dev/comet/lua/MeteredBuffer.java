package dev.comet.lua;

import java.util.Arrays;

import org.luaj.vm2.LuaString;

/**
 * A growable byte buffer for building a Lua string whose size is not known in advance (gsub, format). Every growth
 * is charged to the meter before the new array is allocated, so the largest-string and memory limits trip before
 * the allocation happens, never after.
 */
final class MeteredBuffer {
    /** Below this size an allocation is only checked against the largest-string limit (no allocation-counter read). */
    static final int SMALL = 1024;

    private final Meter meter;
    private byte[] bytes;
    private int length;

    MeteredBuffer(Meter meter, int expected) {
        this.meter = meter;
        int initial = Math.max(16, Math.min(expected, SMALL));
        allocation(meter, initial);
        this.bytes = new byte[initial];
    }

    /**
     * Checks an allocation of {@code size} bytes about to happen. Small ones are only checked against the
     * largest-string limit (and the tripped state); the hook's periodic checkpoint sees their memory.
     */
    static void allocation(Meter meter, long size) {
        if (size <= SMALL && size <= meter.limits().stringBytes()) {
            meter.check();
        } else {
            meter.chargeAllocation(size);
        }
    }

    /**
     * Checks an allocation of {@code size} bytes that is not a string (an array of values) against the memory
     * limit only, before it happens.
     */
    static void memory(Meter meter, long size) {
        meter.check();
        if (size <= SMALL) {
            return;
        }
        long used = meter.allocatedBytes() + size;
        if (used > meter.limits().allocatedBytes()) {
            meter.trip(Limit.MEMORY, used + " bytes > " + meter.limits().allocatedBytes());
        }
    }

    int length() {
        return length;
    }

    void append(int b) {
        if (length == bytes.length) {
            grow(1);
        }
        bytes[length++] = (byte) b;
    }

    void append(byte[] src, int offset, int count) {
        if (count <= 0) {
            return;
        }
        if ((long) length + count > bytes.length) {
            grow(count);
        }
        System.arraycopy(src, offset, bytes, length, count);
        length += count;
    }

    void append(LuaString s) {
        append(s.m_bytes, s.m_offset, s.m_length);
    }

    void append(String ascii) {
        int n = ascii.length();
        if ((long) length + n > bytes.length) {
            grow(n);
        }
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) ascii.charAt(i);
        }
    }

    void appendRepeated(int b, int count) {
        if (count <= 0) {
            return;
        }
        if ((long) length + count > bytes.length) {
            grow(count);
        }
        Arrays.fill(bytes, length, length + count, (byte) b);
        length += count;
    }

    private void grow(int extra) {
        long needed = (long) length + extra;
        // The true size first: trips the largest-string limit on the string itself, not on spare capacity.
        int largest = meter.limits().stringBytes();
        long capacity = Math.max(needed, Math.min(2L * bytes.length, largest));
        if (needed > largest || capacity > Integer.MAX_VALUE - 16) {
            meter.chargeAllocation(needed);
            if (needed > Integer.MAX_VALUE - 16) {
                meter.trip(Limit.STRING_SIZE, needed + " bytes");
            }
            capacity = needed;
        }
        allocation(meter, capacity);
        bytes = Arrays.copyOf(bytes, (int) capacity);
    }

    /** The bytes as a Lua string; trims the spare capacity when it is large (charging the copy). */
    LuaString toLuaString() {
        int spare = bytes.length - length;
        if (spare > 64 && spare > length / 8) {
            allocation(meter, length);
            return LuaString.valueUsing(Arrays.copyOf(bytes, length));
        }
        return LuaString.valueUsing(bytes, 0, length);
    }
}
