package dev.comet.lua;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.TableEntries;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.jse.JsePlatform;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TableEntries} visits exactly the entries LuaJ's {@code next} gives, in the same order, whatever state the
 * table's parts are in: the state encoder, the retained-data checks and every other walk of an object's tables
 * rely on it (a different set would change what is saved; a different order, what a walk returns first).
 */
class TableEntriesTest {
    private final Globals lua = JsePlatform.standardGlobals();

    /** Each table is built by Lua code, so its parts are in the states a handler leaves them in. */
    private static final List<String> TABLES = List.of(
            "return {}",
            "return {1, 2, 3, nil, 5}",
            "return {a = 1, b = 'two', c = true, [1.5] = 3, [false] = 'f'}",
            "local t = {10, 20, 30, x = 1, y = 2} t[2] = nil t.x = nil return t",
            "local t = {} for i = 1, 100 do t[i] = i end for i = 1, 100, 3 do t[i] = nil end t.k = 'v' return t",
            "local t = {} for i = 1, 50 do t['key-' .. i] = i * 1.5 end for i = 1, 50, 2 do t['key-' .. i] = nil end "
                    + "return t",
            // removed keys longer than 32 bytes leave dead slots in their chains
            "local t = {} for i = 1, 40 do t[string.rep('k', 33) .. i] = i end "
                    + "for i = 1, 40, 3 do t[string.rep('k', 33) .. i] = nil end collectgarbage() return t",
            "local t = setmetatable({}, {__index = function() return 1 end, __pairs = error}) t.a = 1 t[1] = 2 return t",
            "local t = setmetatable({}, {__mode = 'v'}) local keep = {} t[1] = keep t.s = 'string' t.n = 4 "
                    + "t.gone = {} collectgarbage() _G.keep = keep return t");

    @Test
    void visitsWhatNextGivesInItsOrder() {
        for (String chunk : TABLES) {
            LuaTable t = (LuaTable) lua.load(chunk).call();
            List<LuaValue> walked = new ArrayList<>();
            TableEntries.forEach(t, (k, v) -> {
                walked.add(k);
                walked.add(v);
            });
            assertThat(walked).as(chunk).containsExactlyElementsOf(byNext(t));
        }
    }

    @Test
    void allStopsAtTheFirstEntryThatFailsItsTest() {
        LuaTable t = (LuaTable) lua.load("return {1, 2, 3, a = 4, b = 5}").call();
        List<LuaValue> asked = new ArrayList<>();
        boolean all = TableEntries.all(t, (k, v) -> {
            asked.add(v);
            return v.toint() != 2;
        });
        assertThat(all).isFalse();
        assertThat(asked).extracting(LuaValue::toint).containsExactly(1, 2);
        assertThat(TableEntries.all(t, (k, v) -> v.toint() < 6)).isTrue();
    }

    private static List<LuaValue> byNext(LuaTable t) {
        List<LuaValue> pairs = new ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                return pairs;
            }
            pairs.add(k);
            pairs.add(n.arg(2));
        }
    }
}
