package dev.comet.lua;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.TableEntries;

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
    private final int asoFunctionCount;

    // The checks after every invocation walk tables with these, which keep what they find in fields: made once, so
    // that a check allocates nothing unless something changed
    /** Entries the running check visited. */
    private long visited;
    /** The copy the running table check compares with. */
    private LuaTable against;
    /** Keys of the functions a handler put on aso, found by the running check (null while none is). */
    private List<LuaValue> added;
    private final TableEntries.Test sameAsCopy;
    private final TableEntries.Visitor noteAdded;
    private final TableEntries.Visitor putBack;

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
        this.asoFunctionCount = asoFunctions.keyCount();
        this.sameAsCopy = (k, v) -> {
            visited++;
            return against.rawget(k) == v;
        };
        this.noteAdded = (k, v) -> {
            visited++;
            if (v.isfunction() && asoFunctions.rawget(k) != v) {
                if (added == null) {
                    added = new ArrayList<>();
                }
                added.add(k);
            }
        };
        this.putBack = (k, v) -> {
            visited++;
            if (aso.rawget(k) != v) {
                aso.rawset(k, v);
            }
        };
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
            TableEntries.forEach(state.remove(state.size() - 1), (k, v) -> {
                if (v instanceof LuaTable t && seen.put(t, true) == null) {
                    state.add(t);
                }
            });
        }
        TableEntries.forEach(globals, (k, v) -> queue.add(v));
        TableEntries.forEach(aso, (k, v) -> {
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
            } else if (HandlerCompiler.forEachCaptured(v, array -> {
                // closures that capture one variable share its array: one cell for it, as for an UpValue
                if (seen.put(array, true) == null) {
                    cells.add(new UpValue(array, 0));
                    queue.add(array[0]);
                }
            }, queue::add)) {
                continue;
            } else if (v instanceof LuaTable t && !ReadOnlyTables.isLocked(t)) {
                tables.add(t);
                TableEntries.forEach(t, (k, x) -> {
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
     * The captured variables it checks after each invocation: one a step. A compiled chunk has fewer than the same
     * chunk interpreted (LuaJC keeps a variable never assigned after capture as a plain value, nothing to check).
     */
    int cellCount() {
        return cells.length;
    }

    /**
     * Puts back what the last invocation changed; returns the steps it took (one per value compared or restored),
     * for the invocation's meter. {@code saved} holds what the save of the object's state after the invocation met on
     * {@code aso}, or is null when there was no such save (the invocation failed): when the functions it met are
     * exactly the ones loaded, aso is not walked again (the steps counted are the same).
     */
    long restore(MethodsMet saved) {
        long steps = cells.length;
        for (int i = 0; i < cells.length; i++) {
            if (cells[i].getValue() != cellValues[i]) {
                cells[i].setValue(cellValues[i]);
            }
        }
        for (int i = 0; i < tables.length; i++) {
            steps += restore(tables[i], tableCopies[i], copySizes[i], metatables[i]);
        }
        if (saved != null && saved.exactly(asoFunctions, asoFunctionCount)) {
            // what restoreFunctions would have visited: every entry of aso, then every function it put back
            steps += saved.entries() + asoFunctionCount;
        } else {
            steps += restoreFunctions();
        }
        return steps;
    }

    /** The functions on aso: one a handler added (a closure can hold anything) is dropped, a replaced one put back. */
    private long restoreFunctions() {
        visited = 0;
        TableEntries.forEach(aso, noteAdded);
        if (added != null) {
            for (LuaValue key : added) {
                aso.rawset(key, LuaValue.NIL);
            }
            added = null;
        }
        TableEntries.forEach(asoFunctions, putBack);
        return visited;
    }

    private long restore(LuaTable t, LuaTable copy, long expected, LuaValue metatable) {
        if (t.getmetatable() != metatable) {
            t.setmetatable(metatable);
        }
        visited = 0;
        against = copy;
        boolean unchanged = TableEntries.all(t, sameAsCopy);
        against = null;
        if (unchanged && visited == expected) {
            return visited;
        }
        List<LuaValue> keys = new ArrayList<>();
        TableEntries.forEach(t, (key, v) -> keys.add(key));
        for (LuaValue key : keys) {
            if (copy.rawget(key).isnil()) {
                t.rawset(key, LuaValue.NIL);
            }
        }
        TableEntries.forEach(copy, t::rawset);
        return visited + keys.size() + 2 * expected;
    }

    private static LuaTable copy(LuaTable t) {
        LuaTable copy = new LuaTable();
        TableEntries.forEach(t, copy::rawset);
        return copy;
    }
}
