package dev.comet.lua;

import static dev.comet.lua.StateFormat.FALSE;
import static dev.comet.lua.StateFormat.FLOAT;
import static dev.comet.lua.StateFormat.INT;
import static dev.comet.lua.StateFormat.STRING;
import static dev.comet.lua.StateFormat.TABLE;
import static dev.comet.lua.StateFormat.TRUE;
import static dev.comet.lua.StateFormat.compareKeys;
import static dev.comet.lua.StateFormat.isInt;
import static dev.comet.lua.StateFormat.keyTag;
import static dev.comet.lua.StatePath.field;
import static dev.comet.lua.StatePath.path;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.TableEntries;

/**
 * Writes one state: the canonical encoding of an {@code aso} table (see {@link StateCodec}, {@link StateFormat}).
 * Owns the bytes written so far, the stack of tables being written (the path of the current field) and the tables
 * already seen (a second visit is a cycle or a shared table). Reusable, one state at a time: an invocation runner
 * keeps one, so saving the state after each invocation does not allocate a buffer and a stack every time.
 */
final class StateEncoder {
    private int maxBytes;
    private final int maxDepth;
    private byte[] buf;
    private int size;
    /** The open tables, outermost first; each one's current key makes up the path. */
    private final List<Frame> stack = new ArrayList<>();
    /** The object's own table, seen before any other. */
    private LuaTable topLevel;
    /** Made at the first nested table: most states are flat, and the set is most of a flat state's encoding cost. */
    private Set<LuaTable> seen;

    /**
     * One open table. A state has at most one open table per depth (a nested table is written whole before its next
     * sibling opens), so the encoder keeps one frame per depth and reuses it, arrays included.
     */
    private static final class Frame {
        /** The table's entries in key order: the first {@code count} of each array. */
        LuaValue[] keys = new LuaValue[8];
        LuaValue[] values = new LuaValue[8];
        /** For the object's own table: each entry's place in the walk, permuted with the entries by the sort. */
        int[] walkOrder;
        int count;
        int depth;
        int next;
        LuaValue current;

        /** Lets go of the values written, keeping the arrays. */
        void clear() {
            // a loop, not Arrays.fill: most tables have a few entries, and fill's range checks were a fifth of a
            // flat state's encoding
            for (int i = 0; i < count; i++) {
                keys[i] = null;
                values[i] = null;
            }
            count = 0;
            next = 0;
            current = null;
        }
    }

    /** Frames by depth (index 1 is the object's own table), made at first use. */
    private final Frame[] frames;

    /** The deepest frame this state opened: the frames to clear once it is written. */
    private int deepest;
    private boolean longKeys;
    /** The frame of the table {@link #open} is collecting, and whether it is the object's own (skip its functions). */
    private Frame collecting;
    private boolean collectingTop;
    private final TableEntries.Visitor collector = this::collect;
    /** Where each top-level key's encoding starts and ends in {@link #buf}, in key order: for the next layout. */
    private int[] keyFrom = new int[8];
    private int[] keyTo = new int[8];
    /** The layout for the object's next save, after {@link #encode(LuaTable, int, StateLayout)}: null if none. */
    private StateLayout layout;
    /** The functions on the object's own table met by the last save's walk (its methods). */
    private final MethodsMet methodsMet = new MethodsMet();

    StateEncoder(int maxDepth) {
        if (maxDepth <= 0) {
            throw new IllegalArgumentException("maxDepth must be positive: " + maxDepth);
        }
        this.maxDepth = maxDepth;
        this.buf = new byte[256];
        this.frames = new Frame[maxDepth + 2];
    }

    /**
     * Encodes the state of {@code aso} like {@link #encode(LuaTable, int)}, the same bytes and the same errors, using
     * {@code last} (the object's layout from its previous save, or null) when its keys still fit it; {@link #takeLayout()}
     * then gives the layout for the next save.
     */
    byte[] encode(LuaTable aso, int maxBytes, StateLayout last) {
        methodsMet.forget();
        if (last != null && last.collect(aso, methodsMet)) {
            try {
                byte[] bytes = encodeLaidOut(last, maxBytes);
                if (bytes != null) {
                    layout = last;
                    longKeys = last.longKeys();
                    methodsMet.walked(last.count());
                    return bytes;
                }
            } finally {
                last.clear();
            }
        }
        return encodeFully(aso, maxBytes, true);
    }

