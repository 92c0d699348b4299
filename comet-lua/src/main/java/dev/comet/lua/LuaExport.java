package dev.comet.lua;

import dev.comet.ErrorCode;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every conversion of a Lua value out of Lua that a handler's values reach after (or outside) its meter: answers as
 * bencodable values, plain Java values for reports, the arguments of a {@code comet.get}, {@code comet.log} lines.
 * (The state has its own canonical codec, {@link StateCodec}, bounded the same way; {@link LuaValues#render} uses
 * the same {@link Walk}.)
 *
 * <p>Each conversion walks with raw access only ({@code rawlen}, {@code rawget}, raw {@code next}, never
 * {@code tostring}): no metamethod is called, so no Lua code runs outside an invocation's meter. Each counts what
 * it visits against bounds, so it can neither run long nor allocate much whatever the value: every table entry is
 * a node, every string's bytes are counted before they are copied, and a table or string reached twice (shared)
 * counts each time it is reached, as the converted value would hold it twice. A table that contains itself is
 * refused as a cycle; nesting is bounded.
 */
public final class LuaExport {
    /** No datagram carries more than this (the largest UDP payload): a larger answer could never be sent. */
    public static final int MAX_ANSWER_BYTES = 65_507;
    /** Nested tables an answer may have: the requester's bencode decoder takes 32 levels, KRPC uses a few. */
    public static final int MAX_ANSWER_DEPTH = 16;
    /** Bounds of a plain conversion (reports: an object's state, which the state limit already bounds). */
    static final int MAX_PLAIN_NODES = 100_000;
    static final long MAX_PLAIN_BYTES = 4L << 20;
    static final int MAX_PLAIN_DEPTH = 32;
    /** Bounds of a {@code comet.get}'s arguments: they travel in one query. */
    static final int MAX_REQUEST_ARGUMENTS = 32;
    static final int MAX_REQUEST_ARGUMENT_BYTES = 8 << 10;

    private LuaExport() {
    }

    /**
     * The bounds and the running count of one walk: nodes, bytes, the tables open on the current path (for cycles)
     * and their depth. A bound crossed throws a {@link ConversionException} that names {@code what} was converted.
     */
    static final class Walk {
        private final String what;
        private final long maxNodes;
        private final long maxBytes;
        private final int maxDepth;
        private final ErrorCode sizeCode;
        private final ErrorCode shapeCode;
        /**
         * The tables open on the current path, outermost first: at most {@code maxDepth}, so a scan finds a cycle as
         * fast as an identity set would, and an answer that is one flat table allocates no set.
         */
        private LuaTable[] open;
        private int openCount;
        private long nodes;
        private long bytes;

        /**
         * @param sizeCode  the error of a conversion over its nodes, bytes or depth
         * @param shapeCode the error of a cycle
         */
        Walk(String what, long maxNodes, long maxBytes, int maxDepth, ErrorCode sizeCode, ErrorCode shapeCode) {
            this.what = what;
            this.maxNodes = maxNodes;
            this.maxBytes = maxBytes;
            this.maxDepth = maxDepth;
            this.sizeCode = sizeCode;
            this.shapeCode = shapeCode;
            this.open = new LuaTable[Math.max(1, Math.min(maxDepth, 64))];
        }

        /** Counts one node of {@code size} bytes, before its bytes are copied. */
        void node(long size) {
            if (++nodes > maxNodes) {
                throw new ConversionException(sizeCode, what + " has more than " + maxNodes + " values");
            }
            bytes(size);
        }

        void bytes(long size) {
            bytes += size;
            if (bytes > maxBytes) {
                throw new ConversionException(sizeCode, what + " is over " + maxBytes + " bytes");
            }
        }

        /** Opens {@code t}, nested {@code depth} tables deep (the outermost is 1): refuses a cycle and deep nesting. */
        void enter(LuaTable t, int depth) {
            if (depth > maxDepth) {
                throw new ConversionException(sizeCode, what + " nests tables deeper than " + maxDepth + " levels");
            }
            for (int i = 0; i < openCount; i++) {
                if (open[i] == t) {
                    throw new ConversionException(shapeCode, what + " is a table that contains itself: cycles cannot be converted");
                }
            }
            if (ReadOnlyTables.isLocked(t)) {
                // a library or the object's globals: their contents live behind a metatable, not in the table
                throw new ConversionException(shapeCode, what + " holds a library or the global table (_G), "
                        + "which cannot be converted");
            }
            if (openCount == open.length) {
                open = Arrays.copyOf(open, 2 * open.length);
            }
            open[openCount++] = t;
        }

        void leave(LuaTable t) {
            // tables are left in the reverse order they were entered
            if (openCount > 0 && open[openCount - 1] == t) {
                open[--openCount] = null;
            }
        }

        long bytesSoFar() {
            return bytes;
        }
    }

    // ---------------------------------------------------------------------------------------------- answers

    /**
     * A handler's answer as a bencodable value: byte[] for strings (and numbers that are not integers), Long for
     * integers and booleans (1/0), List for array tables, a sorted Map for other tables (their array part, if any,
     * is dropped), null for nil; functions and other values are left out of tables (an empty string in a list).
     * Bounded by {@link #MAX_ANSWER_BYTES} of bencoding and {@link #MAX_ANSWER_DEPTH} nested tables (error 333,
     * {@link ErrorCode#ANSWER_TOO_BIG}); a cycle is error 330.
     *
     * @throws ConversionException if the answer cannot be sent
     */
    public static Object answer(LuaValue v) {
        Walk walk = new Walk("the answer", MAX_ANSWER_BYTES / 2, MAX_ANSWER_BYTES, MAX_ANSWER_DEPTH,
                ErrorCode.ANSWER_TOO_BIG, ErrorCode.HANDLER_REFUSED);
        return bencodable(v, walk, 0);
    }

    private static Object bencodable(LuaValue v, Walk walk, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING: {
                LuaString s = (LuaString) v.checkstring();
                walk.node(s.m_length + 11L);
                return bytesOf(s);
            }
            case LuaValue.TNUMBER: {
                if (v.isinttype() || v.todouble() == Math.rint(v.todouble()) && Math.abs(v.todouble()) < 9e15) {
                    walk.node(22);
                    return (long) v.todouble();
                }
                byte[] text = v.tojstring().getBytes(StandardCharsets.UTF_8);
                walk.node(text.length + 11L);
                return text;
            }
            case LuaValue.TBOOLEAN:
                walk.node(3);
                return v.toboolean() ? 1L : 0L;
            case LuaValue.TTABLE: {
                LuaTable t = (LuaTable) v;
                walk.node(2);
                walk.enter(t, depth + 1);
                List<Object> list = new ArrayList<>();
                TreeMap<String, Object> map = new TreeMap<>();
                LuaValues.forEachEntry(t, element -> {
                    Object item = bencodable(element, walk, depth + 1);
                    if (item == null) {
                        walk.bytes(2);
                    }
                    list.add(item == null ? new byte[0] : item);
                }, (k, value) -> {
                    Object item = bencodable(value, walk, depth + 1);
                    if (item != null) {
                        String key = keyText(k);
                        walk.bytes(key.length() + 11L);
                        map.put(key, item);
                    }
                });
                walk.leave(t);
                return map.isEmpty() ? list : map;
            }
            default:
                walk.node(0);
                return null;
        }
    }

    /** A table key as a bencode dictionary key: a string's own bytes (as ISO-8859-1 chars), else its raw text. */
    private static String keyText(LuaValue k) {
        if (k instanceof LuaString s) {
            return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
        }
        return new String(k.tojstring().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    // ---------------------------------------------------------------------------------------------- plain values

    /**
     * A Lua value as plain Java values for JSON: String, Long (integers), Double, Boolean, List (array tables) and
     * Map (other tables, keys as strings); null for nil and for functions. Bounded in nodes, bytes and depth (error
     * 333 past them); a cycle is error 330.
     *
     * @throws ConversionException if the value is over a bound or holds a cycle
     */
    public static Object plain(LuaValue v) {
        Walk walk = new Walk("the value", MAX_PLAIN_NODES, MAX_PLAIN_BYTES, MAX_PLAIN_DEPTH,
                ErrorCode.ANSWER_TOO_BIG, ErrorCode.HANDLER_REFUSED);
        return plain(v, walk, 0);
    }

    private static Object plain(LuaValue v, Walk walk, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING:
                walk.node(v.rawlen());
                return v.tojstring();
            case LuaValue.TNUMBER:
                walk.node(8);
                return v.isinttype() || v.todouble() == Math.rint(v.todouble()) && Math.abs(v.todouble()) < 9e15
                        ? (Object) (long) v.todouble() : (Object) v.todouble();
            case LuaValue.TBOOLEAN:
                walk.node(1);
                return v.toboolean();
            case LuaValue.TTABLE: {
                LuaTable t = (LuaTable) v;
                walk.node(2);
                walk.enter(t, depth + 1);
                List<Object> list = new ArrayList<>();
                TreeMap<String, Object> map = new TreeMap<>();
                LuaValues.forEachEntry(t, element -> list.add(plain(element, walk, depth + 1)), (k, value) -> {
                    Object item = plain(value, walk, depth + 1);
                    if (item != null) {
                        walk.bytes(k.type() == LuaValue.TSTRING ? k.rawlen() : 24);
                        map.put(k.tojstring(), item);
                    }
                });
                walk.leave(t);
                return map.isEmpty() ? list : map;
            }
            default:
                walk.node(0);
                return null;
        }
    }

    // ---------------------------------------------------------------------------------------------- requests

    /**
     * The arguments of a {@code comet.get}: a table of strings (keys and values), at most
     * {@link #MAX_REQUEST_ARGUMENTS} of them and {@link #MAX_REQUEST_ARGUMENT_BYTES} bytes together, counted before
     * any is copied. Raw access; a non-string key or value is a Lua error.
     */
    static Map<String, byte[]> requestArguments(LuaTable args) {
        Map<String, byte[]> out = new TreeMap<>();
        long[] bytes = {0};
        LuaValues.forEachPair(args, (k, v) -> {
            if (out.size() >= MAX_REQUEST_ARGUMENTS) {
                throw new org.luaj.vm2.LuaError("comet.get: at most " + MAX_REQUEST_ARGUMENTS + " arguments");
            }
            LuaString key = k.checkstring();
            LuaString value = v.checkstring();
            bytes[0] += key.m_length + (long) value.m_length;
            if (bytes[0] > MAX_REQUEST_ARGUMENT_BYTES) {
                throw new org.luaj.vm2.LuaError("comet.get: the arguments are over " + MAX_REQUEST_ARGUMENT_BYTES
                        + " bytes together");
            }
            out.put(key.tojstring(), bytesOf(value));
        });
        return out;
    }

    // ---------------------------------------------------------------------------------------------- log lines

    /**
     * A {@code comet.log} line: the arguments separated by tabs, strings as their text, numbers, booleans and nil
     * as Lua prints them, other values by their type; at most {@code maxBytes} bytes, of which no argument is read
     * beyond (a huge string, or many arguments, cost only what the line keeps).
     */
    static String logLine(Varargs args, int maxBytes) {
        byte[] line = new byte[maxBytes];
        int n = 0;
        for (int i = 1; i <= args.narg() && n < maxBytes; i++) {
            if (i > 1) {
                line[n++] = '\t';
            }
            LuaValue v = args.arg(i);
            LuaString text = switch (v.type()) {
                case LuaValue.TSTRING, LuaValue.TNUMBER, LuaValue.TBOOLEAN, LuaValue.TNIL ->
                        v.type() == LuaValue.TSTRING ? v.checkstring() : LuaString.valueOf(v.tojstring());
                default -> LuaString.valueOf(v.typename());
            };
            int take = Math.min(text.m_length, maxBytes - n);
            System.arraycopy(text.m_bytes, text.m_offset, line, n, take);
            n += take;
        }
        return new String(line, 0, n, StandardCharsets.UTF_8);
    }

    /** A copy of a Lua string's bytes. */
    private static byte[] bytesOf(LuaString s) {
        return Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + s.m_length);
    }
}
