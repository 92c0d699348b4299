package dev.comet.lua;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.TableEntries;

/**
 * The shape of an object's last saved state, when it was flat (no nested table): its keys in the order its table
 * holds them, where each one goes in key order, and their encodings. Most handlers change values, not keys, so the
 * next save can check that the table still holds exactly these keys, in this order, and write the values in the
 * order found here: no collecting, sorting or key encoding ({@link StateEncoder#encode(org.luaj.vm2.LuaTable, int,
 * StateLayout)}). The check compares every key the walk meets, so no change to the table can go unseen: a layout that
 * no longer fits is simply not used. Owned by one object ({@code AsoInstance.stateLayout}); its scratch array of
 * values is used by the sandbox thread saving that object's state.
 */
final class StateLayout {
    /** Flat states with more fields than this are written the full way (a layout holds a reference per key). */
    static final int MAX_FIELDS = 256;

    /** The non-function keys, in the order {@link TableEntries} visits them. */
    private final LuaValue[] walkKeys;
    /** For the key visited i-th, its position in key order. */
    private final int[] sortedSlot;
    /** The keys' encodings in key order, back to back: the j-th is {@code keyBytes[keyStart[j] .. keyStart[j+1])}. */
    private final byte[] keyBytes;
    private final int[] keyStart;
    /** Whether a key is longer than {@link StateTables#LONG_KEY_BYTES}. */
    private final boolean longKeys;
    /** The values found by the last {@link #collect}, in key order; cleared once written. */
    private final LuaValue[] values;

    // the running walk's progress, in fields so the visitor is made once
    private int matched;
    /** Told of the functions the running walk meets. */
    private MethodsMet methods;
    private final TableEntries.Test fits = this::fits;

    private StateLayout(LuaValue[] walkKeys, int[] sortedSlot, byte[] keyBytes, int[] keyStart, boolean longKeys) {
        this.walkKeys = walkKeys;
        this.sortedSlot = sortedSlot;
        this.keyBytes = keyBytes;
        this.keyStart = keyStart;
        this.longKeys = longKeys;
        this.values = new LuaValue[walkKeys.length];
    }

    /**
     * The layout of a flat state just written: its {@code n} keys in key order with each one's place in the walk,
     * and where each key's encoding is in {@code written}. Null when it has more than {@link #MAX_FIELDS} fields.
     */
    static StateLayout of(LuaValue[] sortedKeys, int[] walkOrder, int n, byte[] written, int[] keyFrom, int[] keyTo,
                          boolean longKeys) {
        if (n > MAX_FIELDS) {
            return null;
        }
        LuaValue[] walkKeys = new LuaValue[n];
        int[] sortedSlot = new int[n];
        int[] keyStart = new int[n + 1];
        int length = 0;
        for (int j = 0; j < n; j++) {
            walkKeys[walkOrder[j]] = sortedKeys[j];
            sortedSlot[walkOrder[j]] = j;
            keyStart[j] = length;
            length += keyTo[j] - keyFrom[j];
        }
        keyStart[n] = length;
        byte[] keyBytes = new byte[length];
        for (int j = 0; j < n; j++) {
            System.arraycopy(written, keyFrom[j], keyBytes, keyStart[j], keyTo[j] - keyFrom[j]);
        }
        return new StateLayout(walkKeys, sortedSlot, keyBytes, keyStart, longKeys);
    }

    /** Fields of the state. */
    int count() {
        return walkKeys.length;
    }

    boolean longKeys() {
        return longKeys;
    }

    /**
     * Walks {@code aso} and keeps its values in key order if its non-function keys are exactly this layout's, met in
     * the same order, and every value is a boolean, number or string; otherwise returns false, with nothing kept.
     * Tells {@code methods} of each function it meets.
     */
    boolean collect(org.luaj.vm2.LuaTable aso, MethodsMet methods) {
        matched = 0;
        this.methods = methods;
        try {
            if (TableEntries.all(aso, fits) && matched == walkKeys.length) {
                return true;
            }
        } finally {
            this.methods = null;
        }
        clear();
        return false;
    }

    private boolean fits(LuaValue key, LuaValue value) {
        int type = value.type();
        if (type == LuaValue.TFUNCTION) {
            methods.met(key, value); // the object's methods are not state
            return true;
        }
        int i = matched;
        if (i == walkKeys.length || !key.raweq(walkKeys[i])) {
            return false;
        }
        if (type != LuaValue.TNUMBER && type != LuaValue.TBOOLEAN
                && !(type == LuaValue.TSTRING && value instanceof LuaString)) {
            return false; // a table, or something that cannot be stored: the full encoding says what
        }
        values[sortedSlot[i]] = value;
        matched = i + 1;
        return true;
    }

    /** The value of the field at {@code slot} in key order, found by the last {@link #collect}. */
    LuaValue value(int slot) {
        return values[slot];
    }

    /** Copies the encoding of the key at {@code slot} in key order to {@code into} at {@code at}; returns its length. */
    int copyKey(int slot, byte[] into, int at) {
        int length = keyStart[slot + 1] - keyStart[slot];
        System.arraycopy(keyBytes, keyStart[slot], into, at, length);
        return length;
    }

    int keyLength(int slot) {
        return keyStart[slot + 1] - keyStart[slot];
    }

    /** Lets go of the values collected: the object's state may change before its next save. */
    void clear() {
        for (int i = 0; i < values.length; i++) {
            values[i] = null;
        }
    }
}
