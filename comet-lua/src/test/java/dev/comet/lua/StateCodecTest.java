package dev.comet.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaDouble;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

import dev.comet.ErrorCode;
import dev.comet.lua.StateException.Reason;

class StateCodecTest {
    private static final int BIG = 1 << 20;
    private static final int DEPTH = 8;

    /** Runs a chunk with {@code aso} (and {@code self}) in scope and returns {@code aso}. */
    static LuaTable lua(String chunk) {
        return lua(new LuaTable(), chunk);
    }

    /** Runs a chunk over an existing {@code aso}. */
    static LuaTable lua(LuaTable aso, String chunk) {
        Globals g = JsePlatform.standardGlobals();
        g.set("aso", aso);
        g.set("self", aso);
        g.load(chunk, "test").call();
        return aso;
    }

    private static byte[] enc(LuaTable aso) {
        return StateCodec.encode(aso, BIG, DEPTH);
    }

    private static LuaTable roundTrip(LuaTable aso) {
        byte[] bytes = enc(aso);
        LuaTable back = StateCodec.decode(bytes, DEPTH);
        assertThat(enc(back)).as("re-encoding the decoded state").isEqualTo(bytes);
        return back;
    }

    private static LuaString bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return LuaString.valueUsing(b);
    }

    private static StateException refusal(LuaTable aso, int maxBytes, int maxDepth) {
        try {
            StateCodec.encode(aso, maxBytes, maxDepth);
        } catch (StateException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
            return e;
        }
        throw new AssertionError("state was accepted");
    }

    private static StateException refusal(LuaTable aso) {
        return refusal(aso, BIG, DEPTH);
    }

    private static StateException malformed(int... input) {
        byte[] b = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            b[i] = (byte) input[i];
        }
        try {
            StateCodec.decode(b, DEPTH);
        } catch (StateException e) {
            return e;
        }
        throw new AssertionError("malformed state was accepted: " + Arrays.toString(input));
    }

    // ------------------------------------------------------------------------------------------- format

    @Test
    void emptyStateIsTheVersionAndACountOfZero() {
        assertThat(enc(new LuaTable())).containsExactly(1, 0);
        assertThat(StateCodec.decode(new byte[] {1, 0}, 1).keyCount()).isZero();
    }

    @Test
    void formatIsPinned() {
        LuaTable aso = new LuaTable();
        aso.set("a", 1);
        aso.set("b", LuaValue.valueOf(-1.5));
        aso.set(LuaValue.TRUE, LuaValue.FALSE);
        aso.set(300, LuaValue.valueOf("x"));
        LuaTable t = new LuaTable();
        t.set(1, LuaValue.TRUE);
        aso.set("t", t);
        assertThat(enc(aso)).containsExactly(
                1, 5,
                2, 1, // true = false
                3, 0xd8, 0x04, 5, 1, 'x', // 300 (zigzag 600) = "x"
                5, 1, 'a', 3, 2, // "a" = 1 (zigzag 2)
                5, 1, 'b', 4, 0xbf, 0xf8, 0, 0, 0, 0, 0, 0, // "b" = -1.5
                5, 1, 't', 6, 1, 3, 2, 2); // "t" = {[1] = true}
    }

    @Test
    void keysAreOrderedByTypeThenValue() {
        LuaTable aso = new LuaTable();
        aso.set(LuaValue.valueOf("b"), LuaValue.valueOf(7));
        aso.set(LuaValue.valueOf("ab"), LuaValue.valueOf(6));
        aso.set(LuaValue.valueOf("a"), LuaValue.valueOf(5));
        aso.set(bytes(0xff), LuaValue.valueOf(8));
        aso.set(LuaValue.valueOf(2.5), LuaValue.valueOf(4));
        aso.set(LuaValue.valueOf(-1e10), LuaValue.valueOf(3));
        aso.set(LuaValue.valueOf(2), LuaValue.valueOf(2));
        aso.set(LuaValue.valueOf(-7), LuaValue.valueOf(1));
        aso.set(LuaValue.TRUE, LuaValue.valueOf(0));
        aso.set(LuaValue.FALSE, LuaValue.valueOf(-1));
        byte[] b = enc(aso);
        LuaTable back = StateCodec.decode(b, DEPTH);
        assertThat(back.get(LuaValue.FALSE).toint()).isEqualTo(-1);
        assertThat(back.keys()).hasSize(10);
        // the exact order: false, true, -7, 2, -1e10, 2.5, "a", "ab", "b", "\xff"
        int p = 2;
        LuaValue[] expected = {LuaValue.FALSE, LuaValue.TRUE, LuaValue.valueOf(-7), LuaValue.valueOf(2),
                LuaValue.valueOf(-1e10), LuaValue.valueOf(2.5), LuaValue.valueOf("a"), LuaValue.valueOf("ab"),
                LuaValue.valueOf("b"), bytes(0xff)};
        for (LuaValue key : expected) {
            LuaTable one = new LuaTable();
            one.set(key, LuaValue.valueOf(0));
            byte[] k = Arrays.copyOfRange(enc(one), 2, enc(one).length - 2);
            assertThat(Arrays.copyOfRange(b, p, p + k.length)).as("key %s", key).isEqualTo(k);
            p += k.length + 2; // every value here is a one-byte zigzag INT
        }
        assertThat(p).isEqualTo(b.length);
    }

    // ------------------------------------------------------------------------------------------- round trips

    @Test
    void everyValueKindRoundTrips() {
        LuaTable aso = lua("""
                aso.s = "Hello world!"
                aso.empty = ""
                aso.i = 42
                aso.neg = -42
                aso.f = 0.1
                aso.t = true
                aso.fl = false
                aso.list = {1, "two", 3.5, false, {nested = {deeper = "yes"}}}
                aso.map = {[1.5] = "a", [true] = "b", [false] = "c", [-3] = "d", x = {}}
                """);
        LuaTable back = roundTrip(aso);
        assertThat(back.get("s").tojstring()).isEqualTo("Hello world!");
        assertThat(back.get("empty").tojstring()).isEmpty();
        assertThat(back.get("i")).isInstanceOf(LuaInteger.class).extracting(LuaValue::toint).isEqualTo(42);
        assertThat(back.get("neg").toint()).isEqualTo(-42);
        assertThat(back.get("f").todouble()).isEqualTo(0.1);
        assertThat(back.get("t")).isEqualTo(LuaValue.TRUE);
        assertThat(back.get("fl")).isEqualTo(LuaValue.FALSE);
        LuaTable list = back.get("list").checktable();
        assertThat(list.length()).isEqualTo(5);
        assertThat(list.get(2).tojstring()).isEqualTo("two");
        assertThat(list.get(3).todouble()).isEqualTo(3.5);
        assertThat(list.get(4)).isEqualTo(LuaValue.FALSE);
        assertThat(list.get(5).get("nested").get("deeper").tojstring()).isEqualTo("yes");
        LuaTable map = back.get("map").checktable();
        assertThat(map.get(LuaValue.valueOf(1.5)).tojstring()).isEqualTo("a");
        assertThat(map.get(LuaValue.TRUE).tojstring()).isEqualTo("b");
        assertThat(map.get(LuaValue.FALSE).tojstring()).isEqualTo("c");
        assertThat(map.get(-3).tojstring()).isEqualTo("d");
        assertThat(map.get("x").checktable().keyCount()).isZero();
    }

    @Test
    void stringsAndKeysAreBinarySafeOverAll256ByteValues() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        LuaTable aso = new LuaTable();
        aso.set("all", LuaString.valueUsing(all.clone()));
        aso.set(LuaString.valueUsing(all.clone()), LuaValue.valueOf("all as a key"));
        LuaTable singles = new LuaTable();
        for (int i = 0; i < 256; i++) {
            singles.set(bytes(i), bytes(255 - i, i, 0));
        }
        aso.set("singles", singles);
        LuaTable back = roundTrip(aso);
        LuaString s = back.get("all").checkstring();
        assertThat(Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + s.m_length)).isEqualTo(all);
        assertThat(back.get(LuaString.valueUsing(all.clone())).tojstring()).isEqualTo("all as a key");
        LuaTable backSingles = back.get("singles").checktable();
        assertThat(backSingles.keyCount()).isEqualTo(256);
        for (int i = 0; i < 256; i++) {
            assertThat(backSingles.get(bytes(i)).raweq(bytes(255 - i, i, 0))).as("byte %d", i).isTrue();
        }
    }

    @Test
    void integersAndFloatsKeepTheirRepresentation() {
        double[] floats = {1.5, -0.25, 0.1, 2147483648.0, -2147483649.0, 1L << 40, 9007199254740993.0, 1e300,
                -1e-300, Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        int[] ints = {0, 1, -1, 63, 64, -64, -65, 1 << 20, Integer.MAX_VALUE, Integer.MIN_VALUE};
        LuaTable aso = new LuaTable();
        for (int i = 0; i < floats.length; i++) {
            aso.set("f" + i, LuaValue.valueOf(floats[i]));
            aso.set(LuaValue.valueOf(floats[i]), LuaValue.valueOf(i));
        }
        for (int i = 0; i < ints.length; i++) {
            aso.set("i" + i, LuaValue.valueOf(ints[i]));
            aso.set(LuaValue.valueOf(ints[i]), LuaValue.valueOf("k" + i));
        }
        LuaTable back = roundTrip(aso);
        for (int i = 0; i < floats.length; i++) {
            LuaValue v = back.get("f" + i);
            assertThat(v).as("float %s", floats[i]).isInstanceOf(LuaDouble.class);
            assertThat(Double.doubleToRawLongBits(v.todouble())).isEqualTo(Double.doubleToRawLongBits(floats[i]));
            assertThat(back.get(LuaValue.valueOf(floats[i])).toint()).isEqualTo(i);
        }
        for (int i = 0; i < ints.length; i++) {
            LuaValue v = back.get("i" + i);
            assertThat(v).as("int %d", ints[i]).isInstanceOf(LuaInteger.class);
            assertThat(v.toint()).isEqualTo(ints[i]);
            assertThat(back.get(LuaValue.valueOf(ints[i])).tojstring()).isEqualTo("k" + i);
        }
    }

    @Test
    void integralFloatsInTheIntRangeAreFoldedByLuajAndEncodeAsIntegers() {
        // LuaJ 3.0.1 has no separate float 1.0: LuaDouble.valueOf(1.0) is the LuaInteger 1, and -0.0 is 0
        LuaTable one = new LuaTable();
        one.set("n", LuaValue.valueOf(1));
        LuaTable oneDotZero = lua("aso.n = 1.0");
        assertThat(oneDotZero.get("n")).isInstanceOf(LuaInteger.class);
        assertThat(enc(oneDotZero)).isEqualTo(enc(one));
        LuaTable negZero = lua("aso.n = -0.0");
        LuaTable zero = lua("aso.n = 0");
        assertThat(enc(negZero)).isEqualTo(enc(zero));
        // 1.5 and 2^31 are floats: one tag byte and 8 bytes of IEEE 754
        byte[] f = enc(lua("aso.n = 1.5"));
        assertThat(f[5]).isEqualTo((byte) StateFormat.FLOAT);
        assertThat(f).hasSize(14);
        byte[] big = enc(lua("aso.n = 2^31"));
        assertThat(big[5]).isEqualTo((byte) StateFormat.FLOAT);
        byte[] max = enc(lua("aso.n = 2^31 - 1"));
        assertThat(max[5]).isEqualTo((byte) StateFormat.INT);
        assertThat(max).hasSize(11);
    }

    @Test
    void bigIntegralNumbersAreLuaDoublesAndRoundTripExactly() {
        LuaTable aso = lua("""
                aso.ms = 1712345678901
                aso.max = 2^53
                aso.neg = -(2^53)
                aso.sum = aso.ms + 1
                """);
        LuaTable back = roundTrip(aso);
        assertThat(back.get("ms")).isInstanceOf(LuaDouble.class);
        assertThat(back.get("ms").todouble()).isEqualTo(1712345678901.0);
        assertThat(back.get("sum").todouble()).isEqualTo(1712345678902.0);
        assertThat(back.get("max").todouble()).isEqualTo(9007199254740992.0);
        assertThat(back.get("neg").todouble()).isEqualTo(-9007199254740992.0);
        assertThat(back.get("ms").tojstring()).isEqualTo(aso.get("ms").tojstring());
    }

    @Test
    void nanAndInfinitiesRoundTripAsValues() {
        LuaTable aso = lua("aso.nan = 0/0; aso.inf = 1/0; aso.ninf = -1/0");
        LuaTable back = roundTrip(aso);
        assertThat(back.get("nan").todouble()).isNaN();
        assertThat(back.get("inf").todouble()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(back.get("ninf").todouble()).isEqualTo(Double.NEGATIVE_INFINITY);
        // any NaN payload encodes as the one canonical NaN
        LuaTable odd = new LuaTable();
        odd.set("nan", LuaValue.valueOf(Double.longBitsToDouble(0xfff8000000000123L)));
        assertThat(enc(odd)).isEqualTo(enc(lua("aso.nan = 0/0")));
    }

    @Test
    void deeplyNestedTablesWithinTheLimitRoundTrip() {
        LuaTable aso = new LuaTable();
        LuaTable t = aso;
        for (int level = 2; level <= 100; level++) {
            LuaTable child = new LuaTable();
            t.set("c", child);
            t = child;
        }
        t.set("leaf", LuaValue.valueOf("here"));
        byte[] bytes = StateCodec.encode(aso, BIG, 100);
        LuaTable back = StateCodec.decode(bytes, 100);
        LuaValue v = back;
        for (int level = 2; level <= 100; level++) {
            v = v.get("c");
        }
        assertThat(v.get("leaf").tojstring()).isEqualTo("here");
        assertThat(refusal(aso, BIG, 99).reason()).isEqualTo(Reason.DEPTH);
        assertThatThrownBy(() -> StateCodec.decode(bytes, 99)).isInstanceOf(StateException.class)
                .hasMessageContaining("nests tables too deeply");
    }

    // ------------------------------------------------------------------------------------------- canonical

    @Test
    void arrayPartAndHashPartGiveTheSameBytes() {
        byte[] constructor = enc(lua("aso.t = {10, 20, 30, 40}"));
        byte[] backwards = enc(lua("aso.t = {}; aso.t[4] = 40; aso.t[3] = 30; aso.t[2] = 20; aso.t[1] = 10"));
        byte[] keyed = enc(lua("aso.t = {[3] = 30, [1] = 10, [4] = 40, [2] = 20}"));
        byte[] churned = enc(lua("""
                aso.t = {}
                for i = 1, 100 do aso.t["junk" .. i] = i end
                for i = 1, 4 do aso.t[i] = i * 10 end
                for i = 1, 100 do aso.t["junk" .. i] = nil end
                """));
        LuaTable java = new LuaTable(0, 16);
        LuaTable t = new LuaTable(0, 16);
        for (int i = 4; i >= 1; i--) {
            t.rawset(LuaValue.valueOf(i), LuaValue.valueOf(i * 10));
        }
        java.rawset("t", t);
        assertThat(backwards).isEqualTo(constructor);
        assertThat(keyed).isEqualTo(constructor);
        assertThat(churned).isEqualTo(constructor);
        assertThat(enc(java)).isEqualTo(constructor);
    }

    // ------------------------------------------------------------------------------------------- functions

    @Test
    void topLevelFunctionsAreMethodsAndAreSkipped() {
        LuaTable seed = lua("""
                aso.value = "Hello world!"
                aso.getCount = 0
                function onGet()
                  self.getCount = self.getCount + 1
                  return {self.value, self.getCount}
                end
                function aso:onTimer() return 1 end
                aso.helper = print
                aso[7] = function() end
                """);
        LuaTable plain = lua("""
                aso.getCount = 0
                aso.value = "Hello world!"
                """);
        assertThat(enc(seed)).isEqualTo(enc(plain));
        assertThat(StateCodec.decode(enc(seed), DEPTH).keyCount()).isEqualTo(2);
    }

    @Test
    void nestedFunctionIsRefusedWithItsPath() {
        StateException e = refusal(lua("aso.a = {b = {1, 2, function() end}}"));
        assertThat(e.reason()).isEqualTo(Reason.FUNCTION);
        assertThat(e.path()).isEqualTo("a.b[3]");
        assertThat(e).hasMessage("state field 'a.b[3]' is a function: functions cannot be stored");
    }

    @Test
    void pathsNameOddKeysReadably() {
        assertThat(refusal(lua("aso[\"two words\"] = {[true] = {[1.5] = {f = print}}}")).path())
                .isEqualTo("[\"two words\"][true][1.5].f");
        assertThat(refusal(lua("aso[\"\\0\\255\\\"\"] = {print}")).path()).isEqualTo("[\"\\x00\\xff\\x22\"][1]");
        assertThat(refusal(lua("aso[-3] = {x = print}")).path()).isEqualTo("[-3].x");
        assertThat(refusal(lua("aso[string.rep('k', 100)] = {print}")).path())
                .isEqualTo("[\"" + "k".repeat(40) + "...\"][1]");
    }

    @Test
    void userdataAndThreadsAreRefused() {
        LuaTable aso = new LuaTable();
        aso.set("u", LuaValue.userdataOf(new Object()));
        StateException e = refusal(aso);
        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_VALUE);
        assertThat(e).hasMessageContaining("state field 'u' is a userdata");

        Globals g = JsePlatform.standardGlobals();
        LuaTable withThread = new LuaTable();
        LuaTable inner = new LuaTable();
        inner.set("co", new LuaThread(g, g.get("print")));
        withThread.set("x", inner);
        StateException t = refusal(withThread);
        assertThat(t.reason()).isEqualTo(Reason.UNSUPPORTED_VALUE);
        assertThat(t).hasMessageContaining("state field 'x.co' is a thread");
    }

    @Test
    void badKeysAreRefused() {
        StateException table = refusal(lua("aso.m = {[{}] = 1}"));
        assertThat(table.reason()).isEqualTo(Reason.UNSUPPORTED_KEY);
        assertThat(table).hasMessage("state field 'm' has a key of type table: keys must be strings, numbers or booleans");
        StateException fn = refusal(lua("aso[print] = 1"));
        assertThat(fn).hasMessage("state has a key of type function: keys must be strings, numbers or booleans");
        // a function under a function key is a method like any other
        assertThat(enc(lua("aso[print] = print"))).containsExactly(1, 0);
    }

    // ------------------------------------------------------------------------------------------- shape errors

    @Test
    void cyclesAndSharedTablesAreRefused() {
        StateException self = refusal(lua("aso.me = aso"));
        assertThat(self.reason()).isEqualTo(Reason.SHARED_TABLE);
        assertThat(self).hasMessageContaining("state field 'me'").hasMessageContaining("cycles and shared tables cannot be stored");
        StateException cycle = refusal(lua("aso.a = {}; aso.a.b = {}; aso.a.b.back = aso.a"));
        assertThat(cycle.path()).isEqualTo("a.b.back");
        StateException shared = refusal(lua("local t = {1}; aso.x = t; aso.y = t"));
        assertThat(shared.reason()).isEqualTo(Reason.SHARED_TABLE);
        assertThat(shared.path()).isEqualTo("y");
        // equal but distinct tables are fine
        assertThat(enc(lua("aso.x = {1}; aso.y = {1}"))).isNotEmpty();
    }

    @Test
    void nestedMetatablesAreRefusedButTheObjectsOwnIsIgnored() {
        StateException e = refusal(lua("aso.t = setmetatable({}, {__index = function() return 1 end})"));
        assertThat(e.reason()).isEqualTo(Reason.METATABLE);
        assertThat(e).hasMessage("state field 't' is a table with a metatable: metatables cannot be stored");
        LuaTable own = lua("aso.v = 1; setmetatable(aso, {__index = {hidden = 2}})");
        assertThat(enc(own)).isEqualTo(enc(lua("aso.v = 1")));
    }

    @Test
    void depthIsBounded() {
        LuaTable aso = lua("aso.a = {b = {c = {}}}");
        assertThat(StateCodec.decode(StateCodec.encode(aso, BIG, 4), 4).get("a").get("b").get("c").istable()).isTrue();
        StateException e = refusal(aso, BIG, 3);
        assertThat(e.reason()).isEqualTo(Reason.DEPTH);
        assertThat(e.path()).isEqualTo("a.b.c");
        assertThat(refusal(lua("aso.a = {}"), BIG, 1).path()).isEqualTo("a");
        assertThat(StateCodec.encode(lua("aso.a = 1"), BIG, 1)).hasSize(7);
    }

    @Test
    void sizeIsBoundedExactly() {
        LuaTable aso = lua("aso.s = string.rep('x', 100)");
        int exact = enc(aso).length;
        assertThat(StateCodec.encode(aso, exact, DEPTH)).hasSize(exact);
        StateException e = refusal(aso, exact - 1, DEPTH);
        assertThat(e.reason()).isEqualTo(Reason.SIZE);
        assertThat(e).hasMessage("state is larger than " + (exact - 1) + " bytes (at field 's')");
        assertThat(refusal(new LuaTable(), 1, DEPTH).reason()).isEqualTo(Reason.SIZE);
    }

    @Test
    void aHugeTableIsRefusedEarly() {
        int maxBytes = 16 << 10;
        LuaTable aso = new LuaTable();
        LuaTable huge = new LuaTable();
        for (int i = 1; i <= 1_000_000; i++) {
            huge.rawset(i, LuaValue.valueOf(i));
        }
        aso.set("huge", huge);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        StateException e = refusal(aso, maxBytes, DEPTH);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(e.reason()).isEqualTo(Reason.SIZE);
        assertThat(e.path()).isEqualTo("huge");
        // every entry takes at least two bytes: the encoder stops once the entries it saw cannot fit, without
        // walking the other million (each visit of a key past 1,023 makes a 16-byte number: the whole walk would
        // allocate 16 MB, collecting the 8,192 entries that could fit about a quarter of one)
        assertThat(allocated).as("bytes allocated refusing the table").isLessThan(2L << 20);
    }

    // ------------------------------------------------------------------------------------------- decodeInto

    @Test
    void decodeIntoLaysStateOverTheMethods() {
        LuaTable saved = lua("""
                aso.value = "changed"
                aso.getCount = 41
                aso.extra = {1, 2}
                function aso:bump() self.getCount = self.getCount + 1 end
                """);
        byte[] state = enc(saved);
        // the chunk runs again on load: methods and initial values, then the state goes over them
        LuaTable loaded = lua("""
                aso.value = "Hello world!"
                aso.getCount = 0
                aso.onlyInitial = true
                aso.shadowed = function() end
                function aso:bump() self.getCount = self.getCount + 1 end
                """);
        LuaValue bump = loaded.get("bump");
        StateCodec.decodeInto(state, loaded, DEPTH);
        assertThat(loaded.get("bump")).isSameAs(bump);
        assertThat(loaded.get("shadowed").isfunction()).isTrue();
        assertThat(loaded.get("value").tojstring()).isEqualTo("changed");
        assertThat(loaded.get("getCount").toint()).isEqualTo(41);
        assertThat(loaded.get("extra").get(2).toint()).isEqualTo(2);
        assertThat(loaded.get("onlyInitial").isnil()).as("a field the saved state did not have").isTrue();
        assertThat(enc(loaded)).isEqualTo(state);
        bump.call(loaded);
        assertThat(loaded.get("getCount").toint()).isEqualTo(42);
    }

    @Test
    void stateWinsOverAMethodOfTheSameName() {
        byte[] state = enc(lua("aso.f = 5"));
        LuaTable loaded = lua("function aso.f() end");
        StateCodec.decodeInto(state, loaded, DEPTH);
        assertThat(loaded.get("f").toint()).isEqualTo(5);
    }

    @Test
    void decodeIntoCopesWithLuajDeadSlots() {
        // LuaJ 3.0.1 keeps a dead slot for a removed hash key; a rehash that moves every live key to the array part
        // then writes the dead slot into an empty hash and throws ArrayIndexOutOfBoundsException
        byte[] list = enc(lua("aso[1] = 'a'; aso[2] = 'b'; aso[3] = 'c'"));
        LuaTable cleared = lua("aso.x = 1; aso.x = nil");
        StateCodec.decodeInto(list, cleared, DEPTH);
        assertThat(enc(cleared)).isEqualTo(list);
        LuaTable replaced = lua("aso.name = 'old'");
        StateCodec.decodeInto(list, replaced, DEPTH);
        assertThat(enc(replaced)).isEqualTo(list);
        LuaTable mixed = lua("aso.junk0 = 0; aso.junk0 = nil; aso.y = 2");
        StateCodec.decodeInto(enc(lua("aso[1] = 1; aso[2] = 2; aso[3] = 3; aso[4] = 4; aso[5] = 5")), mixed, DEPTH);
        assertThat(mixed.get(5).toint()).isEqualTo(5);
        assertThat(mixed.get("y").isnil()).isTrue();
        // and aso is left without dead slots: handler code that fills the array part afterwards does not crash
        LuaTable emptied = lua("aso.a = 1; aso.b = 2");
        StateCodec.decodeInto(enc(new LuaTable()), emptied, DEPTH);
        lua(emptied, "for i = 1, 10 do aso[i] = i end");
        assertThat(emptied.length()).isEqualTo(10);
    }

    @Test
    void decodeIntoKeepsStringsThatLookLikeNumbers() {
        // LuaJ 3.0.1 turns t.x = "4" into a number when t.x already holds a number; decodeInto must not
        byte[] state = enc(lua("aso.x = '4'; aso.y = ' 0x10 '"));
        LuaTable loaded = lua("aso.x = 1; aso.y = 2.5");
        StateCodec.decodeInto(state, loaded, DEPTH);
        assertThat(loaded.get("x").type()).isEqualTo(LuaValue.TSTRING);
        assertThat(loaded.get("y").tojstring()).isEqualTo(" 0x10 ");
        assertThat(enc(loaded)).isEqualTo(state);
    }

    @Test
    void decodeIntoKeepsTheObjectsMetatable() {
        LuaTable aso = lua("aso.v = 1; setmetatable(aso, {__index = {hidden = 2}})");
        LuaValue mt = aso.getmetatable();
        StateCodec.decodeInto(enc(lua("aso.v = 3")), aso, DEPTH);
        assertThat(aso.getmetatable()).isSameAs(mt);
        assertThat(aso.get("hidden").toint()).isEqualTo(2);
        assertThat(aso.get("v").toint()).isEqualTo(3);
    }

    @Test
    void decodeIntoLeavesTheObjectAloneOnMalformedState() {
        LuaTable aso = lua("aso.v = 1; function aso.m() end");
        byte[] state = enc(lua("aso.v = 2; aso.w = {x = 3}"));
        byte[] broken = Arrays.copyOf(state, state.length - 1);
        assertThatThrownBy(() -> StateCodec.decodeInto(broken, aso, DEPTH)).isInstanceOf(StateException.class);
        assertThat(aso.get("v").toint()).isEqualTo(1);
        assertThat(aso.get("w").isnil()).isTrue();
        assertThat(aso.get("m").isfunction()).isTrue();
    }

    // ------------------------------------------------------------------------------------------- malformed input

    @Test
    void malformedInputsAreRefusedWithStateException() {
        assertThat(malformed()).hasMessageContaining("empty");
        assertThat(malformed(2, 0)).hasMessageContaining("unknown version 2");
        assertThat(malformed(1)).hasMessageContaining("truncated");
        assertThat(malformed(1, 0, 0)).hasMessageContaining("1 bytes after the end");
        assertThat(malformed(1, 1, 7, 1)).hasMessageContaining("unknown tag 7");
        assertThat(malformed(1, 1, 6, 0, 1)).hasMessageContaining("a table as a key");
        assertThat(malformed(1, 2, 2, 1, 1, 1)).hasMessageContaining("out of order");
        assertThat(malformed(1, 2, 1, 1, 1, 1)).hasMessageContaining("out of order or repeated");
        assertThat(malformed(1, 0x80, 0)).hasMessageContaining("not minimal");
        assertThat(malformed(1, 1, 3, 0x80, 0x80, 0x80, 0x80, 0x10, 1)).hasMessageContaining("varint too large");
        assertThat(malformed(1, 0xff, 0xff, 0xff, 0xff, 0x07)).hasMessageContaining("exceeds");
        assertThat(malformed(1, 1, 5, 0x7f, 'a', 1)).hasMessageContaining("exceeds");
        assertThat(malformed(1, 1, 4, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 1)).hasMessageContaining("32-bit integer encoded as a float");
        assertThat(malformed(1, 1, 4, 0x80, 0, 0, 0, 0, 0, 0, 0, 1)).hasMessageContaining("32-bit integer");
        assertThat(malformed(1, 1, 1, 4, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1)).hasMessageContaining("a NaN other than the canonical one");
        assertThat(malformed(1, 1, 4, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, 1)).hasMessageContaining("NaN as a key");
        assertThat(malformed(1, 1, 5, 1, 'a', 6, 1, 5, 1, 'b', 9)).hasMessageContaining("unknown tag 9")
                .hasMessageContaining("field 'a.b'");
        StateException deep = malformed(1, 1, 1, 6, 1, 1, 6, 1, 1, 6, 1, 1, 6, 1, 1, 6, 1, 1, 6, 1, 1, 6, 1, 1, 6, 1, 1, 1);
        assertThat(deep.reason()).isEqualTo(Reason.DEPTH);
        // the canonical NaN is a fine value
        LuaTable nan = StateCodec.decode(new byte[] {1, 1, 1, 4, 0x7f, (byte) 0xf8, 0, 0, 0, 0, 0, 0}, DEPTH);
        assertThat(nan.get(LuaValue.FALSE).todouble()).isNaN();
    }
}
