package org.luaj.vm2;

/**
 * Visits a table's entries without {@link LuaTable#next}, which looks the previous key up again and allocates a pair
 * per entry: saving an object's state after every invocation walked its tables that way, a quarter of a seed
 * {@code onGet}'s cost. The order and the entries are {@code next}'s (the array part, then each hash bucket's chain,
 * skipping slots whose weak key or value was collected). Raw: metamethods are not called. It lives in LuaJ's package
 * because the table's parts are visible only there; it reads them and changes nothing. Stateless.
 */
public final class TableEntries {
    /** Tests one entry: a key and its value, neither nil. */
    @FunctionalInterface
    public interface Test {
        boolean holds(LuaValue key, LuaValue value);
    }

    /** Receives one entry: a key and its value, neither nil. A test that always holds, so a walk makes nothing. */
    @FunctionalInterface
    public interface Visitor extends Test {
        void visit(LuaValue key, LuaValue value);

        @Override
        default boolean holds(LuaValue key, LuaValue value) {
            visit(key, value);
            return true;
        }
    }

    private TableEntries() {
    }

    /**
     * Calls {@code visitor} for each entry of {@code t}. The visitor may change the values of keys already present;
     * it must not add or remove keys of {@code t} (as with {@code next}), or entries may be missed.
     */
    public static void forEach(LuaTable t, Visitor visitor) {
        all(t, visitor);
    }

    /**
     * Whether {@code test} holds for every entry of {@code t}, asking entry by entry and stopping at the first for
     * which it does not (the same rules as {@link #forEach}).
     */
    public static boolean all(LuaTable t, Test test) {
        LuaValue[] array = t.array;
        Metatable weak = t.m_metatable;
        for (int i = 0; i < array.length; i++) {
            LuaValue value = array[i];
            if (value != null && weak != null) {
                value = weak.arrayget(array, i);
            }
            if (value != null && !test.holds(LuaInteger.valueOf(i + 1), value)) {
                return false;
            }
        }
        LuaTable.Slot[] hash = t.hash;
        for (LuaTable.Slot bucket : hash) {
            for (LuaTable.Slot slot = bucket; slot != null; slot = slot.rest()) {
                LuaTable.StrongSlot entry = slot.first();
                if (entry != null && !test.holds(entry.key(), entry.value())) {
                    return false;
                }
            }
        }
        return true;
    }
}
