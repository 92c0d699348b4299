package dev.comet.lua;

import java.util.Arrays;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The functions on an object's own table (its methods) that a save of its state met while walking it, and how many
 * entries that walk met in all: the check after an invocation ({@link RetainedData#restore}) uses them instead of
 * walking the table again. Owned by a sandbox's {@link StateEncoder}, one save at a time; forgotten once used, so
 * that it keeps nothing of an object.
 */
final class MethodsMet {
    private LuaValue[] keys = new LuaValue[8];
    private LuaValue[] values = new LuaValue[8];
    private int count;
    private int stateFields;

    /** Notes a function met under {@code key}. */
    void met(LuaValue key, LuaValue value) {
        int n = count;
        if (n == keys.length) {
            keys = Arrays.copyOf(keys, 2 * n);
            values = Arrays.copyOf(values, 2 * n);
        }
        keys[n] = key;
        values[n] = value;
        count = n + 1;
    }

    /** The save's walk is complete: it met {@code fields} fields of state beside the functions noted. */
    void walked(int fields) {
        stateFields = fields;
    }

    /**
     * Whether the walk met exactly the functions of {@code expected} ({@code expectedCount} of them), each under its
     * key: then the object's methods are as it loaded them, none added, replaced or removed.
     */
    boolean exactly(LuaTable expected, int expectedCount) {
        if (count != expectedCount) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (expected.rawget(keys[i]) != values[i]) {
                return false;
            }
        }
        return true;
    }

    /** Entries the walk met on the object's own table: its fields of state and its functions. */
    int entries() {
        return stateFields + count;
    }

    /** Lets go of the functions noted: the object may be dropped. */
    void forget() {
        for (int i = 0; i < count; i++) {
            keys[i] = null;
            values[i] = null;
        }
        count = 0;
        stateFields = 0;
    }
}
