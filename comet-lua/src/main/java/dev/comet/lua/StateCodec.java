package dev.comet.lua;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The canonical encoding of an active storage object's state (DESIGN.md §4): every field of {@code aso} whose value
 * is not a function. The same state always gives the same bytes, whatever the insertion order or the table's
 * internals (array part or hash part), so replicas can compare digests.
 *
 * <h2>What is state</h2>
 * Keys are strings, numbers or booleans; values are strings (any bytes), numbers, booleans or tables of the same.
 * Function fields of {@code aso} itself are its methods and are skipped; anywhere deeper a function is an error, as
 * are userdata, threads, keys of other types, a table reachable twice (a cycle or a table shared by two fields), a
 * nested table with a metatable (a metatable of {@code aso} itself belongs to the code and is ignored), tables
 * nested deeper than {@code maxDepth} ({@code aso} is depth 1, a table in one of its fields depth 2, ...) and an
 * encoding larger than {@code maxBytes} (checked while writing: encoding stops at the first byte too many).
 *
 * <h2>Numbers</h2>
 * LuaJ 3.0.1 (Lua 5.2) has one number type with two representations: {@code LuaDouble.valueOf} folds every value
 * that is an integer in the 32-bit range into a {@link LuaInteger}, and keeps everything else (fractions, integral
 * values beyond ±2^31 such as millisecond timestamps, ±inf, NaN) as a {@code LuaDouble}. The codec follows that
 * split: a 32-bit integral value is an INT, anything else a FLOAT with its exact IEEE 754 bits (NaN in its one
 * canonical form), so every number round-trips exactly and keeps its representation. As LuaJ folds them, 1 and 1.0
 * (and -0.0 and 0) are one value and encode alike.
 *
 * <h2>Format, version 1</h2>
 * <pre>
 * state  = 0x01 body                                  version byte, then the fields of aso
 * body   = count:uvarint, count × (key value)         keys strictly increasing in key order
 * key    = FALSE | TRUE | INT | FLOAT | STRING
 * value  = key | TABLE
 * FALSE  = 0x01
 * TRUE   = 0x02
 * INT    = 0x03 uvarint(zigzag(n))                    n a 32-bit integer: (n &lt;&lt; 1) ^ (n &gt;&gt; 31)
 * FLOAT  = 0x04 8 bytes                               Double.doubleToLongBits, big-endian; never a 32-bit integer
 * STRING = 0x05 length:uvarint, length bytes
 * TABLE  = 0x06 body
 * uvarint: 7 bits a byte, low group first, high bit set on all but the last byte; minimal (no trailing zero group),
 *          at most 5 bytes; lengths and counts at most 2^31-1.
 * key order: by tag (false &lt; true &lt; integers &lt; floats &lt; strings), then integers and floats numerically,
 *          strings by unsigned bytes (a prefix before its extensions).
 * </pre>
 * Decoding is strict: it accepts exactly the bytes {@link #encode} produces (so {@code encode(decode(b))} equals
 * {@code b} for every {@code b} it accepts), checks every length against the bytes that remain before allocating,
 * runs in a loop rather than recursion, and throws nothing but {@link StateException} on any input.
 */
public final class StateCodec {
    /** The version byte that starts every encoded state. */
    public static final int VERSION = 1;

    static final int FALSE = 0x01;
    static final int TRUE = 0x02;
    static final int INT = 0x03;
    static final int FLOAT = 0x04;
    static final int STRING = 0x05;
    static final int TABLE = 0x06;

    private static final int MAX_KEY_CHARS_IN_PATH = 40;

    private StateCodec() {
    }

    /**
     * Encodes the state of {@code aso}: its non-function fields.
     *
     * @param maxBytes largest encoding allowed, version byte included
     * @param maxDepth deepest table nesting allowed; {@code aso} is depth 1, so 1 allows no nested tables
     * @throws StateException if the state cannot be stored (the message names the field)
     */
    public static byte[] encode(LuaTable aso, int maxBytes, int maxDepth) {
        Objects.requireNonNull(aso, "aso");
        checkLimits(maxBytes, maxDepth);
        return new Encoder(maxBytes, maxDepth).encode(aso);
    }

