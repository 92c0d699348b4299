package dev.comet.lua;

import dev.comet.bencode.Bencode;
import dev.comet.krpc.Dict;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.List;
import java.util.Map;

/**
 * Decoded bencode as Lua values, the one conversion for everything that hands a decoded answer to Lua (a handler's
 * own {@code comet.get} answers, a scenario's results): strings as Lua strings, integers, lists as array tables,
 * dictionaries as tables keyed by their keys' bytes.
 */
public final class BencodeLua {
    private BencodeLua() {
    }

    /**
     * {@code value} as Lua; values nested deeper than {@code maxDepth} lists or dictionaries are nil. Dictionary keys
     * are the decoder's ISO-8859-1 strings (one char per byte), so the Lua key holds the key's own bytes.
     */
    public static LuaValue toLua(Object value, int maxDepth) {
        return toLua(value, 0, maxDepth);
    }

    private static LuaValue toLua(Object value, int depth, int maxDepth) {
        if (value == null || depth > maxDepth) {
            return LuaValue.NIL;
        }
        if (value instanceof byte[] b) {
            return LuaString.valueOf(b);
        }
        if (value instanceof Number n) {
            return LuaValue.valueOf(n.longValue());
        }
        if (value instanceof String s) {
            return LuaValue.valueOf(s);
        }
        if (value instanceof Dict d) {
            return toLua(d.map(), depth, maxDepth);
        }
        if (value instanceof List<?> list) {
            LuaTable t = new LuaTable(list.size(), 0);
            int i = 1;
            for (Object item : list) {
                t.set(i++, toLua(item, depth + 1, maxDepth));
            }
            return t;
        }
        if (value instanceof Map<?, ?> map) {
            LuaTable t = new LuaTable(0, map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                t.set(key(e.getKey()), toLua(e.getValue(), depth + 1, maxDepth));
            }
            return t;
        }
        return LuaValue.valueOf(value.toString());
    }

    private static LuaValue key(Object key) {
        return LuaString.valueOf(key instanceof byte[] b ? b : Bencode.keyBytes(key.toString()));
    }
}
