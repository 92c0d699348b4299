package dev.comet.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;

/**
 * A Lua 5.2 pattern matcher (reference manual §6.4.1) that charges its work to a {@link Meter}: one step per matcher
 * step and per backtrack, plus the bytes it scans in character classes, balances and back-references. Owns one
 * subject, one pattern and the choice stack of the current search; the captures are its {@link PatternCaptures}, the
 * batched charging its {@link PatternSteps}, and the string functions built on it are {@link PatternFunctions}.
 *
 * <p>The matcher is a backtracking search like the reference one, but it keeps its choice points on an explicit,
 * bounded stack instead of the Java stack: a pattern can never overflow the thread's stack, and one that nests too
 * deeply fails with the Lua error "pattern too complex". The stack is as deep as the recursion of the reference
 * matcher would be (one frame per open capture, closed capture, {@code ?} taken, and {@code *}/{@code +}/{@code -}
 * item), so its bound does not change which patterns match; it is set above the reference matcher's 200 so that a
 * pathological pattern such as 1,000 times {@code a?} runs into the instruction limit rather than failing early.
 */
final class MeteredPattern {
    /** Largest number of pending choice points and capture frames, the reference matcher's recursion depth. */
    static final int MAX_DEPTH = 5_000;

    // Frame kinds on the choice stack (stride 4: kind, a, b, c).
    private static final int F_UNDO_OPEN = 0;   // undo a capture opened by '(' on failure
    private static final int F_UNDO_CLOSE = 1;  // a = capture index closed by ')'
    private static final int F_OPTIONAL = 2;    // a = subject position, b = pattern position to resume at
    private static final int F_GREEDY = 3;      // a = base position, b = ep (end of the single-char class), c = count
    private static final int F_LAZY = 4;        // a = subject position, b = p (class start), c = ep

    final PatternSteps steps;
    final PatternCaptures captures;

    private final byte[] src;
    private final int srcOff;
    final int srcLen;
    private final byte[] pat;
    /** First pattern byte to match (after a '^' anchor, when anchors apply). */
    final int patStart;
    private final int patEnd;
    final boolean anchor;

    private int[] frames = new int[4 * 16];
    private int depth;

    MeteredPattern(Meter meter, LuaString subject, LuaString pattern, boolean anchors) {
        this.steps = new PatternSteps(meter);
        this.captures = new PatternCaptures(steps, subject);
        this.src = subject.m_bytes;
        this.srcOff = subject.m_offset;
        this.srcLen = subject.m_length;
        this.pat = pattern.m_bytes;
        int start = pattern.m_offset;
        this.patEnd = start + pattern.m_length;
        this.anchor = anchors && pattern.m_length > 0 && pat[start] == '^';
        this.patStart = anchor ? start + 1 : start;
    }

    void useMeter(Meter m) {
        steps.useMeter(m);
    }

    void reset() {
        captures.reset();
        depth = 0;
    }

    /** The subject's byte at position s. */
    int at(int s) {
        return src[srcOff + s] & 0xFF;
    }

    /** Appends the subject's bytes from..to to out. */
    void appendSubject(MeteredBuffer out, int from, int to) {
        out.append(src, srcOff + from, to - from);
    }

    private static LuaError error(String message) {
        return MeteredLibraries.luaError(message);
    }

