package dev.comet.lua;

import dev.comet.bencode.Bencode;
import dev.comet.krpc.Dict;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoded bencode reaches Lua with its bytes, numbers and nesting intact, and cut at the depth asked. */
class BencodeLuaTest {
    @Test
    void aDecodedAnswerKeepsItsKeysBytesNumbersAndLists() {
        byte[] raw = {'d', '4', ':', 'l', 'i', 's', 't', 'l', '2', ':', 'a', (byte) 0xe9, 'i', '-', '3', 'e', 'e',
                '1', ':', (byte) 0xff, 'i', '7', 'e', 'e'};
        LuaValue lua = BencodeLua.toLua(Bencode.decode(raw), 16);

        LuaTable t = (LuaTable) lua;
        // the key is the one byte 0xff, not the UTF-8 encoding of U+00FF
        assertThat(t.rawget(LuaString.valueOf(new byte[] {(byte) 0xff})).tolong()).isEqualTo(7);
        LuaTable list = (LuaTable) t.rawget("list");
        assertThat(list.length()).isEqualTo(2);
        LuaString first = (LuaString) list.rawget(1);
        assertThat(first.rawlen()).isEqualTo(2);
        assertThat(first.luaByte(0)).isEqualTo('a');
        assertThat(first.luaByte(1)).isEqualTo(0xe9);
        assertThat(list.rawget(2).tolong()).isEqualTo(-3);
    }

    @Test
    void anAnswerNestedDeeperThanAskedIsCutToNil() {
        Object deep = List.of(List.of(List.of(5L)));

        LuaTable kept = (LuaTable) BencodeLua.toLua(deep, 3);
        LuaTable cut = (LuaTable) BencodeLua.toLua(deep, 2);

        assertThat(kept.rawget(1).get(1).get(1).tolong()).isEqualTo(5);
        assertThat(cut.rawget(1).get(1).get(1).isnil()).isTrue();
        assertThat(BencodeLua.toLua(null, 4).isnil()).isTrue();
    }

    @Test
    void aDictAndJavaStringsConvertLikeTheirMaps() {
        LuaValue lua = BencodeLua.toLua(new Dict(Map.of("v", "héllo".getBytes(StandardCharsets.UTF_8), "s", "text")), 4);

        assertThat(lua.get("v").tojstring()).isEqualTo("héllo");
        assertThat(lua.get("s").tojstring()).isEqualTo("text");
    }

    @Test
    void aDictKeyOutsideAsciiIsItsOwnByte() {
        // the decoder's keys are ISO-8859-1 strings: "\u00e9" is the one byte 0xe9 on the wire
        LuaTable t = (LuaTable) BencodeLua.toLua(new Dict(Map.of("caf\u00e9", 1L)), 4);

        assertThat(t.rawget(LuaString.valueOf(new byte[] {'c', 'a', 'f', (byte) 0xe9})).tolong()).isEqualTo(1);
        assertThat(t.rawget(LuaValue.valueOf("café")).isnil()).isTrue();
    }
}