    /**
     * Decodes an encoded state into a fresh table (no metatable, no functions).
     *
     * @throws StateException if {@code state} is not a canonical encoded state or nests deeper than {@code maxDepth}
     */
    public static LuaTable decode(byte[] state, int maxDepth) {
        Objects.requireNonNull(state, "state");
        checkLimits(1, maxDepth);
        return new Decoder(state, maxDepth).decode();
    }

    /**
     * Lays a decoded state over {@code aso}: afterwards the non-function fields of {@code aso} are exactly the
     * state's fields (fields absent from the state are removed), its function fields are untouched unless the
     * state itself holds a value under the same key (the state wins, as it was saved over the method). Uses raw
     * access; {@code aso} keeps its identity and metatable but its internals are rebuilt (see the body: this also
     * clears LuaJ's dead slots of removed keys). If {@code state} is malformed, {@code aso} is left exactly as it was.
     *
     * @throws StateException if {@code state} is not a canonical encoded state or nests deeper than {@code maxDepth}
     */
    public static void decodeInto(byte[] state, LuaTable aso, int maxDepth) {
        Objects.requireNonNull(aso, "aso");
        LuaTable decoded = decode(state, maxDepth);
        List<LuaValue> methods = new ArrayList<>();
        LuaValues.forEachPair(aso, (k, v) -> {
            if (v.type() == LuaValue.TFUNCTION && decoded.rawget(k).isnil()) {
                methods.add(k);
                methods.add(v);
            }
        });
        // Rebuild aso in place rather than removing and overwriting fields, because of two LuaJ 3.0.1 table bugs:
        // a removed hash key leaves a dead slot that a later rehash moving every live key into the array part
        // writes into an empty hash (ArrayIndexOutOfBoundsException, also from Lua code: t.x=1 t.x=nil t[1]=1
        // t[2]=2 t[3]=3), and overwriting a number field with a numeric string stores a number. presize(0, n)
        // empties the table (keeping its metatable) with fresh parts, so every field below is a plain insert.
        aso.presize(0, methods.size() / 2);
        for (int i = 0; i < methods.size(); i += 2) {
            aso.rawset(methods.get(i), methods.get(i + 1));
        }
        LuaValues.forEachPair(decoded, aso::rawset);
    }

    private static void checkLimits(int maxBytes, int maxDepth) {
        if (maxBytes <= 0 || maxDepth <= 0) {
            throw new IllegalArgumentException("maxBytes and maxDepth must be positive: " + maxBytes + ", " + maxDepth);
        }
    }

    // ---------------------------------------------------------------------------------------------- key order

    /** The tag a key encodes with, or -1 if the value cannot be a key. */
    static int keyTag(LuaValue k) {
        switch (k.type()) {
            case LuaValue.TBOOLEAN:
                return k.toboolean() ? TRUE : FALSE;
            case LuaValue.TNUMBER:
                if (isInt(k)) {
                    return INT;
                }
                return Double.isNaN(k.todouble()) ? -1 : FLOAT;
            case LuaValue.TSTRING:
                return k instanceof LuaString ? STRING : -1;
            default:
                return -1;
        }
    }

    /** An integral value in the 32-bit range: what LuaJ represents as a {@link LuaInteger}. */
    private static boolean isInt(LuaValue number) {
        if (number.isinttype()) {
            return true;
        }
        double d = number.todouble();
        return d == (int) d;
    }

    /** The total order of keys; both must have a key tag. */
    static int compareKeys(LuaValue a, LuaValue b) {
        int ta = keyTag(a);
        int tb = keyTag(b);
        if (ta != tb) {
            return Integer.compare(ta, tb);
        }
        switch (ta) {
            case INT:
                return Integer.compare(a.toint(), b.toint());
            case FLOAT:
                return Double.compare(a.todouble(), b.todouble());
            case STRING: {
                LuaString sa = (LuaString) a;
                LuaString sb = (LuaString) b;
                return Arrays.compareUnsigned(sa.m_bytes, sa.m_offset, sa.m_offset + sa.m_length,
                        sb.m_bytes, sb.m_offset, sb.m_offset + sb.m_length);
            }
            default:
                return 0;
        }
    }

    // ---------------------------------------------------------------------------------------------- paths

    /** Renders keys as a path: {@code a.b[3]["odd key"][true]}. */
    static String path(List<LuaValue> keys) {
        StringBuilder sb = new StringBuilder();
        for (LuaValue k : keys) {
            appendKey(sb, k, sb.length() == 0);
        }
        return sb.toString();
    }

