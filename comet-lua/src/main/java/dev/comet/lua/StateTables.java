package dev.comet.lua;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Rebuilds an object's state tables in place after an invocation, keeping each table's identity (a local of the chunk
 * may hold one) and its entries. Why: LuaJ 3.0.1 keeps a removed key longer than 32 bytes in its hash chain as a
 * "dead slot" that holds the key weakly, and once the collector has taken that key a later removal in the same chain
 * is lost: the key stays and the table miscounts. A node keeps an object loaded between invocations, so without this
 * a map of node ids saw removed entries come back, at moments the collector chose (StateTablesTest). Stateless.
 */
final class StateTables {
    /** LuaJ's "large key" bound: a removed string key longer than this leaves a dead slot. */
    static final int LONG_KEY_BYTES = 32;

    private StateTables() {
    }

    /** Rebuilds {@code aso} and every table reachable from it. */
    static void rebuild(LuaTable aso) {
        Set<LuaTable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<LuaTable> pending = new ArrayList<>(List.of(aso));
        while (!pending.isEmpty()) {
            LuaTable t = pending.remove(pending.size() - 1);
            if (!seen.add(t) || ReadOnlyTables.isLocked(t)) {
                continue;
            }
            rebuildOne(t, pending);
        }
    }

    private static void rebuildOne(LuaTable t, List<LuaTable> pending) {
        List<LuaValue> entries = new ArrayList<>();
        LuaValues.forEachPair(t, (k, v) -> {
            entries.add(k);
            entries.add(v);
            if (v instanceof LuaTable child) {
                pending.add(child);
            }
        });
        refill(t, entries);
    }

    /**
     * Empties {@code t} in place (no dead slot survives) and fills it with {@code entries}, keys and values
     * alternating, its sequence in the array part.
     */
    static void refill(LuaTable t, List<LuaValue> entries) {
        int sequence = Math.min(t.rawlen(), entries.size() / 2);
        t.presize(sequence, entries.size() / 2 - sequence);
        for (int i = 0; i < entries.size(); i += 2) {
            t.rawset(entries.get(i), entries.get(i + 1));
        }
    }
}
