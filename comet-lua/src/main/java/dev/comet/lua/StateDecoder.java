package dev.comet.lua;

import static dev.comet.lua.StateFormat.FALSE;
import static dev.comet.lua.StateFormat.FLOAT;
import static dev.comet.lua.StateFormat.INT;
import static dev.comet.lua.StateFormat.STRING;
import static dev.comet.lua.StateFormat.TABLE;
import static dev.comet.lua.StateFormat.TRUE;
import static dev.comet.lua.StateFormat.compareKeys;
import static dev.comet.lua.StatePath.field;
import static dev.comet.lua.StatePath.path;

import java.util.ArrayList;
import java.util.List;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Reads one encoded state strictly: only the bytes {@link StateEncoder} writes, every length checked against the
 * bytes that remain before allocating, in a loop rather than recursion, failing only with {@link StateException}.
 * Owns the input and the position in it, and the stack of tables being filled (the path of the current field). One
 * use.
 */
final class StateDecoder {
    private final byte[] in;
    private final int maxDepth;
    private int pos;
    /** Reading a key: the top table's previous key is not part of the path. */
    private boolean inKey;
    private final List<Frame> stack = new ArrayList<>();

    private static final class Frame {
        final LuaTable table;
        final int depth;
        int remaining;
        LuaValue previous;

        Frame(LuaTable table, int depth, int remaining) {
            this.table = table;
            this.depth = depth;
            this.remaining = remaining;
        }
    }

    StateDecoder(byte[] in, int maxDepth) {
        this.in = in;
        this.maxDepth = maxDepth;
    }

    LuaTable decode() {
        try {
            return run();
        } catch (LuaError e) {
            // not expected: every input is checked before it reaches LuaJ; kept so the contract holds regardless
            throw malformed("rejected by the Lua runtime (" + e.getMessage() + ")");
        }
    }

    private LuaTable run() {
        if (in.length == 0) {
            throw malformed("empty");
        }
        int version = in[pos++] & 0xff;
        if (version != StateCodec.VERSION) {
            throw malformed("unknown version " + version);
        }
        LuaTable root = new LuaTable();
        stack.add(new Frame(root, 1, readCount()));
        while (!stack.isEmpty()) {
            Frame f = stack.get(stack.size() - 1);
            if (f.remaining == 0) {
                stack.remove(stack.size() - 1);
                continue;
            }
            f.remaining--;
            int keyAt = pos;
            inKey = true;
            LuaValue key = readKey();
            if (f.previous != null && compareKeys(f.previous, key) >= 0) {
                pos = keyAt;
                throw malformed("key out of order or repeated");
            }
            f.previous = key;
            inKey = false;
            int tag = readByte();
            if (tag == TABLE) {
                if (f.depth + 1 > maxDepth) {
                    String p = path(currentKeys());
                    throw new StateException(StateException.Reason.DEPTH, p, field(p)
                            + " nests tables too deeply: at most " + maxDepth
                            + " levels (the object itself is level 1)");
                }
                LuaTable child = new LuaTable();
                f.table.rawset(key, child);
                stack.add(new Frame(child, f.depth + 1, readCount()));
            } else {
                f.table.rawset(key, readScalar(tag, false));
            }
        }
        if (pos != in.length) {
            throw malformed((in.length - pos) + " bytes after the end");
        }
        return root;
    }

    private LuaValue readKey() {
        int tag = readByte();
        if (tag == TABLE) {
            pos--;
            throw malformed("a table as a key");
        }
        return readScalar(tag, true);
    }

    private LuaValue readScalar(int tag, boolean key) {
        switch (tag) {
            case FALSE:
                return LuaValue.FALSE;
            case TRUE:
                return LuaValue.TRUE;
            case INT: {
                long z = readUVarint(0xffffffffL);
                int n = (int) (z >>> 1) ^ -(int) (z & 1);
                return LuaInteger.valueOf(n);
            }
            case FLOAT: {
                int at = pos;
                if (in.length - pos < 8) {
                    throw malformed("truncated number");
                }
                long bits = 0;
                for (int i = 0; i < 8; i++) {
                    bits = (bits << 8) | (in[pos++] & 0xff);
                }
                double d = Double.longBitsToDouble(bits);
                if (Double.doubleToLongBits(d) != bits) {
                    pos = at;
                    throw malformed("a NaN other than the canonical one");
                }
                if (d == (int) d) {
                    pos = at;
                    throw malformed("a 32-bit integer encoded as a float");
                }
                if (key && Double.isNaN(d)) {
                    pos = at;
                    throw malformed("NaN as a key");
                }
                return LuaValue.valueOf(d);
            }
            case STRING: {
                int len = readCountOf(1);
                LuaString s = LuaString.valueOf(in, pos, len);
                pos += len;
                return s;
            }
            default:
                pos--;
                throw malformed("unknown tag " + tag);
        }
    }

    private int readByte() {
        if (pos >= in.length) {
            throw malformed("truncated");
        }
        return in[pos++] & 0xff;
    }

    /** A table's entry count: each entry takes at least two bytes. */
    private int readCount() {
        return readCountOf(2);
    }

    /** A count of items of at least {@code bytesEach} bytes, checked against the bytes that remain. */
    private int readCountOf(int bytesEach) {
        int at = pos;
        long n = readUVarint(Integer.MAX_VALUE);
        int left = in.length - pos;
        if (n * bytesEach > left) {
            pos = at;
            throw malformed("length " + n + " exceeds the " + left + " bytes left");
        }
        return (int) n;
    }

    private long readUVarint(long max) {
        int at = pos;
        long v = 0;
        for (int i = 0; ; i++) {
            int b = readByte();
            if (i == 4 && (b & 0xf0) != 0) {
                pos = at;
                throw malformed("varint too large");
            }
            v |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    pos = at;
                    throw malformed("varint not minimal");
                }
                break;
            }
        }
        if (v > max) {
            pos = at;
            throw malformed("varint too large");
        }
        return v;
    }

    private List<LuaValue> currentKeys() {
        List<LuaValue> keys = new ArrayList<>(stack.size());
        int last = inKey ? stack.size() - 1 : stack.size();
        for (int i = 0; i < last; i++) {
            if (stack.get(i).previous != null) {
                keys.add(stack.get(i).previous);
            }
        }
        return keys;
    }

    private StateException malformed(String what) {
        String p = path(currentKeys());
        return new StateException(StateException.Reason.MALFORMED, p, "malformed state: " + what + " at byte "
                + pos + (p.isEmpty() ? "" : " (field '" + p + "')"));
    }
}
