package dev.comet.lua;

import java.util.Arrays;

import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * The byte format of an encoded state, shared by {@link StateEncoder} and {@link StateDecoder}: its tags, which
 * values can be keys, and the order keys are written in. No state.
 *
 * <h2>Format, version 1</h2>
 * <pre>
 * state  = 0x01 body                                  version byte, then the fields of aso
 * body   = count:uvarint, count × (key value)         keys strictly increasing in key order
 * key    = FALSE | TRUE | INT | FLOAT | STRING
 * value  = key | TABLE
 * FALSE  = 0x01
 * TRUE   = 0x02
 * INT    = 0x03 uvarint(zigzag(n))                    n a 32-bit integer: (n &lt;&lt; 1) ^ (n &gt;&gt; 31)
 * FLOAT  = 0x04 8 bytes                               Double.doubleToLongBits, big-endian; never a 32-bit integer
 * STRING = 0x05 length:uvarint, length bytes
 * TABLE  = 0x06 body
 * uvarint: 7 bits a byte, low group first, high bit set on all but the last byte; minimal (no trailing zero group),
 *          at most 5 bytes; lengths and counts at most 2^31-1.
 * key order: by tag (false &lt; true &lt; integers &lt; floats &lt; strings), then integers and floats numerically,
 *          strings by unsigned bytes (a prefix before its extensions).
 * </pre>
 * {@link StateCodec#VERSION} is the version byte.
 */
final class StateFormat {
    static final int FALSE = 0x01;
    static final int TRUE = 0x02;
    static final int INT = 0x03;
    static final int FLOAT = 0x04;
    static final int STRING = 0x05;
    static final int TABLE = 0x06;

    private StateFormat() {
    }

    /** The tag a key encodes with, or -1 if the value cannot be a key. */
    static int keyTag(LuaValue k) {
        if (k instanceof LuaString) {
            return STRING; // most keys: a class test instead of a call through type()
        }
        switch (k.type()) {
            case LuaValue.TBOOLEAN:
                return k.toboolean() ? TRUE : FALSE;
            case LuaValue.TNUMBER:
                if (isInt(k)) {
                    return INT;
                }
                return Double.isNaN(k.todouble()) ? -1 : FLOAT;
            case LuaValue.TSTRING:
                return k instanceof LuaString ? STRING : -1;
            default:
                return -1;
        }
    }

    /** An integral value in the 32-bit range: what LuaJ represents as a {@link LuaInteger}. */
    static boolean isInt(LuaValue number) {
        if (number.isinttype()) {
            return true;
        }
        double d = number.todouble();
        return d == (int) d;
    }

    /** The total order of keys; both must have a key tag. */
    static int compareKeys(LuaValue a, LuaValue b) {
        int ta = keyTag(a);
        int tb = keyTag(b);
        if (ta != tb) {
            return Integer.compare(ta, tb);
        }
        switch (ta) {
            case INT:
                return Integer.compare(a.toint(), b.toint());
            case FLOAT:
                return Double.compare(a.todouble(), b.todouble());
            case STRING: {
                LuaString sa = (LuaString) a;
                LuaString sb = (LuaString) b;
                return Arrays.compareUnsigned(sa.m_bytes, sa.m_offset, sa.m_offset + sa.m_length,
                        sb.m_bytes, sb.m_offset, sb.m_offset + sb.m_length);
            }
            default:
                return 0;
        }
    }
}
