package dev.comet.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.ZeroArgFunction;


/**
 * A save through the object's last {@link StateLayout} writes exactly what the full encoding writes, and fails exactly
 * as it fails, whatever happened to the table since: the layout is a shortcut, never a second format.
 */
class StateLayoutTest {
    private static final int DEPTH = Sandbox.MAX_STATE_DEPTH;

    private static final LuaValue METHOD = new ZeroArgFunction() {
        @Override
        public LuaValue call() {
            return NIL;
        }
    };

    /**
     * One table changed step by step as handlers change {@code aso} (values replaced, keys added and removed, methods,
     * nested tables, unstorable values, long keys, list entries), saved after each step through the carried layout
     * and by a fresh encoder with none; the two must agree byte for byte or with the same error.
     */
    @Test
    void aSaveThroughTheLayoutWritesWhatTheFullEncodingWrites() {
        long fastSaves = 0;
        for (long seed = 1; seed <= 400; seed++) {
            fastSaves += savesAgree(seed);
        }
        // most steps change a value only: the shortcut must have been taken, or this test compared nothing
        assertThat(fastSaves).as("saves through a kept layout, of 24,000").isGreaterThan(5_000);
    }

    /** One table's 60 steps from {@code seed}; returns how many saves went through a kept layout. */
    private static int savesAgree(long seed) {
        Random r = new Random(seed);
        LuaTable aso = new LuaTable();
        List<LuaValue> keys = new ArrayList<>();
        for (int i = 0, n = r.nextInt(10); i < n; i++) {
            LuaValue k = key(r);
            keys.add(k);
            aso.rawset(k, scalar(r));
        }
        StateEncoder carried = new StateEncoder(DEPTH);
        StateLayout layout = null;
        int fastSaves = 0;
        boolean longKeys = false;
        for (int step = 0; step < 60; step++) {
            mutate(r, aso, keys);
            int maxBytes = r.nextInt(8) == 0 ? 1 + r.nextInt(40) : 1 << 16;
            byte[] expected;
            StateException expectedError = null;
            try {
                expected = new StateEncoder(DEPTH).encode(aso, maxBytes);
            } catch (StateException e) {
                expected = null;
                expectedError = e;
            }
            StateLayout before = layout;
            try {
                byte[] got = carried.encode(aso, maxBytes, layout);
                assertThat(expectedError).as("seed %d step %d: the full encoding failed, the layout's did not", seed,
                        step).isNull();
                assertThat(got).as("seed %d step %d", seed, step).isEqualTo(expected);
                assertThat(carried.sawLongKeys()).as("seed %d step %d: long keys", seed, step)
                        .isEqualTo(hasLongKey(aso));
                layout = carried.takeLayout();
                if (before != null && layout == before) {
                    fastSaves++;
                }
            } catch (StateException e) {
                assertThat(expectedError).as("seed %d step %d: only the layout's save failed: %s", seed, step,
                        e.getMessage()).isNotNull();
                assertThat(e.getMessage()).as("seed %d step %d", seed, step).isEqualTo(expectedError.getMessage());
                assertThat(e.reason()).isEqualTo(expectedError.reason());
            }
            // as the runner does after every invocation (LuaJ's dead slots of removed long keys)
            longKeys |= hasLongKey(aso);
            if (longKeys) {
                StateTables.rebuild(aso);
            }
        }
        return fastSaves;
    }

    @Test
    void aStateWhoseKeysStayTheSameKeepsItsLayout() {
        LuaTable aso = new LuaTable();
        aso.rawset("value", LuaValue.valueOf("Hello world!"));
        aso.rawset("getCount", LuaValue.valueOf(0));
        aso.rawset("onGet", METHOD);
        StateEncoder encoder = new StateEncoder(DEPTH);
        encoder.encode(aso, 1024, null);
        StateLayout first = encoder.takeLayout();
        assertThat(first).isNotNull();
        for (int i = 1; i <= 3; i++) {
            aso.rawset("getCount", LuaValue.valueOf(i));
            byte[] bytes = encoder.encode(aso, 1024, first);
            assertThat(encoder.takeLayout()).isSameAs(first);
            assertThat(StateCodec.decode(bytes, DEPTH).get("getCount").toint()).isEqualTo(i);
        }
        aso.rawset("added", LuaValue.TRUE);
        encoder.encode(aso, 1024, first);
        StateLayout second = encoder.takeLayout();
        assertThat(second).as("a key was added").isNotSameAs(first).isNotNull();
        aso.rawset("added", LuaValue.NIL);
        byte[] bytes = encoder.encode(aso, 1024, second);
        assertThat(encoder.takeLayout()).as("a key was removed").isNotSameAs(second);
        assertThat(StateCodec.decode(bytes, DEPTH).get("added").isnil()).isTrue();
    }

