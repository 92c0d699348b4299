package dev.comet.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.luaj.vm2.LuaDouble;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.ZeroArgFunction;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class StateCodecPropertiesTest {
    private static final int BIG = 1 << 20;
    private static final int DEPTH = 5;

    /** A state as plain data: keys are Lua scalars, values Lua scalars or nested models. */
    private static final class Model {
        final Map<LuaValue, Object> fields = new LinkedHashMap<>();
    }

    private static final LuaValue METHOD = new ZeroArgFunction() {
        @Override
        public LuaValue call() {
            return NIL;
        }
    };

    // ------------------------------------------------------------------------------------------- generation

    private static Model randomModel(Random r, int depth) {
        Model m = new Model();
        int n = r.nextInt(depth == 1 ? 12 : 6);
        if (r.nextInt(3) == 0) {
            // a list: consecutive integer keys, the array part's home
            int len = r.nextInt(8);
            for (int i = 1; i <= len; i++) {
                m.fields.put(LuaValue.valueOf(i), randomValue(r, depth));
            }
        }
        for (int i = 0; i < n; i++) {
            m.fields.put(randomKey(r), randomValue(r, depth));
        }
        return m;
    }

    private static Object randomValue(Random r, int depth) {
        if (depth < DEPTH && r.nextInt(5) == 0) {
            return randomModel(r, depth + 1);
        }
        return r.nextInt(6) == 0 ? randomNumber(r, false) : randomKey(r);
    }

    private static LuaValue randomKey(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return LuaValue.valueOf(r.nextBoolean());
            case 1:
            case 2:
                return randomNumber(r, true);
            default:
                return randomString(r);
        }
    }

    private static LuaValue randomNumber(Random r, boolean key) {
        switch (r.nextInt(8)) {
            case 0:
                return LuaValue.valueOf(r.nextInt(10) - 2);
            case 1:
                return LuaValue.valueOf(r.nextInt());
            case 2:
                return LuaValue.valueOf(r.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE);
            case 3:
                return LuaValue.valueOf((r.nextDouble() - 0.5) * 1e6);
            case 4:
                return LuaValue.valueOf((double) (r.nextLong() >> r.nextInt(40)));
            case 5: {
                double[] odd = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
                        -Double.MAX_VALUE, -0.0, 0.5, -2147483648.5};
                return LuaValue.valueOf(odd[r.nextInt(odd.length)]);
            }
            case 6:
                if (!key) {
                    return LuaValue.valueOf(Double.NaN);
                }
                return LuaValue.valueOf(1.25);
            default: {
                double d = Double.longBitsToDouble(r.nextLong());
                return LuaValue.valueOf(Double.isNaN(d) && key ? 3.75 : d);
            }
        }
    }

    private static LuaString randomString(Random r) {
        int len = r.nextInt(r.nextBoolean() ? 4 : 40);
        byte[] b = new byte[len];
        boolean small = r.nextBoolean();
        for (int i = 0; i < len; i++) {
            b[i] = small ? (byte) ("ab\0\u00ff".charAt(r.nextInt(4))) : (byte) r.nextInt(256);
        }
        return LuaString.valueUsing(b);
    }

    // ------------------------------------------------------------------------------------------- building

    /** The model as a table, entries set in the model's order into a default table. */
    private static LuaTable plain(Model m) {
        LuaTable t = new LuaTable();
        for (Map.Entry<LuaValue, Object> e : m.fields.entrySet()) {
            t.rawset(e.getKey(), e.getValue() instanceof Model sub ? plain(sub) : (LuaValue) e.getValue());
        }
        return t;
    }

    /** The same state built differently: shuffled, presized, with junk added and removed, array part first or not. */
    private static LuaTable scrambled(Model m, Random r, boolean top) {
        List<Map.Entry<LuaValue, Object>> entries = new ArrayList<>(m.fields.entrySet());
        Collections.shuffle(entries, r);
        LuaTable t;
        int style = r.nextInt(3);
        if (style == 0) {
            t = new LuaTable(r.nextInt(16), r.nextInt(16));
        } else if (style == 1) {
            // a list constructor for whatever 1..n prefix the model has, then the rest
            List<LuaValue> list = new ArrayList<>();
            for (int i = 1; m.fields.containsKey(LuaValue.valueOf(i)); i++) {
                list.add(build(m.fields.get(LuaValue.valueOf(i)), r));
            }
            t = LuaValue.listOf(list.toArray(new LuaValue[0]));
            entries.removeIf(e -> e.getKey() instanceof LuaInteger i && i.toint() >= 1 && i.toint() <= list.size());
        } else {
            t = new LuaTable();
        }
        List<LuaValue> junk = new ArrayList<>();
        for (int i = 0, n = r.nextInt(20); i < n; i++) {
            LuaValue k = r.nextBoolean() ? LuaValue.valueOf("junk" + i) : LuaValue.valueOf(1000 + i);
            if (!m.fields.containsKey(k)) {
                t.rawset(k, LuaValue.valueOf(i));
                junk.add(k);
            }
        }
        for (Map.Entry<LuaValue, Object> e : entries) {
            t.rawset(e.getKey(), build(e.getValue(), r));
            if (top && r.nextInt(4) == 0) {
                LuaValue method = LuaValue.valueOf("method" + r.nextInt(1000));
                if (!m.fields.containsKey(method)) {
                    t.rawset(method, METHOD);
                }
            }
        }
        Collections.shuffle(junk, r);
        for (LuaValue k : junk) {
            t.rawset(k, LuaValue.NIL);
        }
        return t;
    }

    private static LuaValue build(Object v, Random r) {
        return v instanceof Model sub ? scrambled(sub, r, false) : (LuaValue) v;
    }

    // ------------------------------------------------------------------------------------------- comparison

    private static void assertMatches(LuaTable t, Model m) {
        assertThat(t.keyCount()).isEqualTo(m.fields.size());
        for (Map.Entry<LuaValue, Object> e : m.fields.entrySet()) {
            LuaValue got = t.rawget(e.getKey());
            if (e.getValue() instanceof Model sub) {
                assertThat(got).isInstanceOf(LuaTable.class);
                assertThat(got.getmetatable()).isNull();
                assertMatches((LuaTable) got, sub);
            } else {
                LuaValue want = (LuaValue) e.getValue();
                assertThat(got.getClass()).as("representation of %s", want).isEqualTo(want.getClass());
                if (want instanceof LuaDouble) {
                    assertThat(Double.doubleToLongBits(got.todouble())).isEqualTo(Double.doubleToLongBits(want.todouble()));
                } else {
                    assertThat(got.raweq(want)).as("%s", want).isTrue();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- properties

    @Property(tries = 500)
    void sameStateGivesSameBytesHoweverItWasBuilt(@ForAll long seed) {
        Random r = new Random(seed);
        Model m = randomModel(r, 1);
        byte[] expected = StateCodec.encode(plain(m), BIG, DEPTH);
        for (int i = 0; i < 3; i++) {
            assertThat(StateCodec.encode(scrambled(m, r, true), BIG, DEPTH)).as("seed %d", seed).isEqualTo(expected);
        }
    }

    @Property(tries = 500)
    void everyStateRoundTrips(@ForAll long seed) {
        Random r = new Random(seed);
        Model m = randomModel(r, 1);
        byte[] bytes = StateCodec.encode(scrambled(m, r, true), BIG, DEPTH);
        LuaTable back = StateCodec.decode(bytes, DEPTH);
        assertMatches(back, m);
        assertThat(StateCodec.encode(back, BIG, DEPTH)).isEqualTo(bytes);
        LuaTable target = scrambled(randomModel(r, 1), r, true);
        StateCodec.decodeInto(bytes, target, DEPTH);
        assertThat(StateCodec.encode(target, BIG, DEPTH)).isEqualTo(bytes);
    }

    @Property(tries = 2000)
    void randomBytesDecodeOnlyToStateExceptionOrACanonicalState(@ForAll @Size(max = 64) byte[] input,
                                                                @ForAll boolean versioned) {
        if (versioned && input.length > 0) {
            input[0] = StateCodec.VERSION;
        }
        checkDecodeContract(input);
    }

    @Property(tries = 2000)
    void mutatedStatesDecodeOnlyToStateExceptionOrACanonicalState(@ForAll long seed,
                                                                 @ForAll @IntRange(min = 1, max = 4) int mutations) {
        Random r = new Random(seed);
        byte[] b = StateCodec.encode(plain(randomModel(r, 1)), BIG, DEPTH);
        for (int i = 0; i < mutations; i++) {
            b = mutate(b, r);
        }
        checkDecodeContract(b);
    }

    private static byte[] mutate(byte[] b, Random r) {
        int at = b.length == 0 ? 0 : r.nextInt(b.length);
        switch (r.nextInt(5)) {
            case 0:
                if (b.length > 0) {
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            case 1:
                if (b.length > 0) {
                    b[at] = (byte) r.nextInt(256);
                }
                return b;
            case 2: {
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) r.nextInt(256);
                System.arraycopy(b, at, c, at + 1, b.length - at);
                return c;
            }
            case 3: {
                if (b.length == 0) {
                    return b;
                }
                byte[] c = new byte[b.length - 1];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                return c;
            }
            default:
                return java.util.Arrays.copyOf(b, at);
        }
    }

    private static void checkDecodeContract(byte[] input) {
        byte[] copy = input.clone();
        LuaTable decoded;
        try {
            decoded = StateCodec.decode(input, DEPTH);
        } catch (StateException e) {
            assertThat(e.reason()).isIn(StateException.Reason.MALFORMED, StateException.Reason.DEPTH);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(input).isEqualTo(copy);
        assertThat(StateCodec.encode(decoded, BIG, DEPTH)).as("an accepted state is canonical").isEqualTo(input);
    }
}
