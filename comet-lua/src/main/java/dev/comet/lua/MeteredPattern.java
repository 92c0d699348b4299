package dev.comet.lua;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A Lua 5.2 pattern matcher (reference manual §6.4.1) that charges its work to a {@link Meter}: one step per matcher
 * step and per backtrack, plus the bytes it scans in character classes, balances and back-references.
 *
 * <p>The matcher is a backtracking search like the reference one, but it keeps its choice points on an explicit,
 * bounded stack instead of the Java stack: a pattern can never overflow the thread's stack, and one that nests too
 * deeply fails with the Lua error "pattern too complex". The stack is as deep as the recursion of the reference
 * matcher would be (one frame per open capture, closed capture, {@code ?} taken, and {@code *}/{@code +}/{@code -}
 * item), so its bound does not change which patterns match; it is set above the reference matcher's 200 so that a
 * pathological pattern such as 1,000 times {@code a?} runs into the instruction limit rather than failing early.
 */
final class MeteredPattern {
    static final int MAX_CAPTURES = 32;
    /** Largest number of pending choice points and capture frames, the reference matcher's recursion depth. */
    static final int MAX_DEPTH = 5_000;

    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;
    /** Steps are charged to the meter in batches of this size. */
    private static final int CHUNK = 1024;
    private static final String SPECIALS = "^$*+?.([%-";

    // Frame kinds on the choice stack (stride 4: kind, a, b, c).
    private static final int F_UNDO_OPEN = 0;   // undo a capture opened by '(' on failure
    private static final int F_UNDO_CLOSE = 1;  // a = capture index closed by ')'
    private static final int F_OPTIONAL = 2;    // a = subject position, b = pattern position to resume at
    private static final int F_GREEDY = 3;      // a = base position, b = ep (end of the single-char class), c = count
    private static final int F_LAZY = 4;        // a = subject position, b = p (class start), c = ep

    private Meter meter;
    private long pending;
    private int flushes;

    final LuaString subject;
    private final byte[] src;
    private final int srcOff;
    final int srcLen;
    private final byte[] pat;
    /** First pattern byte to match (after a '^' anchor, when anchors apply). */
    final int patStart;
    private final int patEnd;
    final boolean anchor;

    private int level;
    private final int[] capInit = new int[MAX_CAPTURES];
    private final int[] capLen = new int[MAX_CAPTURES];
    private int[] frames = new int[4 * 16];
    private int depth;

    MeteredPattern(Meter meter, LuaString subject, LuaString pattern, boolean anchors) {
        this.meter = meter;
        this.subject = subject;
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
        this.meter = m;
    }

    // ------------------------------------------------------------------------------------------ library entry points

    /** string.find (find = true) and string.match (find = false). */
    static Varargs find(Meter meter, Varargs args, boolean find) {
        LuaString s = MeteredLibraries.checkString(args, 1);
        LuaString p = MeteredLibraries.checkString(args, 2);
        int ls = s.m_length;
        long init = posrelat(args.optlong(3, 1), ls);
        if (init < 1) {
            init = 1;
        } else if (init > ls + 1L) {
            return LuaValue.NIL;
        }
        if (find && (args.toboolean(4) || noSpecials(meter, p))) {
            int at = plainFind(meter, s, (int) init - 1, p);
            if (at < 0) {
                return LuaValue.NIL;
            }
            return LuaValue.varargsOf(LuaInteger.valueOf(at + 1), LuaInteger.valueOf(at + p.m_length));
        }
        MeteredPattern m = new MeteredPattern(meter, s, p, true);
        try {
            int s1 = (int) init - 1;
            do {
                m.reset();
                int e = m.match(s1);
                if (e >= 0) {
                    if (find) {
                        return LuaValue.varargsOf(LuaInteger.valueOf(s1 + 1), LuaInteger.valueOf(e),
                                m.captures(s1, e, false));
                    }
                    return m.captures(s1, e, true);
                }
            } while (s1++ < ls && !m.anchor);
            return LuaValue.NIL;
        } finally {
            m.flush();
        }
    }

    /** One step of a string.gmatch iteration from {@code from}; returns the captures and sets {@link #next}. */
    Varargs gmatchStep(int from) {
        try {
            for (int s = from; s <= srcLen; s++) {
                reset();
                int e = match(s);
                if (e >= 0) {
                    next = e == s ? e + 1 : e;
                    return captures(s, e, true);
                }
            }
            next = srcLen + 1;
            return LuaValue.NONE;
        } finally {
            flush();
        }
    }

    /** Where the next gmatch step starts. */
    int next;

