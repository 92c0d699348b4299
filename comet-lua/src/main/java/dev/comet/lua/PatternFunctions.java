package dev.comet.lua;

import java.util.function.Supplier;

import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * string.find, match, gmatch and gsub, metered: the searches and replacements of the string library over a
 * {@link MeteredPattern}, and the plain (no pattern) find, which charges every position scanned and byte compared.
 * No state of its own beyond a gmatch iterator's position.
 */
final class PatternFunctions {
    private static final String SPECIALS = "^$*+?.([%-";

    private PatternFunctions() {
    }

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
                                m.captures.values(s1, e, false));
                    }
                    return m.captures.values(s1, e, true);
                }
            } while (s1++ < ls && !m.anchor);
            return LuaValue.NIL;
        } finally {
            m.steps.flush();
        }
    }

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
                    addReplacement(m, out, pos, e, repl, replString);
                }
                if (e >= 0 && e > pos) {
                    pos = e;
                } else if (pos < m.srcLen) {
                    out.append(m.at(pos++));
                } else {
                    break;
                }
                if (m.anchor) {
                    break;
                }
            }
            m.appendSubject(out, pos, m.srcLen);
        } finally {
            m.steps.flush();
        }
        return LuaValue.varargsOf(out.toLuaString(), LuaInteger.valueOf(n));
    }

    private static boolean noSpecials(Meter meter, LuaString p) {
        byte[] b = p.m_bytes;
        for (int i = p.m_offset, end = i + p.m_length; i < end; i++) {
            if (SPECIALS.indexOf(b[i]) >= 0) {
                return false;
            }
        }
        if (p.m_length > PatternSteps.CHUNK) {
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
                if (++work >= PatternSteps.CHUNK) {
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

    private static void addReplacement(MeteredPattern m, MeteredBuffer out, int s, int e, LuaValue repl,
            LuaString replString) {
        if (replString != null) {
            byte[] r = replString.m_bytes;
            int i = replString.m_offset;
            int end = i + replString.m_length;
            // Literal bytes and copied captures are bounded by the output size, charged as it grows; an escape
            // that copies an empty capture produces nothing, so it costs a step.
            m.steps.step();
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
                        m.appendSubject(out, s, e);
                    } else {
                        m.captures.append(out, c - '1', s, e);
                    }
                    if (out.length() == before) {
                        m.steps.step();
                    }
                } else {
                    throw MeteredLibraries.luaError("invalid use of '%' in replacement string");
                }
            }
            return;
        }
        LuaValue value;
        if (repl.isfunction()) {
            m.steps.flush();
            value = repl.invoke(m.captures.values(s, e, true)).arg1();
        } else {
            value = repl.get(m.captures.value(0, s, e));
        }
        if (!value.toboolean()) {
            m.appendSubject(out, s, e);
        } else if (value.isstring()) {
            out.append(MeteredLibraries.toLuaString(value));
        } else {
            throw MeteredLibraries.luaError("invalid replacement value (a " + value.typename() + ")");
        }
    }

    static final class Find extends MeteredFunction {
        private final boolean find;

        Find(Supplier<Meter> m, boolean find) {
            super(find ? "find" : "match", m);
            this.find = find;
        }

        @Override
        public Varargs invoke(Varargs args) {
            return find(meter(), args, find);
        }
    }

    static final class Gmatch extends MeteredFunction {
        Gmatch(Supplier<Meter> m) {
            super("gmatch", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            LuaString s = MeteredLibraries.checkString(args, 1);
            LuaString p = MeteredLibraries.checkString(args, 2);
            meter.charge(1);
            return new GmatchIterator(meters(), new MeteredPattern(meter, s, p, false));
        }
    }

    private static final class GmatchIterator extends MeteredFunction {
        private final MeteredPattern matcher;
        private int position;
        /** Where the step after the one running starts; becomes the position once the step has returned. */
        private int next;

        GmatchIterator(Supplier<Meter> m, MeteredPattern matcher) {
            super("gmatch_aux", m);
            this.matcher = matcher;
        }

        @Override
        public Varargs invoke(Varargs args) {
            Meter meter = meter();
            meter.charge(1);
            if (position > matcher.srcLen) {
                return LuaValue.NONE;
            }
            matcher.useMeter(meter);
            Varargs result = advance(position);
            position = next;
            return result;
        }

        /** One step of the iteration from {@code from}: the captures of the next match; sets {@link #next}. */
        private Varargs advance(int from) {
            try {
                for (int s = from; s <= matcher.srcLen; s++) {
                    matcher.reset();
                    int e = matcher.match(s);
                    if (e >= 0) {
                        next = e == s ? e + 1 : e;
                        return matcher.captures.values(s, e, true);
                    }
                }
                next = matcher.srcLen + 1;
                return LuaValue.NONE;
            } finally {
                matcher.steps.flush();
            }
        }
    }

    static final class Gsub extends MeteredFunction {
        Gsub(Supplier<Meter> m) {
            super("gsub", m);
        }

        @Override
        public Varargs invoke(Varargs args) {
            return gsub(meter(), args);
        }
    }
}
