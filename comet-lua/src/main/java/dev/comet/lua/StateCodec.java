package dev.comet.lua;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The canonical encoding of an active storage object's state (DESIGN.md §4): every field of {@code aso} whose value
 * is not a function. The same state always gives the same bytes, whatever the insertion order or the table's
 * internals (array part or hash part), so replicas can compare digests.
 *
 * <h2>What is state</h2>
 * Keys are strings, numbers or booleans; values are strings (any bytes), numbers, booleans or tables of the same.
 * Function fields of {@code aso} itself are its methods and are skipped; anywhere deeper a function is an error, as
 * are userdata, threads, keys of other types, a table reachable twice (a cycle or a table shared by two fields), a
 * nested table with a metatable (a metatable of {@code aso} itself belongs to the code and is ignored), tables
 * nested deeper than {@code maxDepth} ({@code aso} is depth 1, a table in one of its fields depth 2, ...) and an
 * encoding larger than {@code maxBytes} (checked while writing: encoding stops at the first byte too many).
 *
 * <h2>Numbers</h2>
 * LuaJ 3.0.1 (Lua 5.2) has one number type with two representations: {@code LuaDouble.valueOf} folds every value
 * that is an integer in the 32-bit range into a {@link LuaInteger}, and keeps everything else (fractions, integral
 * values beyond ±2^31 such as millisecond timestamps, ±inf, NaN) as a {@code LuaDouble}. The codec follows that
 * split: a 32-bit integral value is an INT, anything else a FLOAT with its exact IEEE 754 bits (NaN in its one
 * canonical form), so every number round-trips exactly and keeps its representation. As LuaJ folds them, 1 and 1.0
 * (and -0.0 and 0) are one value and encode alike.
 *
 * <h2>Format</h2>
 * Version 1 is described on {@link StateFormat}, with its tags and key order; {@link StateEncoder} writes it and
 * {@link StateDecoder} reads it. Decoding is strict: it accepts exactly the bytes {@link #encode} produces (so {@code encode(decode(b))} equals
 * {@code b} for every {@code b} it accepts), checks every length against the bytes that remain before allocating,
 * runs in a loop rather than recursion, and throws nothing but {@link StateException} on any input.
 */
public final class StateCodec {
    /** The version byte that starts every encoded state. */
    public static final int VERSION = 1;

    private StateCodec() {
    }

    /**
     * Encodes the state of {@code aso}: its non-function fields.
     *
     * @param maxBytes largest encoding allowed, version byte included
     * @param maxDepth deepest table nesting allowed; {@code aso} is depth 1, so 1 allows no nested tables
     * @throws StateException if the state cannot be stored (the message names the field)
     */
    public static byte[] encode(LuaTable aso, int maxBytes, int maxDepth) {
        Objects.requireNonNull(aso, "aso");
        checkLimits(maxBytes, maxDepth);
        return new StateEncoder(maxDepth).encode(aso, maxBytes);
    }

    /**
     * Encodes with {@code encoder} (reused from one state to the next), which then also tells whether the state had
     * long keys (see {@link StateTables}) and gives the layout for the object's next save; {@code last} is the layout
     * of its previous save, or null. The encoder checked its depth once, when it was made.
     */
    static byte[] encode(StateEncoder encoder, LuaTable aso, int maxBytes, StateLayout last) {
        checkLimits(maxBytes, 1);
        return encoder.encode(aso, maxBytes, last);
    }

    /**
     * Decodes an encoded state into a fresh table (no metatable, no functions).
     *
     * @throws StateException if {@code state} is not a canonical encoded state or nests deeper than {@code maxDepth}
     */
    public static LuaTable decode(byte[] state, int maxDepth) {
        Objects.requireNonNull(state, "state");
        checkLimits(1, maxDepth);
        return new StateDecoder(state, maxDepth).decode();
    }

    /**
     * Lays a decoded state over {@code aso}: afterwards the non-function fields of {@code aso} are exactly the
     * state's fields (fields absent from the state are removed), its function fields are untouched unless the
     * state itself holds a value under the same key (the state wins, as it was saved over the method). Uses raw
     * access; {@code aso} keeps its identity and metatable but its internals are rebuilt (see the body: this also
     * clears LuaJ's dead slots of removed keys). If {@code state} is malformed, {@code aso} is left exactly as it was.
     *
     * @throws StateException if {@code state} is not a canonical encoded state or nests deeper than {@code maxDepth}
     */
    public static void decodeInto(byte[] state, LuaTable aso, int maxDepth) {
        Objects.requireNonNull(aso, "aso");
        LuaTable decoded = decode(state, maxDepth);
        List<LuaValue> methods = new ArrayList<>();
        LuaValues.forEachPair(aso, (k, v) -> {
            if (v.type() == LuaValue.TFUNCTION && decoded.rawget(k).isnil()) {
                methods.add(k);
                methods.add(v);
            }
        });
        // Rebuild aso in place rather than removing and overwriting fields, because of two LuaJ 3.0.1 table bugs:
        // a removed hash key leaves a dead slot that a later rehash moving every live key into the array part
        // writes into an empty hash (ArrayIndexOutOfBoundsException, also from Lua code: t.x=1 t.x=nil t[1]=1
        // t[2]=2 t[3]=3), and overwriting a number field with a numeric string stores a number. presize(0, n)
        // empties the table (keeping its metatable) with fresh parts, so every field below is a plain insert.
        aso.presize(0, methods.size() / 2);
        for (int i = 0; i < methods.size(); i += 2) {
            aso.rawset(methods.get(i), methods.get(i + 1));
        }
        LuaValues.forEachPair(decoded, aso::rawset);
    }

    private static void checkLimits(int maxBytes, int maxDepth) {
        if (maxBytes <= 0 || maxDepth <= 0) {
            throw new IllegalArgumentException("maxBytes and maxDepth must be positive: " + maxBytes + ", " + maxDepth);
        }
    }
}
