package dev.comet.lua;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.TableEntries;
import org.luaj.vm2.LuaValue;

import java.util.ArrayList;
import java.util.List;

/** Renders Lua values as short Lua-like literals for people ({@code {"Hello world!", 3}}), bounded in size. */
public final class LuaValues {
    private static final int MAX_CHARS = 4096;
    private static final int MAX_DEPTH = 8;

    private LuaValues() {
    }

    /**
     * {@code value} as a Lua-like literal of at most {@value #MAX_CHARS} characters (then "…"); tables nested deeper
     * than {@value #MAX_DEPTH} show as "{…}". Raw access only (no metamethod runs); the walk stops as soon as the
     * text is long enough, however many times shared tables are reached.
     *
     * @throws ConversionException if {@code value} holds a cycle
     */
    public static String render(LuaValue value) {
        StringBuilder out = new StringBuilder();
        LuaExport.Walk walk = new LuaExport.Walk("the value", Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE,
                dev.comet.ErrorCode.ANSWER_TOO_BIG, dev.comet.ErrorCode.HANDLER_REFUSED);
        try {
            render(value, out, 0, walk);
        } catch (Truncated e) {
            return out.substring(0, MAX_CHARS) + "…";
        }
        return out.toString();
    }

    /** Stops a rendering whose text is long enough (cheap: no stack trace). */
    private static final class Truncated extends RuntimeException {
        Truncated() {
            super(null, null, false, false);
        }
    }

    /**
     * A Lua value as plain Java values for JSON: String, Long (integers), Double, Boolean, List (array tables) and
     * Map (other tables, keys as strings); null for nil and for functions. Bounded in nodes, bytes and depth, see
     * {@link LuaExport#plain}.
     *
     * @throws ConversionException if the value is over a bound or holds a cycle
     */
    public static Object toPlain(LuaValue v) {
        return LuaExport.plain(v);
    }

    /** Visits every entry of {@code t} once, in LuaJ's {@code next} order (raw: no metamethods). */
    static void forEachPair(LuaTable t, java.util.function.BiConsumer<LuaValue, LuaValue> pair) {
        TableEntries.forEach(t, pair::accept);
    }

    /** Visits a table's array part (1 to {@code #t}, in order), then each of its other entries once. */
    static void forEachEntry(LuaTable t, java.util.function.Consumer<LuaValue> element,
                             java.util.function.BiConsumer<LuaValue, LuaValue> keyed) {
        int n = t.rawlen();
        for (int i = 1; i <= n; i++) {
            element.accept(t.rawget(i));
        }
        forEachPair(t, (k, v) -> {
            if (!(k.isinttype() && k.toint() >= 1 && k.toint() <= n)) {
                keyed.accept(k, v);
            }
        });
    }

    private static void render(LuaValue v, StringBuilder out, int depth, LuaExport.Walk walk) {
        if (out.length() > MAX_CHARS) {
            throw new Truncated();
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> quote(v.checkstring(), out);
            case LuaValue.TNUMBER -> out.append(v.isint() ? Integer.toString(v.toint()) : v.tojstring());
            case LuaValue.TTABLE -> table((LuaTable) v, out, depth, walk);
            case LuaValue.TNIL -> out.append("nil");
            case LuaValue.TBOOLEAN -> out.append(v.toboolean());
            default -> out.append(v.typename());
        }
    }

    /** The array part in order, then the other entries sorted by their key's text, straight into {@code out}. */
    private static void table(LuaTable t, StringBuilder out, int depth, LuaExport.Walk walk) {
        if (depth >= MAX_DEPTH) {
            out.append("{…}");
            return;
        }
        walk.enter(t, depth + 1);
        out.append('{');
        List<LuaValue[]> keyed = new ArrayList<>();
        boolean[] first = {true};
        forEachEntry(t, element -> {
            if (!first[0]) {
                out.append(", ");
            }
            first[0] = false;
            render(element, out, depth + 1, walk);
        }, (k, value) -> keyed.add(new LuaValue[] {k, value}));
        List<String> names = new ArrayList<>(keyed.size());
        for (LuaValue[] entry : keyed) {
            names.add(keyText(entry[0]));
        }
        Integer[] order = new Integer[keyed.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparing(names::get));
        for (int i : order) {
            if (!first[0]) {
                out.append(", ");
            }
            first[0] = false;
            out.append(names.get(i)).append(" = ");
            render(keyed.get(i)[1], out, depth + 1, walk);
        }
        out.append('}');
        walk.leave(t);
    }

    /** A key as it is written in a table literal: a name, or a bracketed scalar (tables and functions by type). */
    private static String keyText(LuaValue k) {
        if (k.type() == LuaValue.TSTRING && k.rawlen() <= 64 && k.tojstring().matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return k.tojstring();
        }
        StringBuilder sb = new StringBuilder("[");
        switch (k.type()) {
            case LuaValue.TSTRING -> quote(k.checkstring().substring(0, Math.min(k.rawlen(), 64)), sb);
            case LuaValue.TNUMBER -> sb.append(k.isint() ? Integer.toString(k.toint()) : k.tojstring());
            case LuaValue.TBOOLEAN -> sb.append(k.toboolean());
            default -> sb.append(k.typename());
        }
        return sb.append(']').toString();
    }

    /** A string literal; only as much of {@code s} is decoded as the rendering can still show. */
    private static void quote(org.luaj.vm2.LuaString s, StringBuilder out) {
        int room = Math.max(0, MAX_CHARS + 1 - out.length());
        String text = s.substring(0, Math.min(s.rawlen(), room)).tojstring();
        out.append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\%03d", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        if (out.length() > MAX_CHARS) {
            throw new Truncated();
        }
    }
}
