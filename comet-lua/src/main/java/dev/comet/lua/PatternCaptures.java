package dev.comet.lua;

import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The captures of a {@link MeteredPattern}'s current match attempt: owns where each capture starts and its length
 * (or that it is still open, or a position capture), which the matcher opens, closes and undoes as it backtracks,
 * and reads them back as back-references, as Lua values, or straight into a gsub's output.
 */
final class PatternCaptures {
    static final int MAX_CAPTURES = 32;

    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;

    private final PatternSteps steps;
    private final LuaString subject;
    private final byte[] src;
    private final int srcOff;
    private final int srcLen;

    private int level;
    private final int[] capInit = new int[MAX_CAPTURES];
    private final int[] capLen = new int[MAX_CAPTURES];

    PatternCaptures(PatternSteps steps, LuaString subject) {
        this.steps = steps;
        this.subject = subject;
        this.src = subject.m_bytes;
        this.srcOff = subject.m_offset;
        this.srcLen = subject.m_length;
    }

    void reset() {
        level = 0;
    }

    /** Opens a capture at subject position s: a position capture {@code ()}, or one that a {@code )} closes. */
    void open(int s, boolean position) {
        if (level >= MAX_CAPTURES) {
            throw MeteredLibraries.luaError("too many captures");
        }
        capInit[level] = s;
        capLen[level] = position ? CAP_POSITION : CAP_UNFINISHED;
        level++;
    }

    void undoOpen() {
        level--;
    }

    /** Closes the innermost open capture at subject position s; returns its index. */
    int close(int s) {
        int l = captureToClose();
        capLen[l] = s - capInit[l];
        return l;
    }

    void undoClose(int l) {
        capLen[l] = CAP_UNFINISHED;
    }

    private int captureToClose() {
        for (int l = level - 1; l >= 0; l--) {
            if (capLen[l] == CAP_UNFINISHED) {
                return l;
            }
        }
        throw MeteredLibraries.luaError("invalid pattern capture");
    }

    /** Matches the back-reference {@code %digit} at subject position s; the position after it, or -1. */
    int matchBack(int s, int digit) {
        int l = digit - '1';
        if (l < 0 || l >= level || capLen[l] == CAP_UNFINISHED) {
            throw MeteredLibraries.luaError("invalid capture index %" + (l + 1));
        }
        int len = capLen[l];
        if (len < 0 || srcLen - s < len) {
            return -1;
        }
        steps.steps(len);
        int a = srcOff + capInit[l];
        int b = srcOff + s;
        for (int i = 0; i < len; i++) {
            if (src[a + i] != src[b + i]) {
                return -1;
            }
        }
        return s + len;
    }

    /** Capture i of the match s..e (the whole match for i = 0 when there are no captures). */
    LuaValue value(int i, int s, int e) {
        if (i >= level) {
            if (i == 0) {
                return substring(s, e);
            }
            throw MeteredLibraries.luaError("invalid capture index");
        }
        int l = capLen[i];
        if (l == CAP_UNFINISHED) {
            throw MeteredLibraries.luaError("unfinished capture");
        }
        if (l == CAP_POSITION) {
            return LuaInteger.valueOf(capInit[i] + 1);
        }
        return substring(capInit[i], capInit[i] + l);
    }

    private LuaString substring(int from, int to) {
        int n = to - from;
        if (n > 32 && n < subject.m_length / 2) {
            MeteredBuffer.allocation(steps.meter(), n);  // LuaJ copies substrings shorter than half the string
        }
        return subject.substring(from, to);
    }

    /** All captures (or the whole match when there are none and {@code wholeIfNone}). */
    Varargs values(int s, int e, boolean wholeIfNone) {
        int n = level == 0 && wholeIfNone ? 1 : level;
        switch (n) {
            case 0:
                return LuaValue.NONE;
            case 1:
                return value(0, s, e);
            case 2:
                return LuaValue.varargsOf(value(0, s, e), value(1, s, e));
            default: {
                LuaValue[] values = new LuaValue[n];
                for (int i = 0; i < n; i++) {
                    values[i] = value(i, s, e);
                }
                return LuaValue.varargsOf(values);
            }
        }
    }

    /** Appends capture i of the match s..e to out without creating a substring. */
    void append(MeteredBuffer out, int i, int s, int e) {
        if (i >= level) {
            if (i == 0) {
                out.append(src, srcOff + s, e - s);
                return;
            }
            throw MeteredLibraries.luaError("invalid capture index");
        }
        int l = capLen[i];
        if (l == CAP_UNFINISHED) {
            throw MeteredLibraries.luaError("unfinished capture");
        }
        if (l == CAP_POSITION) {
            out.append(Integer.toString(capInit[i] + 1));
        } else {
            out.append(src, srcOff + capInit[i], l);
        }
    }
}