    private static void appendKey(StringBuilder sb, LuaValue k, boolean first) {
        if (k instanceof LuaString s && isIdentifier(s)) {
            if (!first) {
                sb.append('.');
            }
            sb.append(s.tojstring());
            return;
        }
        sb.append('[');
        if (k instanceof LuaString s) {
            sb.append('"');
            int n = Math.min(s.m_length, MAX_KEY_CHARS_IN_PATH);
            for (int i = 0; i < n; i++) {
                int c = s.m_bytes[s.m_offset + i] & 0xff;
                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                    sb.append((char) c);
                } else {
                    sb.append(String.format("\\x%02x", c));
                }
            }
            if (n < s.m_length) {
                sb.append("...");
            }
            sb.append('"');
        } else {
            sb.append(k.tojstring());
        }
        sb.append(']');
    }

    private static boolean isIdentifier(LuaString s) {
        if (s.m_length == 0 || s.m_length > MAX_KEY_CHARS_IN_PATH) {
            return false;
        }
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static String field(String path) {
        return path.isEmpty() ? "state" : "state field '" + path + "'";
    }

    // ---------------------------------------------------------------------------------------------- encoding

    private static final class Encoder {
        private final int maxBytes;
        private final int maxDepth;
        private byte[] buf;
        private int size;
        /** The open tables, outermost first; each one's current key makes up the path. */
        private final List<Frame> stack = new ArrayList<>();
        private final Set<LuaTable> seen = Collections.newSetFromMap(new IdentityHashMap<>());

        private static final class Frame {
            final LuaValue[] keys;
            final LuaValue[] values;
            final int depth;
            int next;
            LuaValue current;

            Frame(LuaValue[] keys, LuaValue[] values, int depth) {
                this.keys = keys;
                this.values = values;
                this.depth = depth;
            }
        }

        Encoder(int maxBytes, int maxDepth) {
            this.maxBytes = maxBytes;
            this.maxDepth = maxDepth;
            this.buf = new byte[Math.min(maxBytes, 256)];
        }

        byte[] encode(LuaTable aso) {
            writeByte(VERSION);
            seen.add(aso);
            open(aso, true, 1);
            while (!stack.isEmpty()) {
                Frame f = stack.get(stack.size() - 1);
                if (f.next == f.keys.length) {
                    stack.remove(stack.size() - 1);
                    continue;
                }
                LuaValue k = f.keys[f.next];
                LuaValue v = f.values[f.next];
                f.next++;
                f.current = k;
                writeKey(k);
                writeValue(v, f.depth);
            }
            return Arrays.copyOf(buf, size);
        }

        /** Collects, checks and sorts a table's entries, writes their count and pushes the table. */
        private void open(LuaTable t, boolean top, int depth) {
            LuaValue[] keys = new LuaValue[8];
            LuaValue[] values = new LuaValue[8];
            int n = 0;
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs e = t.next(k);
                k = e.arg1();
                if (k.isnil()) {
                    break;
                }
                LuaValue v = e.arg(2);
                if (top && v.type() == LuaValue.TFUNCTION) {
                    continue;
                }
                if (keyTag(k) < 0) {
                    String p = path(currentKeys());
                    throw new StateException(StateException.Reason.UNSUPPORTED_KEY, p, field(p) + " has a key of type "
                            + (k.type() == LuaValue.TNUMBER ? "NaN" : k.typename())
                            + ": keys must be strings, numbers or booleans");
                }
                // every entry still to be written takes at least two bytes: stop before collecting a huge table
                if (2L * (n + 1) > (long) maxBytes - size) {
                    throw tooBig();
                }
                if (n == keys.length) {
                    keys = Arrays.copyOf(keys, n * 2);
                    values = Arrays.copyOf(values, n * 2);
                }
                keys[n] = k;
                values[n] = v;
                n++;
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            LuaValue[] ks = keys;
            Arrays.sort(order, (a, b) -> compareKeys(ks[a], ks[b]));
            LuaValue[] sortedKeys = new LuaValue[n];
            LuaValue[] sortedValues = new LuaValue[n];
            for (int i = 0; i < n; i++) {
                sortedKeys[i] = keys[order[i]];
                sortedValues[i] = values[order[i]];
            }
            writeUVarint(n);
            stack.add(new Frame(sortedKeys, sortedValues, depth));
        }

        private void writeKey(LuaValue k) {
            int tag = keyTag(k);
            switch (tag) {
                case FALSE, TRUE -> writeByte(tag);
                case INT -> writeInt(k.toint());
                case FLOAT -> writeFloat(k.todouble());
                default -> writeString((LuaString) k);
            }
        }

        private void writeValue(LuaValue v, int depth) {
            switch (v.type()) {
                case LuaValue.TBOOLEAN -> writeByte(v.toboolean() ? TRUE : FALSE);
                case LuaValue.TNUMBER -> {
                    if (isInt(v)) {
                        writeInt(v.toint());
                    } else {
                        writeFloat(v.todouble());
                    }
                }
                case LuaValue.TSTRING -> {
                    if (!(v instanceof LuaString s)) {
                        throw unsupported(v);
                    }
                    writeString(s);
                }
                case LuaValue.TTABLE -> {
                    if (!(v instanceof LuaTable t)) {
                        throw unsupported(v);
                    }
                    String why = null;
                    StateException.Reason reason = null;
                    if (!seen.add(t)) {
                        reason = StateException.Reason.SHARED_TABLE;
                        why = " is a table already stored elsewhere in the state: cycles and shared tables cannot be stored";
                    } else if (t.getmetatable() != null) {
                        reason = StateException.Reason.METATABLE;
                        why = " is a table with a metatable: metatables cannot be stored";
                    } else if (depth + 1 > maxDepth) {
                        reason = StateException.Reason.DEPTH;
                        why = " nests tables too deeply: at most " + maxDepth + " levels (the object itself is level 1)";
                    }
                    if (reason != null) {
                        String p = path(currentKeys());
                        throw new StateException(reason, p, field(p) + why);
                    }
                    writeByte(TABLE);
                    open(t, false, depth + 1);
                }
                case LuaValue.TFUNCTION -> {
                    String p = path(currentKeys());
                    throw new StateException(StateException.Reason.FUNCTION, p,
                            field(p) + " is a function: functions cannot be stored");
                }
                default -> throw unsupported(v);
            }
        }

        private StateException unsupported(LuaValue v) {
            String p = path(currentKeys());
            return new StateException(StateException.Reason.UNSUPPORTED_VALUE, p, field(p) + " is a " + v.typename()
                    + ": only strings, numbers, booleans and tables can be stored");
        }

        private StateException tooBig() {
            String p = path(currentKeys());
            return new StateException(StateException.Reason.SIZE, p, "state is larger than " + maxBytes + " bytes"
                    + (p.isEmpty() ? "" : " (at field '" + p + "')"));
        }

        private List<LuaValue> currentKeys() {
            List<LuaValue> keys = new ArrayList<>(stack.size());
            for (Frame f : stack) {
                if (f.current != null) {
                    keys.add(f.current);
                }
            }
            return keys;
        }

        private void ensure(long n) {
            if (size + n > maxBytes) {
                throw tooBig();
            }
            if (size + n > buf.length) {
                long grown = Math.max(size + n, 2L * buf.length);
                buf = Arrays.copyOf(buf, (int) Math.min(grown, maxBytes));
            }
        }

        private void writeByte(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        private void writeUVarint(long v) {
            do {
                int group = (int) (v & 0x7f);
                v >>>= 7;
                writeByte(v == 0 ? group : group | 0x80);
            } while (v != 0);
        }

        private void writeInt(int n) {
            writeByte(INT);
            writeUVarint(((n << 1) ^ (n >> 31)) & 0xffffffffL);
        }

        private void writeFloat(double d) {
            writeByte(FLOAT);
            ensure(8);
            long bits = Double.doubleToLongBits(d);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (bits >>> shift);
            }
        }

        private void writeString(LuaString s) {
            writeByte(STRING);
            writeUVarint(s.m_length);
            ensure(s.m_length);
            System.arraycopy(s.m_bytes, s.m_offset, buf, size, s.m_length);
            size += s.m_length;
        }
    }

    // ---------------------------------------------------------------------------------------------- decoding

    private static final class Decoder {
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

        Decoder(byte[] in, int maxDepth) {
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
            if (version != VERSION) {
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
}