    @Test
    void aNestedStateHasNoLayout() {
        LuaTable aso = new LuaTable();
        aso.rawset("inner", new LuaTable());
        StateEncoder encoder = new StateEncoder(DEPTH);
        encoder.encode(aso, 1024, null);
        assertThat(encoder.takeLayout()).isNull();
    }

    @Test
    void aValueGrownPastTheLimitFailsNamingItsField() {
        LuaTable aso = new LuaTable();
        aso.rawset("text", LuaValue.valueOf("short"));
        StateEncoder encoder = new StateEncoder(DEPTH);
        encoder.encode(aso, 64, null);
        StateLayout layout = encoder.takeLayout();
        aso.rawset("text", LuaValue.valueOf("x".repeat(100)));
        assertThatThrownBy(() -> encoder.encode(aso, 64, layout)).isInstanceOf(StateException.class)
                .hasMessage("state is larger than 64 bytes (at field 'text')");
    }

    private static void mutate(Random r, LuaTable aso, List<LuaValue> keys) {
        int what = r.nextInt(20);
        if (keys.isEmpty() || what < 2) {
            LuaValue k = key(r);
            keys.add(k);
            aso.rawset(k, scalar(r));
        } else if (what < 3) {
            aso.rawset(keys.remove(r.nextInt(keys.size())), LuaValue.NIL);
        } else if (what < 4) {
            aso.rawset(keys.get(r.nextInt(keys.size())), METHOD);
        } else if (what < 5) {
            LuaTable inner = new LuaTable();
            inner.rawset(1, scalar(r));
            aso.rawset(keys.get(r.nextInt(keys.size())), inner);
        } else if (what < 6) {
            aso.rawset(keys.get(r.nextInt(keys.size())), LuaValue.userdataOf(new Object()));
        } else {
            // a key already there, by another object equal to it (a handler's constant, not the table's key)
            LuaValue k = keys.get(r.nextInt(keys.size()));
            LuaValue same = k.isstring() && !k.isnumber() ? LuaValue.valueOf(k.tojstring()) : k;
            aso.rawset(same, scalar(r));
        }
    }

    private static LuaValue key(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> LuaValue.valueOf(1 + r.nextInt(6)); // the array part
            case 1 -> LuaValue.valueOf(r.nextInt(1000) - 500);
            case 2 -> LuaValue.valueOf(r.nextInt(1000) + 0.5);
            case 3 -> LuaValue.valueOf(r.nextBoolean());
            case 4 -> LuaValue.valueOf("long key " + "k".repeat(StateTables.LONG_KEY_BYTES) + r.nextInt(50));
            default -> LuaValue.valueOf("f" + r.nextInt(40));
        };
    }

    private static LuaValue scalar(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> LuaValue.valueOf(r.nextInt());
            case 1 -> LuaValue.valueOf(r.nextDouble() * 1e12);
            case 2 -> LuaValue.valueOf(r.nextBoolean());
            default -> LuaValue.valueOf("v".repeat(r.nextInt(12)));
        };
    }

    private static boolean hasLongKey(LuaTable aso) {
        boolean[] found = {false};
        LuaValues.forEachPair(aso, (k, v) -> {
            if (v.type() != LuaValue.TFUNCTION && k.isstring() && !k.isnumber()
                    && k.checkstring().m_length > StateTables.LONG_KEY_BYTES) {
                found[0] = true;
            }
        });
        return found[0];
    }
}