    /** string.gsub. */
    static Varargs gsub(Meter meter, Varargs args) {
        LuaString s = MeteredLibraries.checkString(args, 1);
        LuaString p = MeteredLibraries.checkString(args, 2);
        LuaValue repl = args.arg(3);
        int tr = repl.type();
        if (tr != LuaValue.TNUMBER && tr != LuaValue.TSTRING && tr != LuaValue.TFUNCTION && tr != LuaValue.TTABLE) {
            throw MeteredLibraries.argError(3, "gsub", "string/function/table expected");
        }
        long maxN = args.isnoneornil(4) ? s.m_length + 1L : args.checklong(4);
        if (maxN < 0) {
            maxN = Long.MAX_VALUE;  // Lua 5.2 reads the count as an unsigned size: a negative one means no limit
        }
        LuaString replString = tr == LuaValue.TNUMBER || tr == LuaValue.TSTRING ? MeteredLibraries.toLuaString(repl) : null;
        MeteredPattern m = new MeteredPattern(meter, s, p, true);
        MeteredBuffer out = new MeteredBuffer(meter, s.m_length);
        int pos = 0;
        long n = 0;
        try {
            while (n < maxN) {
                m.reset();
                int e = m.match(pos);
                if (e >= 0) {
                    n++;
                    m.addReplacement(out, pos, e, repl, replString);
                }
                if (e >= 0 && e > pos) {
                    pos = e;
                } else if (pos < m.srcLen) {
                    out.append(m.src[m.srcOff + pos++]);
                } else {
                    break;
                }
                if (m.anchor) {
                    break;
                }
            }
            out.append(m.src, m.srcOff + pos, m.srcLen - pos);
        } finally {
            m.flush();
        }
        return LuaValue.varargsOf(out.toLuaString(), LuaInteger.valueOf(n));
    }

    // ------------------------------------------------------------------------------------------------ plain search

    private static boolean noSpecials(Meter meter, LuaString p) {
        byte[] b = p.m_bytes;
        for (int i = p.m_offset, end = i + p.m_length; i < end; i++) {
            if (SPECIALS.indexOf(b[i]) >= 0) {
                return false;
            }
        }
        if (p.m_length > CHUNK) {
            meter.charge(p.m_length / 8);
        }
        return true;
    }

    /** Plain substring search from {@code start}; charges every position scanned and every byte compared. */
    static int plainFind(Meter meter, LuaString s, int start, LuaString p) {
        int n = s.m_length;
        int m = p.m_length;
        meter.charge(1);
        if (m == 0) {
            return start;
        }
        if (m > n - start) {
            return -1;
        }
        byte[] sb = s.m_bytes;
        byte[] pb = p.m_bytes;
        int so = s.m_offset;
        int po = p.m_offset;
        byte first = pb[po];
        long work = 0;
        int flushes = 0;
        int last = n - m;
        try {
            for (int i = start; i <= last; i++) {
                if (++work >= CHUNK) {
                    meter.charge(work);
                    work = 0;
                    if ((++flushes & 63) == 0) {
                        meter.checkpoint();
                    }
                }
                if (sb[so + i] != first) {
                    continue;
                }
                int k = 1;
                while (k < m && sb[so + i + k] == pb[po + k]) {
                    k++;
                }
                work += k;
                if (k == m) {
                    return i;
                }
            }
            return -1;
        } finally {
            if (work > 0) {
                meter.charge(work);
            }
        }
    }

    static long posrelat(long pos, int len) {
        if (pos >= 0) {
            return pos;
        }
        if (-pos > len) {
            return 0;
        }
        return len + pos + 1;
    }

    // -------------------------------------------------------------------------------------------------- metering

    private void step() {
        if (++pending >= CHUNK) {
            flush();
        }
    }

    private void steps(int n) {
        pending += n;
        if (pending >= CHUNK) {
            flush();
        }
    }

