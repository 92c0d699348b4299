package dev.comet.client;

import java.nio.charset.StandardCharsets;

/** Builds the Lua source of an object from its parts (code, value, timer), as the CLI and the clients store it. */
public final class ObjectSource {
    private ObjectSource() {
    }

    /**
     * The chunk for {@code spec}: its code, then {@code aso.value = "…"} and {@code aso.timerInterval = N} (the
     * field DESIGN.md §4 names for onTimer) so a given value or timer wins over one the code sets.
     */
    public static byte[] of(ObjectSpec spec) {
        return of(spec.code(), spec.value(), spec.timerSeconds());
    }

    /** As {@link #of(ObjectSpec)}, from its parts (each may be null). */
    public static byte[] of(String code, String value, Long timerSeconds) {
        StringBuilder source = new StringBuilder();
        if (code != null) {
            source.append(code).append('\n');
        }
        if (value != null) {
            source.append("aso.value = ").append(luaString(value)).append('\n');
        }
        if (timerSeconds != null) {
            source.append("aso.timerInterval = ").append(timerSeconds).append('\n');
        }
        return source.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code s} as a Lua string literal (UTF-8 kept, quotes, backslashes and control bytes escaped). */
    public static String luaString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append('\\').append(c);
            } else {
                out.append((char) c);
            }
        }
        return new String(out.append('"').toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