    /**
     * The layout for the object's next save, made or confirmed by the last {@link #encode(LuaTable, int, StateLayout)},
     * handed over once: the encoder, shared by a sandbox's objects, keeps nothing of one (nor does {@link MethodsMet},
     * once forgotten).
     */
    StateLayout takeLayout() {
        StateLayout taken = layout;
        layout = null;
        return taken;
    }

    /** Writes the values {@code laid} collected under its keys; null if they take more than {@code maxBytes}. */
    private byte[] encodeLaidOut(StateLayout laid, int maxBytes) {
        this.maxBytes = maxBytes;
        size = 0;
        try {
            writeByte(StateCodec.VERSION);
            writeUVarint(laid.count());
            for (int j = 0; j < laid.count(); j++) {
                ensure(laid.keyLength(j));
                size += laid.copyKey(j, buf, size);
                writeValue(laid.value(j), 1);
            }
        } catch (StateException tooLarge) {
            // the only error writing these values can meet; the full encoding says at which field
            return null;
        }
        return Arrays.copyOf(buf, size);
    }

    /** Encodes the state of {@code aso} in at most {@code maxBytes}; {@link #sawLongKeys()} then tells of this one. */
    byte[] encode(LuaTable aso, int maxBytes) {
        return encodeFully(aso, maxBytes, false);
    }

    /** The functions the last save met on the object's own table (see {@link RetainedData#restore}). */
    MethodsMet methodsMet() {
        return methodsMet;
    }

    /** Collects, sorts and writes every field; makes the next {@link #takeLayout()} if asked and the state is flat. */
    private byte[] encodeFully(LuaTable aso, int maxBytes, boolean makeLayout) {
        methodsMet.forget(); // a shortcut's walk that stopped part way may have met some
        layout = null;
        this.maxBytes = maxBytes;
        size = 0;
        longKeys = false;
        topLevel = aso;
        try {
            byte[] bytes = encodeFields(aso);
            methodsMet.walked(frames[1].count);
            if (makeLayout && deepest == 1) {
                Frame top = frames[1];
                layout = StateLayout.of(top.keys, top.walkOrder, top.count, buf, keyFrom, keyTo, longKeys);
            }
            return bytes;
        } finally {
            // keep the buffer and arrays, not the tables: the object may be dropped before the next state is written
            for (int d = 1; d <= deepest; d++) {
                frames[d].clear();
            }
            deepest = 0;
            stack.clear();
            topLevel = null;
            seen = null;
        }
    }

    private byte[] encodeFields(LuaTable aso) {
        writeByte(StateCodec.VERSION);
        open(aso, true, 1);
        while (!stack.isEmpty()) {
            Frame f = stack.get(stack.size() - 1);
            if (f.next == f.count) {
                stack.remove(stack.size() - 1);
                continue;
            }
            LuaValue k = f.keys[f.next];
            LuaValue v = f.values[f.next];
            f.next++;
            f.current = k;
            if (f.depth == 1) {
                noteKeyAt(f.next - 1, size);
                writeKey(k);
                keyTo[f.next - 1] = size;
            } else {
                writeKey(k);
            }
            writeValue(v, f.depth);
        }
        return Arrays.copyOf(buf, size);
    }

    private void noteKeyAt(int j, int at) {
        if (j == keyFrom.length) {
            keyFrom = Arrays.copyOf(keyFrom, 2 * j);
            keyTo = Arrays.copyOf(keyTo, 2 * j);
        }
        keyFrom[j] = at;
    }

    /** Collects, checks and sorts a table's entries, writes their count and pushes the table. */
    private void open(LuaTable t, boolean top, int depth) {
        Frame frame = frames[depth];
        if (frame == null) {
            frame = frames[depth] = new Frame();
        }
        frame.clear();
        deepest = Math.max(deepest, depth);
        frame.depth = depth;
        collecting = frame;
        collectingTop = top;
        try {
            TableEntries.forEach(t, collector);
        } finally {
            collecting = null;
        }
        sortByKey(frame.keys, frame.values, top ? frame.walkOrder : null, frame.count);
        writeUVarint(frame.count);
        stack.add(frame);
    }