    /** Matches the pattern at subject position {@code start}; the end of the match, or -1. */
    int match(int start) {
        int s = start;
        int p = patStart;
        for (;;) {
            steps.step();
            if (p == patEnd) {
                return s;
            }
            fail:
            {
                switch (pat[p]) {
                    case '(':
                        if (p + 1 < patEnd && pat[p + 1] == ')') {
                            openCapture(s, true);
                            p += 2;
                        } else {
                            openCapture(s, false);
                            p += 1;
                        }
                        continue;
                    case ')': {
                        push(F_UNDO_CLOSE, captures.close(s), 0, 0);
                        p += 1;
                        continue;
                    }
                    case '$':
                        if (p + 1 == patEnd) {
                            if (s == srcLen) {
                                return s;
                            }
                            break fail;
                        }
                        break;
                    case '%':
                        if (p + 1 < patEnd) {
                            int d = pat[p + 1];
                            if (d == 'b') {
                                int r = matchBalance(s, p + 2);
                                if (r < 0) {
                                    break fail;
                                }
                                s = r;
                                p += 4;
                                continue;
                            }
                            if (d == 'f') {
                                p += 2;
                                if (p >= patEnd || pat[p] != '[') {
                                    throw error("missing '[' after '%f' in pattern");
                                }
                                int ep = classEnd(p);
                                int previous = s == 0 ? 0 : at(s - 1);
                                int current = s < srcLen ? at(s) : 0;
                                if (!matchBracketClass(previous, p, ep - 1) && matchBracketClass(current, p, ep - 1)) {
                                    p = ep;
                                    continue;
                                }
                                break fail;
                            }
                            if (d >= '0' && d <= '9') {
                                int r = captures.matchBack(s, d);
                                if (r < 0) {
                                    break fail;
                                }
                                s = r;
                                p += 2;
                                continue;
                            }
                        }
                        break;
                    default:
                        break;
                }
                // A single-character class, possibly followed by a repetition suffix.
                int ep = classEnd(p);
                boolean m = s < srcLen && singleMatch(at(s), p, ep);
                if (ep < patEnd) {
                    switch (pat[ep]) {
                        case '?':
                            if (m) {
                                push(F_OPTIONAL, s, ep + 1, 0);
                                s += 1;
                            }
                            p = ep + 1;
                            continue;
                        case '+':
                            if (!m) {
                                break fail;
                            }
                            s = greedy(s + 1, p, ep);
                            p = ep + 1;
                            continue;
                        case '*':
                            s = greedy(s, p, ep);
                            p = ep + 1;
                            continue;
                        case '-':
                            push(F_LAZY, s, p, ep);
                            p = ep + 1;
                            continue;
                        default:
                            break;
                    }
                }
                if (!m) {
                    break fail;
                }
                s += 1;
                p = ep;
                continue;
            }
            // The current path failed: resume at the most recent choice point, undoing captures on the way.
            long resume = backtrack();
            if (resume < 0) {
                return -1;
            }
            s = (int) (resume >>> 32);
            p = (int) resume;
        }
    }

    private long backtrack() {
        while (depth > 0) {
            int f = (depth - 1) * 4;
            switch (frames[f]) {
                case F_UNDO_OPEN:
                    captures.undoOpen();
                    depth--;
                    break;
                case F_UNDO_CLOSE:
                    captures.undoClose(frames[f + 1]);
                    depth--;
                    break;
                case F_OPTIONAL:
                    steps.step();
                    depth--;
                    return pack(frames[f + 1], frames[f + 2]);
                case F_GREEDY: {
                    steps.step();
                    int count = frames[f + 3] - 1;
                    if (count < 0) {
                        depth--;
                        break;
                    }
                    frames[f + 3] = count;
                    return pack(frames[f + 1] + count, frames[f + 2] + 1);
                }
                case F_LAZY: {
                    steps.step();
                    int s = frames[f + 1];
                    int p = frames[f + 2];
                    int ep = frames[f + 3];
                    if (s < srcLen && singleMatch(at(s), p, ep)) {
                        frames[f + 1] = s + 1;
                        return pack(s + 1, ep + 1);
                    }
                    depth--;
                    break;
                }
                default:
                    throw new IllegalStateException("bad frame");
            }
        }
        return -1;
    }

    private static long pack(int s, int p) {
        return ((long) s << 32) | (p & 0xFFFFFFFFL);
    }

    private void push(int kind, int a, int b, int c) {
        if (depth >= MAX_DEPTH) {
            throw error("pattern too complex");
        }
        int f = depth * 4;
        if (f + 4 > frames.length) {
            int size = Math.min(frames.length * 2, MAX_DEPTH * 4);
            MeteredBuffer.memory(steps.meter(), 4L * size);
            frames = java.util.Arrays.copyOf(frames, size);
        }
        frames[f] = kind;
        frames[f + 1] = a;
        frames[f + 2] = b;
        frames[f + 3] = c;
        depth++;
    }