    /** Charges the steps not yet charged (and, now and then, checks time and memory). */
    void flush() {
        if (pending > 0) {
            long p = pending;
            pending = 0;
            meter.charge(p);
            if ((++flushes & 63) == 0) {
                meter.checkpoint();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- matcher

    void reset() {
        level = 0;
        depth = 0;
    }

    private int at(int s) {
        return src[srcOff + s] & 0xFF;
    }

    private static LuaError error(String message) {
        return MeteredLibraries.luaError(message);
    }

    /** Matches the pattern at subject position {@code start}; the end of the match, or -1. */
    int match(int start) {
        int s = start;
        int p = patStart;
        for (;;) {
            step();
            if (p == patEnd) {
                return s;
            }
            fail:
            {
                switch (pat[p]) {
                    case '(':
                        if (p + 1 < patEnd && pat[p + 1] == ')') {
                            openCapture(s, CAP_POSITION);
                            p += 2;
                        } else {
                            openCapture(s, CAP_UNFINISHED);
                            p += 1;
                        }
                        continue;
                    case ')': {
                        int l = captureToClose();
                        capLen[l] = s - capInit[l];
                        push(F_UNDO_CLOSE, l, 0, 0);
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
                                int r = matchCapture(s, d);
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
                    level--;
                    depth--;
                    break;
                case F_UNDO_CLOSE:
                    capLen[frames[f + 1]] = CAP_UNFINISHED;
                    depth--;
                    break;
                case F_OPTIONAL:
                    step();
                    depth--;
                    return pack(frames[f + 1], frames[f + 2]);
                case F_GREEDY: {
                    step();
                    int count = frames[f + 3] - 1;
                    if (count < 0) {
                        depth--;
                        break;
                    }
                    frames[f + 3] = count;
                    return pack(frames[f + 1] + count, frames[f + 2] + 1);
                }
                case F_LAZY: {
                    step();
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
            MeteredBuffer.memory(meter, 4L * size);
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
            step();
        }
        push(F_GREEDY, base, ep, count);
        return base + count;
    }

    private void openCapture(int s, int what) {
        if (level >= MAX_CAPTURES) {
            throw error("too many captures");
        }
        capInit[level] = s;
        capLen[level] = what;
        level++;
        push(F_UNDO_OPEN, 0, 0, 0);
    }

    private int captureToClose() {
        for (int l = level - 1; l >= 0; l--) {
            if (capLen[l] == CAP_UNFINISHED) {
                return l;
            }
        }
        throw error("invalid pattern capture");
    }

    private int matchCapture(int s, int digit) {
        int l = digit - '1';
        if (l < 0 || l >= level || capLen[l] == CAP_UNFINISHED) {
            throw error("invalid capture index %" + (l + 1));
        }
        int len = capLen[l];
        if (len < 0 || srcLen - s < len) {
            return -1;
        }
        steps(len);
        int a = srcOff + capInit[l];
        int b = srcOff + s;
        for (int i = 0; i < len; i++) {
            if (src[a + i] != src[b + i]) {
                return -1;
            }
        }
        return s + len;
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
            step();
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
                steps((p - start) >> 4);
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
            steps((ec - p) >> 4);
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

    // --------------------------------------------------------------------------------------------------- captures

    /** Capture i of the match s..e (the whole match for i = 0 when there are no captures). */
    LuaValue capture(int i, int s, int e) {
        if (i >= level) {
            if (i == 0) {
                return substring(s, e);
            }
            throw error("invalid capture index");
        }
        int l = capLen[i];
        if (l == CAP_UNFINISHED) {
            throw error("unfinished capture");
        }
        if (l == CAP_POSITION) {
            return LuaInteger.valueOf(capInit[i] + 1);
        }
        return substring(capInit[i], capInit[i] + l);
    }

    private LuaString substring(int from, int to) {
        int n = to - from;
        if (n > 32 && n < subject.m_length / 2) {
            MeteredBuffer.allocation(meter, n);  // LuaJ copies substrings shorter than half the string
        }
        return subject.substring(from, to);
    }

    /** All captures (or the whole match when there are none and {@code wholeIfNone}). */
    Varargs captures(int s, int e, boolean wholeIfNone) {
        int n = level == 0 && wholeIfNone ? 1 : level;
        switch (n) {
            case 0:
                return LuaValue.NONE;
            case 1:
                return capture(0, s, e);
            case 2:
                return LuaValue.varargsOf(capture(0, s, e), capture(1, s, e));
            default: {
                LuaValue[] values = new LuaValue[n];
                for (int i = 0; i < n; i++) {
                    values[i] = capture(i, s, e);
                }
                return LuaValue.varargsOf(values);
            }
        }
    }

    /** Appends capture i of the match s..e to out without creating a substring. */
    private void appendCapture(MeteredBuffer out, int i, int s, int e) {
        if (i >= level) {
            if (i == 0) {
                out.append(src, srcOff + s, e - s);
                return;
            }
            throw error("invalid capture index");
        }
        int l = capLen[i];
        if (l == CAP_UNFINISHED) {
            throw error("unfinished capture");
        }
        if (l == CAP_POSITION) {
            out.append(Integer.toString(capInit[i] + 1));
        } else {
            out.append(src, srcOff + capInit[i], l);
        }
    }

    private void addReplacement(MeteredBuffer out, int s, int e, LuaValue repl, LuaString replString) {
        if (replString != null) {
            byte[] r = replString.m_bytes;
            int i = replString.m_offset;
            int end = i + replString.m_length;
            // Literal bytes and copied captures are bounded by the output size, charged as it grows; an escape
            // that copies an empty capture produces nothing, so it costs a step.
            step();
            while (i < end) {
                byte c = r[i++];
                if (c != '%') {
                    out.append(c);
                    continue;
                }
                c = i < end ? r[i++] : 0;
                if (c == '%') {
                    out.append('%');
                } else if (c >= '0' && c <= '9') {
                    int before = out.length();
                    if (c == '0') {
                        out.append(src, srcOff + s, e - s);
                    } else {
                        appendCapture(out, c - '1', s, e);
                    }
                    if (out.length() == before) {
                        step();
                    }
                } else {
                    throw error("invalid use of '%' in replacement string");
                }
            }
            return;
        }
        LuaValue value;
        if (repl.isfunction()) {
            flush();
            value = repl.invoke(captures(s, e, true)).arg1();
        } else {
            value = repl.get(capture(0, s, e));
        }
        if (!value.toboolean()) {
            out.append(src, srcOff + s, e - s);
        } else if (value.isstring()) {
            out.append(MeteredLibraries.toLuaString(value));
        } else {
            throw error("invalid replacement value (a " + value.typename() + ")");
        }
    }
}
