package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An action of a guarded update on an owned object's value (OceanStore's replace-block, insert-block, delete-block and
 * append, plus truncate). An edit never changes the value it is given: it returns a new one, so a clause whose later
 * edit fails leaves nothing half done. An edit that reaches outside the value is an error ({@link
 * ErrorCode#UPDATE_INVALID}), not silently clamped: the writer meant bytes that are not there.
 */
public sealed interface Edit permits Edit.Replace, Edit.Insert, Edit.Delete, Edit.Append, Edit.Truncate {
    /** The value after this edit; {@link ErrorCode#UPDATE_INVALID}, naming the offset and the size, when out of range. */
    byte[] applyTo(byte[] value);

    /** A few words for logs and the CLI, e.g. {@code append 5 bytes}. */
    String describe();

    /** Overwrites {@code data.length} bytes at {@code offset}; they must all lie inside the value. */
    record Replace(long offset, byte[] data) implements Edit {
        public Replace {
            nonNegative("a replace edit's offset", offset);
            present("a replace edit's data", data);
        }

        @Override
        public byte[] applyTo(byte[] value) {
            if (data.length > value.length || offset > value.length - data.length) {
                throw outside("replace " + bytes(data.length) + " at offset " + offset, value);
            }
            byte[] out = value.clone();
            System.arraycopy(data, 0, out, (int) offset, data.length);
            return out;
        }

        @Override
        public String describe() {
            return "replace " + bytes(data.length) + " at " + offset;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Replace r && offset == r.offset && Arrays.equals(data, r.data);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(offset) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Replace[offset=" + offset + ", data=" + HexFormat.of().formatHex(data) + "]";
        }
    }

    /** Inserts {@code data} before the byte at {@code offset}; an offset equal to the size appends. */
    record Insert(long offset, byte[] data) implements Edit {
        public Insert {
            nonNegative("an insert edit's offset", offset);
            present("an insert edit's data", data);
        }

        @Override
        public byte[] applyTo(byte[] value) {
            if (offset > value.length) {
                throw outside("insert at offset " + offset, value);
            }
            int at = (int) offset;
            byte[] out = new byte[grown(value, data.length)];
            System.arraycopy(value, 0, out, 0, at);
            System.arraycopy(data, 0, out, at, data.length);
            System.arraycopy(value, at, out, at + data.length, value.length - at);
            return out;
        }

        @Override
        public String describe() {
            return "insert " + bytes(data.length) + " at " + offset;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Insert i && offset == i.offset && Arrays.equals(data, i.data);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(offset) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Insert[offset=" + offset + ", data=" + HexFormat.of().formatHex(data) + "]";
        }
    }

    /** Removes {@code length} bytes at {@code offset}; they must all lie inside the value. */
    record Delete(long offset, long length) implements Edit {
        public Delete {
            nonNegative("a delete edit's offset", offset);
            nonNegative("a delete edit's length", length);
        }

        @Override
        public byte[] applyTo(byte[] value) {
            if (length > value.length || offset > value.length - length) {
                throw outside("delete " + bytes(length) + " at offset " + offset, value);
            }
            int at = (int) offset;
            int n = (int) length;
            byte[] out = new byte[value.length - n];
            System.arraycopy(value, 0, out, 0, at);
            System.arraycopy(value, at + n, out, at, value.length - at - n);
            return out;
        }

        @Override
        public String describe() {
            return "delete " + bytes(length) + " at " + offset;
        }
    }

    /** Adds {@code data} at the end: never out of range, so concurrent appends need no guard. */
    record Append(byte[] data) implements Edit {
        public Append {
            present("an append edit's data", data);
        }

        @Override
        public byte[] applyTo(byte[] value) {
            byte[] out = Arrays.copyOf(value, grown(value, data.length));
            System.arraycopy(data, 0, out, value.length, data.length);
            return out;
        }

        @Override
        public String describe() {
            return "append " + bytes(data.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Append a && Arrays.equals(data, a.data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Append[data=" + HexFormat.of().formatHex(data) + "]";
        }
    }

    /** Keeps the first {@code length} bytes; a length over the size is an error, not a way to grow the value. */
    record Truncate(long length) implements Edit {
        public Truncate {
            nonNegative("a truncate edit's length", length);
        }

        @Override
        public byte[] applyTo(byte[] value) {
            if (length > value.length) {
                throw outside("truncate to " + bytes(length), value);
            }
            return Arrays.copyOf(value, (int) length);
        }

        @Override
        public String describe() {
            return "truncate to " + bytes(length);
        }
    }

    /** "1 byte", "5 bytes": descriptions are read by people. */
    private static String bytes(long n) {
        return n == 1 ? "1 byte" : n + " bytes";
    }

    private static void nonNegative(String what, long n) {
        if (n < 0) {
            throw new CometException(ErrorCode.UPDATE_INVALID, what + " must not be negative, got " + n);
        }
    }

    private static void present(String what, byte[] data) {
        if (data == null) {
            throw new CometException(ErrorCode.UPDATE_INVALID, what + " are missing");
        }
    }

    private static CometException outside(String edit, byte[] value) {
        return new CometException(ErrorCode.UPDATE_INVALID, "cannot " + edit + ": the value is "
                + bytes(value.length));
    }

    /** The size of {@code value} grown by {@code extra} bytes, refused when no Java array could hold it. */
    private static int grown(byte[] value, int extra) {
        long size = (long) value.length + extra;
        if (size > Integer.MAX_VALUE - 8) {
            throw new CometException(ErrorCode.UPDATE_INVALID, "an edit would make the value " + size + " bytes");
        }
        return (int) size;
    }
}
