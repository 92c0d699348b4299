package dev.comet.cli;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pieces {@link LuaPrograms} makes handlers of: Lua statements and expressions by theme (loops, recursion,
 * metatables, library calls, string growth, answers to convert, state, globals, requests, errors, pcall), nested to
 * a bounded depth. Each piece uses the locals every handler declares ({@link #PRELUDE}). Lists of choices start with
 * their smallest or most ordinary one, which is where jqwik shrinks to.
 */
final class LuaFragments {
    /** Blocks nest at most this deep (a loop in a pcall in a loop): deep enough to combine, shallow to shrink. */
    static final int MAX_DEPTH = 3;
    /** The locals every handler starts with, so that any piece can read and write them. */
    static final String PRELUDE = "local s, t, n, f = 'x', {}, 1, function(...) return ... end";

    /** Loop bounds and repeat counts: from none to ones no limit lets finish, and the odd ones (NaN, negative). */
    private static final Arbitrary<String> COUNT = Arbitraries.of("1", "0", "3", "10", "100", "1000", "1e4", "1e5",
            "1e6", "1e9", "2^31", "2^53", "math.huge", "-1", "0/0");
    /** String sizes: around the 1 MiB string limit, past int overflow, and nonsense. */
    private static final Arbitrary<String> SIZE = Arbitraries.of("1", "0", "10", "1000", "2^16", "2^20 - 1", "2^20",
            "2^20 + 1", "1e7", "1e9", "2^31 + 1", "2^53", "-1", "math.huge", "0/0");
    private static final Arbitrary<String> INDEX = Arbitraries.of("1", "-1", "0", "2", "10", "1e9", "-1e9", "2^31",
            "math.huge", "0.5");
    /** Patterns: plain ones, catastrophic ones (backtracking, %b, exponential a?), malformed ones. */
    private static final Arbitrary<String> PATTERN = Arbitraries.of("'x'", "'.'", "'(.)'", "'%a+'", "'[%w_]*'",
            "'^(.-)$'", "'%b()'", "'.-.-.-.-b'", "('a?'):rep(100) .. ('a'):rep(100)", "'(x*)%1'", "'%f[%w]%w+'",
            "'(.-)(.-)(.-)(.-)x'", "('(.)'):rep(33)", "'[^'", "'(()'", "'%'", "s");
    private static final Arbitrary<String> FORMAT = Arbitraries.of("'%s'", "'%d'", "'%q'", "'%s %s'", "'%5.2f'",
            "'%x'", "'%c'", "'%99s'", "'%-99d'", "'%.99f'", "'%099.99f'", "'%%'", "'%s%s%s%s%s%s%s%s'",
            "('%s'):rep(100)", "'%'", "'%y'");
    private static final Arbitrary<String> LIBRARY = Arbitraries.of("string", "table", "math", "comet", "_G", "_ENV",
            "aso", "getmetatable('')", "getmetatable(string)");
    /** Where a handler writes in aso: plain fields, odd keys (boolean, float, NaN, nil, a table, a long string). */
    private static final Arbitrary<String> STATE_KEY = Arbitraries.of(".x", ".value", ".big", "[1]", "[true]", "[1.5]",
            "[2^53]", "[-0.0]", "['']", "[('k'):rep(1000)]", "[t]", "[0/0]", "[nil]");
    private static final Arbitrary<String> METAMETHOD = Arbitraries.of("__index", "__newindex", "__len", "__eq",
            "__tostring", "__call", "__concat", "__add", "__lt", "__le", "__unm", "__mode", "__metatable", "__gc");

    private static final List<Arbitrary<String>> VALUES = new ArrayList<>();
    private static final List<Arbitrary<String>> BLOCKS = new ArrayList<>();

    static {
        // each depth's pieces are made of the depth below: built bottom up, once
        for (int d = 0; d <= MAX_DEPTH; d++) {
            VALUES.add(memoized(buildValue(d)));
            BLOCKS.add(memoized(buildBlock(d)));
        }
    }

    private LuaFragments() {
    }

    /** One to three statements, their blocks nested at most {@code depth} deep. */
    static Arbitrary<String> block(int depth) {
        return BLOCKS.get(depth);
    }

    /** An expression of any type, its tables and functions nested at most {@code depth} deep. */
    static Arbitrary<String> value(int depth) {
        return VALUES.get(depth);
    }

    // ------------------------------------------------------------------------------------------ expressions

    private static Arbitrary<String> string() {
        return Arbitraries.oneOf(
                Arbitraries.of("s", "'x'", "''", "'abc'", "tostring(n)", "s .. s", "('('):rep(1e5)", "('a'):rep(2e4)",
                        "string.char(255, 0, 10)", "tostring(t)", "comet.nodeID()", "type(f)"),
                lua("('x'):rep(@)", SIZE),
                lua("s:rep(@)", COUNT));
    }

    private static Arbitrary<String> buildValue(int d) {
        List<Tuple.Tuple2<Integer, Arbitrary<String>>> choices = new ArrayList<>(List.of(
                Tuple.of(3, Arbitraries.of("n", "0", "1", "-1", "1.5", "2^53", "1e308", "math.huge", "-math.huge",
                        "0/0", "-0.0")),
                Tuple.of(3, string()),
                Tuple.of(3, Arbitraries.of("t", "nil", "true", "false", "f", "self", "aso", "_G", "string", "comet",
                        "caller", "args", "comet.lookup()", "setmetatable", "error", "comet.log", "pcall"))));
        if (d > 0) {
            Arbitrary<String> inner = value(d - 1);
            choices.add(Tuple.of(4, Arbitraries.oneOf(
                    lua("{@, @}", inner, inner),
                    lua("{k = @, [@] = @}", inner, inner, inner),
                    lua("setmetatable({}, {__index = @})", inner),
                    lua("function(...) return @ end", inner),
                    lua("(function() return @ end)()", inner),
                    lua("{@, @, @, @}", inner, inner, inner, inner))));
        }
        return Arbitraries.frequencyOf(choices);
    }

    // ------------------------------------------------------------------------------------------- statements

    private static Arbitrary<String> buildBlock(int d) {
        List<Arbitrary<String>> themes = new ArrayList<>(List.of(library(d), growth(d), recursion(d), metatables(d),
                conversion(d), state(d), globals(d), requests(d), errors(d)));
        Arbitrary<String> statement = d == 0 ? Arbitraries.oneOf(themes)
                : Arbitraries.frequencyOf(List.of(Tuple.of(themes.size(), Arbitraries.oneOf(themes)),
                        Tuple.of(themes.size() / 2, control(d))));
        return statement.list().ofMinSize(1).ofMaxSize(3).map(lines -> String.join("\n", lines));
    }

    /** A block one level down, indented to be read inside its statement. */
    private static Arbitrary<String> nested(int d) {
        return block(d - 1).map(b -> "  " + b.replace("\n", "\n  "));
    }

    private static Arbitrary<String> library(int d) {
        Arbitrary<String> v = value(d);
        Arbitrary<String> str = string();
        return Arbitraries.oneOf(
                lua("s = string.rep(@, @)", str, SIZE),
                lua("s = s:rep(@, @)", COUNT, str),
                lua("n = #{(@):byte(1, -1)}", str),
                lua("n = select('#', (@):byte(1, @))", str, SIZE),
                lua("s = string.char((@):byte(1, -1))", str),
                lua("s = (@):sub(@, @)", str, INDEX, INDEX),
                Arbitraries.of("s = s:reverse()", "s = s:upper()", "s = s:lower()", "n = #s", "table.sort(t)",
                        "table.remove(t)", "table.remove(t, 1)", "n = math.max(n, table.unpack(t))",
                        "n = math.floor(n / 3)", "n = math.fmod(n, 0)", "n = rawlen(t)", "local k, v = next(t)",
                        "t = table.pack(table.unpack(t))", "n = tonumber(s) or 0", "n = tonumber(s, 36) or 0",
                        "s = tostring(t) .. tostring(f)", "n = math.random()", "local k, v = next(t, 'missing')",
                        "s = n .. n", "s = tostring(-0.0) .. tostring(0/0)", "s = string.format('%d', 2^63)",
                        "s = table.concat({t, t})", "n = rawlen(s)", "s = ('%5.1s'):format(s)"),
                lua("n = tonumber(('9'):rep(@)) or 0", SIZE),
                lua("n = tonumber('0x' .. ('f'):rep(@)) or 0", SIZE),
                lua("s = string.format(@, @, @)", FORMAT, v, v),
                lua("s = (@):gsub(@, @)", str, PATTERN,
                        Arbitraries.of("'%0%0'", "'%1'", "s", "{}", "t", "f", "function(c) return c .. c end",
                                "function(c) return s end", "function() error('x') end")),
                lua("n = (@):find(@, @)", str, PATTERN, INDEX),
                lua("n = (@):find(@, 1, true)", str, str),
                lua("s = (@):match(@)", str, PATTERN),
                lua("table.insert(t, @)", v),
                lua("table.insert(t, @, @)", INDEX, v),
                lua("s = table.concat(t, @)", str),
                lua("s = table.concat(t, @, @, @)", str, INDEX, COUNT),
                lua("table.sort(t, function(a, b) return @ end)",
                        Arbitraries.of("a < b", "true", "tostring(a) < tostring(b)", "#t > 0 and a == b")),
                lua("n = select('#', table.unpack(t, 1, @))", COUNT),
                lua("n = math.random(1, @)", COUNT),
                lua("rawset(t, @, @)", v, v));
    }

    private static Arbitrary<String> growth(int d) {
        return Arbitraries.oneOf(
                lua("for i = 1, @ do s = s .. s end", COUNT),
                lua("for i = 1, @ do s = s .. tostring(i) end", COUNT),
                lua("for i = 1, @ do t[#t + 1] = @ end", COUNT, value(d)),
                lua("s = s .. @", string()),
                lua("do local parts = {} for i = 1, @ do parts[i] = s end s = table.concat(parts) end", COUNT),
                Arbitraries.of("while true do s = s .. s end",
                        "local u = 'x' while true do u = u .. u .. u .. u .. u .. u .. u .. u end",
                        "for i = 1, 1e9 do local u = ('x'):rep(100000) end",
                        "for i = 1, 1e9 do t[i] = {i, i, i} end"));
    }

    private static Arbitrary<String> recursion(int d) {
        List<Arbitrary<String>> forms = new ArrayList<>(List.of(
                lua("local function r(k) if k > @ then return k end return 1 + r(k + 1) end n = r(1)", COUNT),
                lua("local function r(k) if k > @ then return k end return r(k + 1) end n = r(1)", COUNT),
                Arbitraries.of(
                        "local function r(k) return 1 + r(k + 1) end n = r(1)",
                        "local function r(k) return r(k + 1) end n = r(1)",
                        "local ra, rb\nfunction ra(k) return rb(k + 1) end\nfunction rb(k) return 1 + ra(k + 1) end\n"
                                + "n = ra(1)",
                        "local ra, rb\nfunction ra(k) return rb(k) end\nfunction rb(k) return ra(k) end\nn = ra(1)",
                        "local function r() return pcall(r) end r()",
                        "local function r() local ok, e = pcall(r) return e end s = tostring(r())",
                        "local function r(x) return (x:gsub('.', r)) end s = r('ab')",
                        "local function r(x) return x:gsub('.', r) end s = r('ab')",
                        "local function h(e) return select(2, xpcall(error, h, e)) end xpcall(error, h, 'x')",
                        "local function r() return xpcall(r, r) end r()",
                        "local function r(k) return table.concat({k, r(k + 1)}) end r(1)",
                        "local function r() return tostring(setmetatable({}, {__tostring = r})) end s = r()",
                        "local function r(k) table.sort({3, 2, 1}, function(a, b) r(k) return a < b end) end r(1)",
                        "local function r(k) return string.format('%s', setmetatable({}, "
                                + "{__tostring = function() return r(k) end})) end r(1)",
                        "local function r(k) return select('#', r(k)) end r(1)",
                        "local function r(k) return comet.log(r(k)) end r(1)")));
        if (d > 0) {
            forms.add(lua("local function r(k)\n@\n  if k < @ then return r(k + 1) end\nend\nr(1)", nested(d), COUNT));
            forms.add(lua("local function r(k)\n@\n  return 1 + r(k + 1)\nend\nn = r(1)", nested(d)));
        }
        return Arbitraries.oneOf(forms);
    }

    private static Arbitrary<String> metatables(int d) {
        Arbitrary<String> handler = metamethod(d);
        Arbitrary<String> triggers = Arbitraries.of("local _ = o.k", "o.k = 1", "o[1] = o", "n = #o", "s = tostring(o)",
                "local _ = o == setmetatable({}, mt)", "o(1)", "s = o .. 'x'", "s = 'x' .. o", "local _ = o + 1",
                "local _ = o < o", "local _ = -o", "for k in pairs(o) do end", "t[#t + 1] = o", "self.o = o", "error(o)",
                "comet.log(o)", "do return o end", "setmetatable(o, nil)", "s = string.format('%s', o)",
                "s = table.concat({o})", "table.sort({o, o, o})", "local _ = rawequal(o, o)",
                "local _ = rawlen(o)", "for i, v in ipairs(o) do end", "local _ = next(o)",
                "s = s .. o", "local _ = o <= o").list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("\n  ", l));
        return Arbitraries.oneOf(
                lua("do\n  local mt = {}\n  local o = setmetatable({}, mt)\n  mt.@ = @\n  mt.@ = @\n  @\nend",
                        METAMETHOD, handler, METAMETHOD, handler, triggers),
                lua("setmetatable(aso, {@ = @, @ = @})", METAMETHOD, handler, METAMETHOD, handler),
                Arbitraries.of(
                        "do local a, b = {}, {} setmetatable(a, {__index = b}) setmetatable(b, {__index = a}) "
                                + "local _ = a.k end",
                        "do local a, b = {}, {} setmetatable(a, {__newindex = b}) setmetatable(b, {__newindex = a}) "
                                + "a.k = 1 end",
                        "do local a, b = {}, {} setmetatable(a, {__index = function(_, k) return b[k] end}) "
                                + "setmetatable(b, {__index = function(_, k) return a[k] end}) local _ = a.k end",
                        "do local a = {} setmetatable(a, {__index = a}) local _ = a.k end",
                        "do local a = setmetatable({}, {__eq = function(x, y) return x == y end}) "
                                + "local b = setmetatable({}, getmetatable(a)) local _ = a == b end",
                        "do local a = {} setmetatable(a, {__call = function(x, ...) return x(...) end}) a() end",
                        "do local a = {} setmetatable(a, {__concat = function(x, y) return x .. y end}) "
                                + "s = a .. 'x' end",
                        "do local a = {} setmetatable(a, {__len = function(x) return #x end}) n = #a end",
                        "setmetatable(self, nil)", "setmetatable(aso, {__metatable = 'locked'})",
                        "setmetatable(aso, getmetatable(''))", "setmetatable(aso, {__index = aso})",
                        "setmetatable(t, {__mode = 'k'})", "getmetatable('').__index = {}",
                        "setmetatable(aso, {__index = function() while true do end end, "
                                + "__len = function() while true do end end})"));
    }

    /** A metamethod: a plain answer, a loop, recursion through the object itself, or a table (a loop of tables). */
    private static Arbitrary<String> metamethod(int d) {
        Arbitrary<String> fixed = Arbitraries.of("function(a, b) return 1 end", "function(a, b) while true do end end",
                "function(a, b) return a[b] end", "function(a, b) return a[b .. 'x'] end",
                "function(a, b) a[b] = a end", "function(a, b) rawset(a, b, a) return a end",
                "function(a, b) return #a end", "function(a, b) return tostring(a) end",
                "function(a, b) return a .. b end", "function(a, b) return a(b) end", "function(a, b) return a + b end",
                "function(a, b) return a == b end", "function(a, b) return a < b end",
                "function(a, b) return ('x'):rep(2^20) end", "function(a, b) return s end",
                "function(a, b) error(a) end", "function(a) return setmetatable({}, getmetatable(a)) end",
                "o", "mt", "{}", "'x'", "1");
        if (d == 0) {
            return fixed;
        }
        return Arbitraries.oneOf(fixed, lua("function(a, b)\n@\n  return @\nend", nested(d), value(d - 1)));
    }

    /** What an answer is built of: deep, wide, shared and cyclic tables, functions, odd keys, library tables. */
    private static Arbitrary<String> conversion(int d) {
        Arbitrary<String> v = value(d);
        return Arbitraries.oneOf(
                lua("do local d = @ for i = 1, @ do d = {d} end t[#t + 1] = d end", v, COUNT),
                lua("for i = 1, @ do t[i] = @ end", COUNT, v),
                lua("do local w = @ for i = 1, @ do w = {w, w, w, w} end t.w = w end", v, COUNT),
                lua("do return @ end", v),
                lua("do return @, @ end", v, v),
                Arbitraries.of("t.c = t", "t[1] = {t}", "t.f = function() end", "t.g = string.rep", "t[true] = false",
                        "t[1.5] = 2.5", "t.n = 0/0", "t.big = 2^63", "t.lib = string", "t.env = _G", "t.self = self",
                        "t[t] = 1", "t[-1] = 'neg'", "t[2^53] = 1", "t[1] = nil", "t.s = ('x'):rep(2^16)",
                        "t.m = setmetatable({}, {__index = function() while true do end end})"));
    }

    private static Arbitrary<String> state(int d) {
        Arbitrary<String> v = value(d);
        return Arbitraries.oneOf(
                lua("self@ = @", STATE_KEY, v),
                lua("aso.big = ('x'):rep(@)", SIZE),
                lua("self.lib = @", LIBRARY),
                lua("do local d = self for i = 1, @ do d.x = {} d = d.x end end", COUNT),
                lua("for i = 1, @ do self['f' .. i] = @ end", COUNT, v),
                Arbitraries.of("self.n = (self.n or 0) + 1", "self.c = {} self.c.c = self.c",
                        "self.m = setmetatable({}, {})", "aso.f = function() end", "self.t = t", "self.s = s",
                        "self[1] = self", "self.d = {} self.e = self.d", "self.x = nil", "aso.timerInterval = 0",
                        "aso.timerInterval = 'soon'", "self.onGet = nil", "aso.onGet = 5",
                        "for k in pairs(self) do self[k] = nil end"));
    }

    private static Arbitrary<String> globals(int d) {
        Arbitrary<String> v = value(d);
        return Arbitraries.oneOf(
                lua("g = @", v),
                lua("_G.g = @", v),
                lua("_ENV.g = @", v),
                lua("rawset(_G, 'g', @)", v),
                lua("local _ENV = setmetatable({}, {__index = _G}) g = @", v),
                Arbitraries.of("onGet = nil", "string = nil", "comet = {}", "self = nil", "aso = {}", "_G = nil",
                        "pcall = nil", "setmetatable(_G, {})", "rawset(string, 'rep', nil)", "table.insert(_G, 1)",
                        "table.insert(string, 1)", "string.rep = nil", "local _ENV = {}", "local g = _G g.x = 1",
                        "for k in pairs(_G) do _G[k] = nil end"));
    }

    /** comet.lookup/get/put/log and friends; a get names onAnswer, which the program may or may not define. */
    private static Arbitrary<String> requests(int d) {
        Arbitrary<String> v = value(d);
        return Arbitraries.oneOf(
                Arbitraries.of("local nodes = comet.lookup()", "n = #comet.lookup()",
                        "comet.get(self, comet.lookup(), 'onAnswer')",
                        "comet.get('fuzz other', comet.lookup(), 'onAnswer')",
                        "comet.get(self, {comet.lookup()[1]}, 'onAnswer', {a = s})",
                        "comet.put(self, comet.lookup())", "comet.put(self, {comet.lookup()[1]})",
                        "comet.get('x', {}, 'missing')", "comet.deleteSelf()", "n = comet.systemTime()",
                        "s = comet.nodeID() .. comet.asoKey() .. comet.nodeIP()", "comet.get(t, t, t)", "comet.put(t)",
                        "comet.get('fuzz other', {{id = 'x'}}, 'onAnswer')",
                        "comet.log(('x'):rep(2^20), ('x'):rep(2^20))"),
                lua("comet.put('fuzz child', @, {comet.lookup()[1]})", Arbitraries.of("'aso.x = 1'",
                        "'while true do end'", "s", "('x'):rep(2e4)", "'function onPut() while true do end end'",
                        "'syntax error ('")),
                lua("comet.get('fuzz other', comet.lookup(), 'onAnswer', {a = @})", string()),
                lua("comet.log(@, @)", v, v),
                lua("for i = 1, @ do comet.log(s, t, n) end", COUNT));
    }

    private static Arbitrary<String> errors(int d) {
        Arbitrary<String> v = value(d);
        return Arbitraries.oneOf(
                lua("error(@)", v),
                lua("error(('x'):rep(@))", SIZE),
                lua("error(@, @)", string(), Arbitraries.of("1", "0", "2", "3", "100")),
                lua("assert(false, @)", v),
                lua("assert(@)", v),
                Arbitraries.of("error()", "error(t)", "error(self)", "error(_G)", "assert(nil)",
                        "assert(false, ('x'):rep(1e6))",
                        "error(setmetatable({}, {__tostring = function() while true do end end}))",
                        "error(setmetatable({}, {__tostring = function() return ('x'):rep(2^20) end}))",
                        "error(setmetatable({}, {__index = function() error('x') end}))"));
    }

    /** Loops (some endless), branches, goto and protected calls around blocks one level down. */
    private static Arbitrary<String> control(int d) {
        Arbitrary<String> body = nested(d);
        String label = "again" + d; // a goto label is visible in nested blocks: one name per depth
        return Arbitraries.oneOf(
                lua("while true do\n@\nend", body),
                lua("while n < @ do\n  n = n + 1\n@\nend", COUNT, body),
                lua("for i = 1, @ do\n@\nend", COUNT, body),
                lua("for i = @, 1, -1 do\n@\nend", COUNT, body),
                lua("repeat\n@\nuntil @", body, Arbitraries.of("true", "false", "n > 10")),
                lua("for k, v in pairs(t) do\n@\nend", body),
                lua("for i, v in ipairs(t) do\n@\nend", body),
                lua("for w in s:gmatch(@) do\n@\nend", PATTERN, body),
                lua("if n % 2 == 0 then\n@\nelse\n@\nend", body, body),
                lua("do\n  ::" + label + "::\n@\n  goto " + label + "\nend", body),
                lua("pcall(function()\n@\nend)", body),
                lua("local ok, e = pcall(function()\n@\nend)\ns = tostring(e)", body),
                lua("xpcall(function()\n@\nend, function(e)\n@\n  return e\nend)", body, body),
                lua("pcall(pcall, error, @)", value(d)),
                lua("local ok, e = pcall(error, @)\nt[#t + 1] = e", value(d)),
                lua("f = function(...)\n@\n  return ...\nend\nf(1, 2)", body));
    }

    // ------------------------------------------------------------------------------------------------ help

    /**
     * {@code arbitrary} with its generator built once for each size. jqwik builds the generators of combined
     * arbitraries again for every sample, and those of all the choices below them: without this, a program of
     * depth 3 (a few hundred arbitraries deep) took a quarter of a second to generate.
     */
    private static Arbitrary<String> memoized(Arbitrary<String> arbitrary) {
        Map<Integer, RandomGenerator<String>> generators = new ConcurrentHashMap<>();
        return Arbitraries.fromGeneratorWithSize(size -> generators.computeIfAbsent(size, arbitrary::generator));
    }

    /** Lua source from {@code template}, each {@code @} of which is replaced, in order, by one generated part. */
    @SafeVarargs
    static Arbitrary<String> lua(String template, Arbitrary<String>... parts) {
        if (parts.length == 0) {
            return Arbitraries.just(template);
        }
        return Combinators.combine(List.of(parts)).as(values -> fill(template, values));
    }

    private static String fill(String template, List<String> values) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (char c : template.toCharArray()) {
            if (c == '@') {
                out.append(values.get(next++));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
