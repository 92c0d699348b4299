package dev.comet.lua;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Jazzer target for the state codec: arbitrary bytes decode or fail with {@link StateException} only, within the
 * depth limit; what decodes is the canonical encoding of its state (encoding gives the input back), and laying it
 * over an object keeps the object's methods.
 */
class StateCodecFuzzer {
    private static final int MAX_DEPTH = 4;

    @FuzzTest(maxDuration = "5s")
    void decode(byte[] state) {
        LuaTable decoded;
        try {
            decoded = StateCodec.decode(state, MAX_DEPTH);
        } catch (StateException e) {
            return;
        }
        assertThat(StateCodec.encode(decoded, state.length, MAX_DEPTH)).as("only the canonical encoding decodes")
                .isEqualTo(state);
        LuaTable aso = new LuaTable();
        LuaValue method = new org.luaj.vm2.lib.ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return NIL;
            }
        };
        aso.rawset("onGet", method);
        StateCodec.decodeInto(state, aso, MAX_DEPTH);
        if (decoded.rawget("onGet").isnil()) {
            assertThat(aso.rawget("onGet")).as("a method the state does not overwrite stays").isSameAs(method);
        }
        assertThat(StateCodec.encode(aso, state.length, MAX_DEPTH)).isEqualTo(state);
    }
}