    /** Adds one entry of the table being opened to its frame, checking its key and the room left. */
    private void collect(LuaValue k, LuaValue v) {
        if (collectingTop && v.type() == LuaValue.TFUNCTION) {
            methodsMet.met(k, v);
            return;
        }
        if (keyTag(k) < 0) {
            String p = path(currentKeys());
            throw new StateException(StateException.Reason.UNSUPPORTED_KEY, p, field(p) + " has a key of type "
                    + (k.type() == LuaValue.TNUMBER ? "NaN" : k.typename())
                    + ": keys must be strings, numbers or booleans");
        }
        Frame frame = collecting;
        int n = frame.count;
        // every entry still to be written takes at least two bytes: stop before collecting a huge table
        if (2L * (n + 1) > (long) maxBytes - size) {
            throw tooBig();
        }
        if (n == frame.keys.length) {
            frame.keys = Arrays.copyOf(frame.keys, n * 2);
            frame.values = Arrays.copyOf(frame.values, n * 2);
        }
        frame.keys[n] = k;
        frame.values[n] = v;
        if (collectingTop) {
            if (frame.walkOrder == null || n == frame.walkOrder.length) {
                frame.walkOrder = frame.walkOrder == null ? new int[frame.keys.length]
                        : Arrays.copyOf(frame.walkOrder, frame.keys.length);
            }
            frame.walkOrder[n] = n;
        }
        frame.count = n + 1;
    }

    /**
     * Sorts the first {@code n} entries by key, keys, values and (unless null) their walk order together: insertion
     * sort for the few fields most tables have (no boxing, no comparator), merge sort through an index for large ones.
     */
    private static void sortByKey(LuaValue[] keys, LuaValue[] values, int[] walkOrder, int n) {
        if (n <= 16) {
            for (int i = 1; i < n; i++) {
                LuaValue k = keys[i];
                LuaValue v = values[i];
                int w = walkOrder == null ? 0 : walkOrder[i];
                int j = i - 1;
                while (j >= 0 && compareKeys(keys[j], k) > 0) {
                    keys[j + 1] = keys[j];
                    values[j + 1] = values[j];
                    if (walkOrder != null) {
                        walkOrder[j + 1] = walkOrder[j];
                    }
                    j--;
                }
                keys[j + 1] = k;
                values[j + 1] = v;
                if (walkOrder != null) {
                    walkOrder[j + 1] = w;
                }
            }
            return;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        LuaValue[] ks = Arrays.copyOf(keys, n);
        LuaValue[] vs = Arrays.copyOf(values, n);
        Arrays.sort(order, (a, b) -> compareKeys(ks[a], ks[b]));
        for (int i = 0; i < n; i++) {
            keys[i] = ks[order[i]];
            values[i] = vs[order[i]];
            if (walkOrder != null) {
                walkOrder[i] = order[i];
            }
        }
    }

    private void writeKey(LuaValue k) {
        int tag = keyTag(k);
        switch (tag) {
            case FALSE, TRUE -> writeByte(tag);
            case INT -> writeInt(k.toint());
            case FLOAT -> writeFloat(k.todouble());
            default -> {
                LuaString s = (LuaString) k;
                longKeys |= s.m_length > StateTables.LONG_KEY_BYTES;
                writeString(s);
            }
        }
    }

    /** Whether a key of the state encoded is longer than {@link StateTables#LONG_KEY_BYTES}. */
    boolean sawLongKeys() {
        return longKeys;
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
                if (seen == null) {
                    seen = Collections.newSetFromMap(new IdentityHashMap<>());
                }
                if (t == topLevel || !seen.add(t)) {
                    reason = StateException.Reason.SHARED_TABLE;
                    why = " is a table already stored elsewhere in the state: cycles and shared tables cannot be stored";
                } else if (t.getmetatable() != null) {
                    reason = StateException.Reason.METATABLE;
                    why = " is a table with a metatable: metatables cannot be stored";
                } else if (t instanceof ObjectGlobals) {
                    reason = StateException.Reason.GLOBALS;
                    why = " is the global table (_G): an object's environment cannot be stored";
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
        // room checked once for the whole varint (7 bits a byte), not byte by byte
        ensure((64 - Long.numberOfLeadingZeros(v | 1) + 6) / 7);
        while ((v & ~0x7fL) != 0) {
            buf[size++] = (byte) (v & 0x7f | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
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