    /** Matches as many repetitions of the class at p..ep as possible from base; pushes the choice point. */
    private int greedy(int base, int p, int ep) {
        int count = 0;
        while (base + count < srcLen && singleMatch(at(base + count), p, ep)) {
            count++;
            steps.step();
        }
        push(F_GREEDY, base, ep, count);
        return base + count;
    }

    private void openCapture(int s, boolean position) {
        captures.open(s, position);
        push(F_UNDO_OPEN, 0, 0, 0);
    }

    private int matchBalance(int s, int p) {
        if (p + 1 >= patEnd) {
            throw error("malformed pattern (missing arguments to '%b')");
        }
        int open = pat[p] & 0xFF;
        int close = pat[p + 1] & 0xFF;
        if (s >= srcLen || at(s) != open) {
            return -1;
        }
        int count = 1;
        while (++s < srcLen) {
            steps.step();
            int c = at(s);
            if (c == close) {
                if (--count == 0) {
                    return s + 1;
                }
            } else if (c == open) {
                count++;
            }
        }
        return -1;
    }

    /** The position just after the single-character class that starts at p. */
    private int classEnd(int p) {
        int c = pat[p++];
        if (c == '%') {
            if (p >= patEnd) {
                throw error("malformed pattern (ends with '%')");
            }
            return p + 1;
        }
        if (c == '[') {
            int start = p;
            if (p < patEnd && pat[p] == '^') {
                p++;
            }
            do {
                if (p >= patEnd) {
                    throw error("malformed pattern (missing ']')");
                }
                int cc = pat[p++];
                if (cc == '%' && p < patEnd) {
                    p++;
                }
            } while (p >= patEnd || pat[p] != ']');
            if (p - start > 16) {
                steps.steps((p - start) >> 4);
            }
            return p + 1;
        }
        return p;
    }

    private boolean singleMatch(int c, int p, int ep) {
        switch (pat[p]) {
            case '.':
                return true;
            case '%':
                return matchClass(c, pat[p + 1] & 0xFF);
            case '[':
                return matchBracketClass(c, p, ep - 1);
            default:
                return (pat[p] & 0xFF) == c;
        }
    }

    /** Whether c is in the set [p..ec], p at '[' and ec at the closing ']'. */
    private boolean matchBracketClass(int c, int p, int ec) {
        boolean found = true;
        if (pat[p + 1] == '^') {
            found = false;
            p++;
        }
        if (ec - p > 16) {
            steps.steps((ec - p) >> 4);
        }
        while (++p < ec) {
            if (pat[p] == '%') {
                p++;
                if (matchClass(c, pat[p] & 0xFF)) {
                    return found;
                }
            } else if (pat[p + 1] == '-' && p + 2 < ec) {
                p += 2;
                if ((pat[p - 2] & 0xFF) <= c && c <= (pat[p] & 0xFF)) {
                    return found;
                }
            } else if ((pat[p] & 0xFF) == c) {
                return found;
            }
        }
        return !found;
    }

    /** The %x classes of Lua 5.2, in the C locale (ASCII); an upper-case letter is the complement. */
    static boolean matchClass(int c, int cl) {
        boolean res;
        int lower = cl >= 'A' && cl <= 'Z' ? cl + ('a' - 'A') : cl;
        switch (lower) {
            case 'a':
                res = isAlpha(c);
                break;
            case 'c':
                res = c < 32 || c == 127;
                break;
            case 'd':
                res = c >= '0' && c <= '9';
                break;
            case 'g':
                res = c > 32 && c < 127;
                break;
            case 'l':
                res = c >= 'a' && c <= 'z';
                break;
            case 'p':
                res = c > 32 && c < 127 && !isAlpha(c) && !(c >= '0' && c <= '9');
                break;
            case 's':
                res = c == ' ' || (c >= 9 && c <= 13);
                break;
            case 'u':
                res = c >= 'A' && c <= 'Z';
                break;
            case 'w':
                res = isAlpha(c) || (c >= '0' && c <= '9');
                break;
            case 'x':
                res = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                break;
            case 'z':
                res = c == 0;
                break;
            default:
                return cl == c;
        }
        return lower != cl ? !res : res;
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
