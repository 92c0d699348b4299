package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A predicate of a guarded update on an owned object's value and version (OceanStore's compare-version, compare-size,
 * compare-block and search predicates). Guards never fail: one that looks past the end of the value simply does not
 * hold, so a client can guard an edit with the very bounds it needs.
 */
public sealed interface Guard permits Guard.VersionIs, Guard.SizeIs, Guard.BytesAt, Guard.Contains {
    /** Shown bytes in {@link #describe}: enough to recognise a guard in a log line, never a whole value. */
    int DESCRIBED_BYTES = 16;

    /** True when the object's {@code version} and {@code value} satisfy this guard. */
    boolean holds(long version, byte[] value);

    /** A few words for logs and the CLI, e.g. {@code version=3}. */
    String describe();

    /** The object is at this version (its seq); how a client makes an edit conditional on what it last read. */
    record VersionIs(long version) implements Guard {
        public VersionIs {
            nonNegative("a version guard's version", version);
        }

        @Override
        public boolean holds(long version, byte[] value) {
            return this.version == version;
        }

        @Override
        public String describe() {
            return "version=" + version;
        }
    }

    /** The value is exactly this many bytes long. */
    record SizeIs(long size) implements Guard {
        public SizeIs {
            nonNegative("a size guard's size", size);
        }

        @Override
        public boolean holds(long version, byte[] value) {
            return value.length == size;
        }

        @Override
        public String describe() {
            return "size=" + size;
        }
    }

    /** The value holds exactly {@code bytes} at {@code offset}; false when they would reach past its end. */
    record BytesAt(long offset, byte[] bytes) implements Guard {
        public BytesAt {
            nonNegative("a bytes guard's offset", offset);
            present("a bytes guard's bytes", bytes);
        }

        @Override
        public boolean holds(long version, byte[] value) {
            if (bytes.length > value.length || offset > value.length - bytes.length) {
                return false;
            }
            int from = (int) offset;
            return Arrays.equals(value, from, from + bytes.length, bytes, 0, bytes.length);
        }

        @Override
        public String describe() {
            return "bytes at " + offset + " = " + shown(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BytesAt b && offset == b.offset && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(offset) + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "BytesAt[offset=" + offset + ", bytes=" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    /** The value contains {@code bytes} somewhere (the empty string is in every value). */
    record Contains(byte[] bytes) implements Guard {
        public Contains {
            present("a contains guard's bytes", bytes);
        }

        @Override
        public boolean holds(long version, byte[] value) {
            for (int at = 0; at <= value.length - bytes.length; at++) {
                if (Arrays.equals(value, at, at + bytes.length, bytes, 0, bytes.length)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return "contains " + shown(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Contains c && Arrays.equals(bytes, c.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Contains[bytes=" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    private static void nonNegative(String what, long n) {
        if (n < 0) {
            throw new CometException(ErrorCode.UPDATE_INVALID, what + " must not be negative, got " + n);
        }
    }

    private static void present(String what, byte[] bytes) {
        if (bytes == null) {
            throw new CometException(ErrorCode.UPDATE_INVALID, what + " are missing");
        }
    }

    /** Hex of the first {@link #DESCRIBED_BYTES} bytes, and how many there are when that is not all. */
    private static String shown(byte[] bytes) {
        if (bytes.length <= DESCRIBED_BYTES) {
            return "0x" + HexFormat.of().formatHex(bytes);
        }
        return "0x" + HexFormat.of().formatHex(bytes, 0, DESCRIBED_BYTES) + "… (" + bytes.length + " bytes)";
    }
}
