package dev.comet.lua;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.util.ArrayList;
import java.util.List;

/** Renders Lua values as short Lua-like literals for people ({@code {"Hello world!", 3}}), bounded in size. */
public final class LuaValues {
    private static final int MAX_CHARS = 4096;
    private static final int MAX_DEPTH = 8;

    private LuaValues() {
    }

    public static String render(LuaValue value) {
        StringBuilder out = new StringBuilder();
        render(value, out, 0);
        return out.length() > MAX_CHARS ? out.substring(0, MAX_CHARS) + "…" : out.toString();
    }

    /**
     * A Lua value as plain Java values for JSON: String, Long (integers), Double, Boolean, List (array tables) and
     * Map (other tables, keys as strings); null for nil and for functions. Bounded in depth.
     */
    public static Object toPlain(LuaValue v) {
        return toPlain(v, 0);
    }

    private static Object toPlain(LuaValue v, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING:
                return v.tojstring();
            case LuaValue.TNUMBER:
                return v.isinttype() || v.todouble() == Math.rint(v.todouble()) && Math.abs(v.todouble()) < 9e15
                        ? (Object) (long) v.todouble() : (Object) v.todouble();
            case LuaValue.TBOOLEAN:
                return v.toboolean();
            case LuaValue.TTABLE: {
                if (depth >= MAX_DEPTH) {
                    return "{…}";
                }
                List<Object> list = new ArrayList<>();
                java.util.TreeMap<String, Object> map = new java.util.TreeMap<>();
                forEachEntry((LuaTable) v, element -> list.add(toPlain(element, depth + 1)), (k, value) -> {
                    Object item = toPlain(value, depth + 1);
                    if (item != null) {
                        map.put(k.tojstring(), item);
                    }
                });
                return map.isEmpty() ? list : map;
            }
            default:
                return null;
        }
    }

    /** Visits every entry of {@code t} once, in LuaJ's {@code next} order (raw: no metamethods). */
    static void forEachPair(LuaTable t, java.util.function.BiConsumer<LuaValue, LuaValue> pair) {
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            k = next.arg1();
            if (k.isnil()) {
                return;
            }
            pair.accept(k, next.arg(2));
        }
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

    private static void render(LuaValue v, StringBuilder out, int depth) {
        if (out.length() > MAX_CHARS) {
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> quote(v.checkjstring(), out);
            case LuaValue.TNUMBER -> out.append(v.isint() ? Integer.toString(v.toint()) : v.tojstring());
            case LuaValue.TTABLE -> table((LuaTable) v, out, depth);
            case LuaValue.TNIL -> out.append("nil");
            case LuaValue.TBOOLEAN -> out.append(v.toboolean());
            default -> out.append(v.typename());
        }
    }

    private static void table(LuaTable t, StringBuilder out, int depth) {
        if (depth >= MAX_DEPTH) {
            out.append("{…}");
            return;
        }
        out.append('{');
        List<String> parts = new ArrayList<>();
        List<String> keyed = new ArrayList<>();
        forEachEntry(t, element -> {
            StringBuilder sb = new StringBuilder();
            render(element, sb, depth + 1);
            parts.add(sb.toString());
        }, (k, value) -> {
            StringBuilder sb = new StringBuilder();
            if (k.type() == LuaValue.TSTRING && k.tojstring().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                sb.append(k.tojstring());
            } else {
                sb.append('[');
                render(k, sb, depth + 1);
                sb.append(']');
            }
            sb.append(" = ");
            render(value, sb, depth + 1);
            keyed.add(sb.toString());
        });
        java.util.Collections.sort(keyed);
        parts.addAll(keyed);
        out.append(String.join(", ", parts)).append('}');
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (char c : s.toCharArray()) {
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
    }
}
