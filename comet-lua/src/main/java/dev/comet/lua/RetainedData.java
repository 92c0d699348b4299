package dev.comet.lua;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;

/**
 * What an object keeps outside {@code aso} (issue #10, item 3; docs/aso-api.md, "What an object keeps between
 * invocations"): the local variables of its chunk that its functions capture (upvalues), the tables reachable from
 * its globals and from those variables, and the functions on {@code aso}, exactly as the chunk left them when the
 * object loaded. After every invocation they are put back as they were, so an invocation's changes to them end
 * with it and nothing outside {@code aso} (which the state limit bounds) grows across invocations. Globals cannot
 * be assigned after the load at all (the sandbox locks the environment); the tables here can, but only for the
 * length of one invocation.
 *
 * <p>Owns the load-time snapshot of those values. Checking costs one comparison per captured variable, table entry
 * and function of {@code aso}; putting a changed table back costs one step per entry; both are recorded on the
 * invocation's meter.
 */
final class RetainedData {
    private final UpValue[] cells;
    private final LuaValue[] cellValues;
    private final LuaTable[] tables;
    private final LuaTable[] tableCopies;
    /** Entries of each copy, counted once: the copies never change. */
    private final long[] copySizes;
    private final LuaValue[] metatables;
    private final LuaTable aso;
    private final LuaTable asoFunctions;

    private RetainedData(UpValue[] cells, LuaValue[] cellValues, LuaTable[] tables, LuaTable[] tableCopies,
                         LuaValue[] metatables, LuaTable aso, LuaTable asoFunctions) {
        this.cells = cells;
        this.cellValues = cellValues;
        this.tables = tables;
        this.tableCopies = tableCopies;
        this.copySizes = new long[tableCopies.length];
        for (int i = 0; i < tableCopies.length; i++) {
            copySizes[i] = tableCopies[i].keyCount();
        }
        this.metatables = metatables;
        this.aso = aso;
        this.asoFunctions = asoFunctions;
    }

    /**
     * Takes the snapshot once the chunk has run: everything reachable from {@code globals} (the object's globals,
     * the environment itself excluded) and from the functions on {@code aso}, through tables, metatables and the
     * upvalues of Lua functions. Stops at {@code aso} (state), at {@code env} and at read-only tables (libraries).
     */
    static RetainedData capture(LuaTable env, LuaTable globals, LuaTable aso) {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        seen.put(env, true);
        seen.put(aso, true);
        seen.put(globals, true);
        List<UpValue> cells = new ArrayList<>();
        List<LuaTable> tables = new ArrayList<>();
        List<LuaValue> queue = new ArrayList<>();
        LuaTable asoFunctions = new LuaTable();
        // the state's own tables are aso's (measured, saved, restored on failure): never put back from here
        List<LuaTable> state = new ArrayList<>(List.of(aso));
        while (!state.isEmpty()) {
            forEach(state.remove(state.size() - 1), (k, v) -> {
                if (v instanceof LuaTable t && seen.put(t, true) == null) {
                    state.add(t);
                }
            });
        }
        forEach(globals, (k, v) -> queue.add(v));
        forEach(aso, (k, v) -> {
            if (v.isfunction()) {
                asoFunctions.rawset(k, v);
                queue.add(v);
            }
        });
        while (!queue.isEmpty()) {
            LuaValue v = queue.remove(queue.size() - 1);
            if (seen.put(v, true) != null) {
                continue;
            }
            if (v instanceof LuaClosure c) {
                for (UpValue cell : c.upValues) {
                    if (cell != null && seen.put(cell, true) == null) {
                        cells.add(cell);
                        queue.add(cell.getValue());
                    }
                }
            } else if (v instanceof LuaTable t && !ReadOnlyTables.isLocked(t)) {
                tables.add(t);
                forEach(t, (k, x) -> {
                    queue.add(k);
                    queue.add(x);
                });
                LuaValue meta = t.getmetatable();
                if (meta != null) {
                    queue.add(meta);
                }
            }
        }
        LuaValue[] cellValues = new LuaValue[cells.size()];
        for (int i = 0; i < cellValues.length; i++) {
            cellValues[i] = cells.get(i).getValue();
        }
        LuaTable[] copies = new LuaTable[tables.size()];
        LuaValue[] metatables = new LuaValue[tables.size()];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = copy(tables.get(i));
            metatables[i] = tables.get(i).getmetatable();
        }
        return new RetainedData(cells.toArray(new UpValue[0]), cellValues, tables.toArray(new LuaTable[0]), copies,
                metatables, aso, asoFunctions);
    }

    /**
     * Puts back what the last invocation changed; returns the steps it took (one per value compared or restored),
     * for the invocation's meter.
     */
    long restore() {
        long steps = cells.length;
        for (int i = 0; i < cells.length; i++) {
            if (cells[i].getValue() != cellValues[i]) {
                cells[i].setValue(cellValues[i]);
            }
        }
        for (int i = 0; i < tables.length; i++) {
            steps += restore(tables[i], tableCopies[i], copySizes[i], metatables[i]);
        }
        steps += restoreFunctions();
        return steps;
    }

    /** The functions on aso: one a handler added (a closure can hold anything) is dropped, a replaced one put back. */
    private long restoreFunctions() {
        // a plain loop, allocating nothing unless something changed: this runs after every invocation
        long steps = 0;
        List<LuaValue> added = null;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = aso.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            steps++;
            LuaValue v = n.arg(2);
            if (v.isfunction() && asoFunctions.rawget(k) != v) {
                if (added == null) {
                    added = new ArrayList<>();
                }
                added.add(k);
            }
        }
        if (added != null) {
            for (LuaValue key : added) {
                aso.rawset(key, LuaValue.NIL);
            }
        }
        k = LuaValue.NIL;
        while (true) {
            Varargs n = asoFunctions.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            steps++;
            if (aso.rawget(k) != n.arg(2)) {
                aso.rawset(k, n.arg(2));
            }
        }
        return steps;
    }

    private static long restore(LuaTable t, LuaTable copy, long expected, LuaValue metatable) {
        if (t.getmetatable() != metatable) {
            t.setmetatable(metatable);
        }
        // a plain loop that allocates nothing when the table is unchanged, the common case after every invocation
        long count = 0;
        boolean changed = false;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            count++;
            if (copy.rawget(k) != n.arg(2)) {
                changed = true;
                break;
            }
        }
        if (!changed && count == expected) {
            return count;
        }
        List<LuaValue> keys = new ArrayList<>();
        forEach(t, (key, v) -> keys.add(key));
        for (LuaValue key : keys) {
            if (copy.rawget(key).isnil()) {
                t.rawset(key, LuaValue.NIL);
            }
        }
        forEach(copy, t::rawset);
        return count + keys.size() + 2 * expected;
    }

    private static LuaTable copy(LuaTable t) {
        LuaTable copy = new LuaTable();
        forEach(t, copy::rawset);
        return copy;
    }

    private interface Pair {
        void accept(LuaValue key, LuaValue value);
    }

    /** Every raw pair of {@code t}, without metamethods. */
    private static void forEach(LuaTable t, Pair f) {
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                return;
            }
            f.accept(k, n.arg(2));
        }
    }
}
