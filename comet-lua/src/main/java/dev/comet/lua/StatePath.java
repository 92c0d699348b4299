package dev.comet.lua;

import java.util.List;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * How a state error names the field it is about: the keys from {@code aso} down to it, as a path people can read
 * ({@code a.b[3]["odd key"][true]}), long or odd string keys cut and escaped. No state.
 */
final class StatePath {
    private static final int MAX_KEY_CHARS_IN_PATH = 40;

    private StatePath() {
    }

    /** Renders keys as a path: {@code a.b[3]["odd key"][true]}. */
    static String path(List<LuaValue> keys) {
        StringBuilder sb = new StringBuilder();
        for (LuaValue k : keys) {
            appendKey(sb, k, sb.length() == 0);
        }
        return sb.toString();
    }

    private static void appendKey(StringBuilder sb, LuaValue k, boolean first) {
        if (k instanceof LuaString s && isIdentifier(s)) {
            if (!first) {
                sb.append('.');
            }
            sb.append(s.tojstring());
            return;
        }
        sb.append('[');
        if (k instanceof LuaString s) {
            sb.append('"');
            int n = Math.min(s.m_length, MAX_KEY_CHARS_IN_PATH);
            for (int i = 0; i < n; i++) {
                int c = s.m_bytes[s.m_offset + i] & 0xff;
                if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                    sb.append((char) c);
                } else {
                    sb.append(String.format("\\x%02x", c));
                }
            }
            if (n < s.m_length) {
                sb.append("...");
            }
            sb.append('"');
        } else {
            sb.append(k.tojstring());
        }
        sb.append(']');
    }

    private static boolean isIdentifier(LuaString s) {
        if (s.m_length == 0 || s.m_length > MAX_KEY_CHARS_IN_PATH) {
            return false;
        }
        for (int i = 0; i < s.m_length; i++) {
            int c = s.m_bytes[s.m_offset + i] & 0xff;
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    static String field(String path) {
        return path.isEmpty() ? "state" : "state field '" + path + "'";
    }
}
