package dev.comet.lua;

import dev.comet.aso.HandlerLimits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The metered string and table functions: Lua 5.2 results (expected values taken from the reference Lua 5.2.4
 * interpreter) and the library attacks of {@code shared/notes/luaj-sandbox.md}, each stopped by its own limit.
 */
class MeteredLibrariesTest {
    /** Renders a call's results (or its error) as one line, the same way for every case. */
    static final String PRELUDE = """
            local function q(v)
              if type(v) == "string" then
                local out = '"'
                for i = 1, #v do
                  local b = string.byte(v, i)
                  if b < 32 or b > 126 or b == 34 or b == 92 then out = out .. "\\\\" .. b
                  else out = out .. string.char(b) end
                end
                return out .. '"'
              elseif type(v) == "table" then
                local out = "{"
                for i = 1, #v do out = out .. q(v[i]) .. "," end
                return out .. "}"
              elseif type(v) == "function" then return "function"
              end
              return tostring(v)
            end
            local function ser(ok, ...)
              if not ok then
                local msg = tostring((...))
                local s, e = string.find(msg, "^[^:]*:%d+:? ")
                if s then msg = string.sub(msg, e + 1) end
                return "ERR " .. msg
              end
              local n = select('#', ...)
              local out = n .. ":"
              for i = 1, n do out = out .. " " .. q((select(i, ...))) end
              return out
            end
            function collect(f, s, c)
              local out = {}
              for k = 1, 1000 do
                local r = table.pack(f(s, c))
                if r[1] == nil then break end
                c = r[1]
                local one = ""
                for i = 1, r.n do one = one .. (i > 1 and "|" or "") .. q(r[i]) end
                out[#out + 1] = one
              end
              return out
            end
            function pk(...) return {...} end
            function render(f) return ser(pcall(f)) end
            """;

    /** {Lua expression, its results as the reference Lua 5.2.4 renders them}. */
    static final String[][] CASES = {
            {"string.find(\"hello world\", \"wor\")", "2: 7 9"},
            {"string.find(\"hello world\", \"o\", 6)", "2: 8 8"},
            {"string.find(\"hello world\", \"l+\")", "2: 3 4"},
            {"string.find(\"hello world\", \"xyz\")", "1: nil"},
            {"string.find(\"hello\", \"\")", "2: 1 0"},
            {"string.find(\"hello\", \"\", 10)", "1: nil"},
            {"string.find(\"hello\", \"\", 6)", "2: 6 5"},
            {"string.find(\"hello\", \"l\", -2)", "2: 4 4"},
            {"string.find(\"hello\", \"h\", -100)", "2: 1 1"},
            {"string.find(\"a.b\", \".\", 1, true)", "2: 2 2"},
            {"string.find(\"a+b\", \"+\", 1, true)", "2: 2 2"},
            {"string.find(\"hello\", \"(l)(l)\")", "4: 3 4 \"l\" \"l\""},
            {"string.find(\"hello\", \"()ll()\")", "4: 3 4 3 5"},
            {"string.match(\"hello\", \"()ll()\")", "2: 3 5"},
            {"string.match(\"hello world\", \"%w+\")", "1: \"hello\""},
            {"string.match(\"hello world\", \"(%w+) (%w+)\")", "2: \"hello\" \"world\""},
            {"string.match(\"  trim  \", \"^%s*(.-)%s*$\")", "1: \"trim\""},
            {"string.match(\"key = value\", \"(%w+)%s*=%s*(%w+)\")", "2: \"key\" \"value\""},
            {"string.match(\"2024-01-15\", \"(%d+)-(%d+)-(%d+)\")", "3: \"2024\" \"01\" \"15\""},
            {"string.match(\"abc\", \"^b\")", "1: nil"},
            {"string.match(\"abc\", \"^a\")", "1: \"a\""},
            {"string.match(\"abc\", \"c$\")", "1: \"c\""},
            {"string.match(\"abc\", \"b$\")", "1: nil"},
            {"string.match(\"a$c\", \"$c\")", "1: \"$c\""},
            {"string.match(\"a$\", \"a$$\")", "1: \"a$\""},
            {"string.match(\"abc\", \"^abc$\")", "1: \"abc\""},
            {"string.match(\"THE (quick) fox\", \"%((%a+)%)\")", "1: \"quick\""},
            {"string.match(\"f(a(b)c)d\", \"%b()\")", "1: \"(a(b)c)\""},
            {"string.match(\"x[[y]]z\", \"%b[]\")", "1: \"[[y]]\""},
            {"string.match(\"no balance (\", \"%b()\")", "1: nil"},
            {"string.match(\"THE (quick) fox\", \"%f[%a]%a+\")", "1: \"THE\""},
            {"string.match(\"hello world\", \"%f[%w]%w+$\")", "1: \"world\""},
            {"string.gsub(\"THE (quick) fox\", \"%f[%a]%a+\", \"W\")", "2: \"W (W) W\" 3"},
            {"string.gsub(\"hello world from lua\", \"%f[%w]%w\", string.upper)", "2: \"Hello World From Lua\" 4"},
            {"string.match(\"abc123def\", \"%d+\")", "1: \"123\""},
            {"string.match(\"abc123def\", \"%D+\")", "1: \"abc\""},
            {"string.match(\"  x\", \"%S\")", "1: \"x\""},
            {"string.match(\"a,b;c\", \"%p\")", "1: \",\""},
            {"string.match(\"hello\", \"%u\")", "1: nil"},
            {"string.match(\"Hello\", \"%u%l+\")", "1: \"Hello\""},
            {"string.match(\"\\1\\2abc\", \"%c+\")", "1: \"\\1\\2\""},
            {"string.match(\"0x1F\", \"0x(%x+)\")", "1: \"1F\""},
            {"string.match(\"a\\0b\", \"%z\")", "1: \"\\0\""},
            {"string.match(\"a\\0b\", \"[%z]\")", "1: \"\\0\""},
            {"string.match(\"hello\", \"[aeiou]+\")", "1: \"e\""},
            {"string.match(\"hello\", \"[^aeiou]+\")", "1: \"h\""},
            {"string.match(\"a-b\", \"[a-]+\")", "1: \"a-\""},
            {"string.match(\"a]b\", \"[]]\")", "1: \"]\""},
            {"string.match(\"a]b\", \"[^]]+\")", "1: \"a\""},
            {"string.match(\"a^b\", \"[b^]+\")", "1: \"^b\""},
            {"string.match(\"abc-\", \"[%a-]+\")", "1: \"abc-\""},
            {"string.match(\"x%y\", \"%%\")", "1: \"%\""},
            {"string.match(\"x.y\", \"%.\")", "1: \".\""},
            {"string.match(\"aaa\", \"a-\")", "1: \"\""},
            {"string.match(\"aaa\", \"a-$\")", "1: \"aaa\""},
            {"string.match(\"aaab\", \"a*\")", "1: \"aaa\""},
            {"string.match(\"baaa\", \"a*\")", "1: \"\""},
            {"string.match(\"aaab\", \"a+b\")", "1: \"aaab\""},
            {"string.match(\"b\", \"a?b\")", "1: \"b\""},
            {"string.match(\"ab\", \"a?b\")", "1: \"ab\""},
            {"string.match(\"aab\", \"a?b\")", "1: \"ab\""},
            {"string.match(\"hello hello\", \"(h%a+) %1\")", "1: \"hello\""},
            {"string.match(\"hello world\", \"(h%a+) %1\")", "1: nil"},
            {"string.match(\"abab\", \"((a)(b))%1\")", "3: \"ab\" \"a\" \"b\""},
            {"string.match(\"xyz\", \"()\")", "1: 1"},
            {"string.match(\"xyz\", \"()\", 4)", "1: 4"},
            {"string.match(\"xyz\", \"()\", 5)", "1: nil"},
            {"string.match(\"aaa\", \"((a)(a))\")", "3: \"aa\" \"a\" \"a\""},
            {"string.match(\"[[x]]\", \"%[(=*)%[(.-)%]%1%]\")", "2: \"\" \"x\""},
            {"string.match(\"abc\", \"(a)(b)(c)(.*)\")", "4: \"a\" \"b\" \"c\" \"\""},
            {"string.match(\"abc\", \"(\")", "ERR unfinished capture"},
            {"string.match(\"abc\", \")\")", "ERR invalid pattern capture"},
            {"string.match(\"abc\", \"%\")", "ERR malformed pattern (ends with '%')"},
            {"string.match(\"abc\", \"[a\")", "ERR malformed pattern (missing ']')"},
            {"string.match(\"abc\", \"[a%\")", "ERR malformed pattern (missing ']')"},
            {"string.match(\"abc\", \"%b\")", "ERR malformed pattern (missing arguments to '%b')"},
            {"string.match(\"abc\", \"%ba\")", "ERR malformed pattern (missing arguments to '%b')"},
            {"string.match(\"abc\", \"%f\")", "ERR missing '[' after '%f' in pattern"},
            {"string.match(\"abc\", \"%fa\")", "ERR missing '[' after '%f' in pattern"},
            {"string.match(\"abc\", \"%1\")", "ERR invalid capture index %1"},
            {"string.match(\"abc\", \"(a)%2\")", "ERR invalid capture index %2"},
            {"string.match(\"abc\", \"(a%1)\")", "ERR invalid capture index %1"},
            {"string.match(\"abc\", \"%0\")", "ERR invalid capture index %0"},
            {"string.match(\"abc\", \"(()\")", "ERR unfinished capture"},
            {"string.match(12345, \"3(4)\")", "1: \"4\""},
            {"string.match(\"hello\", \".-(l+)(.*)\")", "2: \"ll\" \"o\""},
            {"string.match(\"a.b.c\", \"^(.-)%.(.*)$\")", "2: \"a\" \"b.c\""},
            {"string.match(\"a.b.c\", \"^(.*)%.(.-)$\")", "2: \"a.b\" \"c\""},
            {"string.match(\"aXb\", \"%w%W%w\")", "1: nil"},
            {"string.match(\"abc\", \"[%w_]+\")", "1: \"abc\""},
            {"string.match(\"z1\", \"[a-z0-9]+\")", "1: \"z1\""},
            {"string.match(\"-\", \"[a-]\")", "1: \"-\""},
            {"string.match(\"b\", \"[a-c]\")", "1: \"b\""},
            {"string.match(\"-\", \"[%-]\")", "1: \"-\""},
            {"string.match(\"caaab\", \"ca-b\")", "1: \"caaab\""},
            {"string.match(\"key=val; k2=v2\", \"k2=(%w+)\")", "1: \"v2\""},
            {"string.find(\"abc\", \"b\", 10)", "1: nil"},
            {"string.find(\"abc\", \"b\", -10)", "2: 2 2"},
            {"string.find(\"abc\", \"^b\", 2)", "2: 2 2"},
            {"string.find(\"aaa\", \"^a\", 2)", "2: 2 2"},
            {"string.find(\"\", \"\")", "2: 1 0"},
            {"string.find(\"\", \"a*\")", "2: 1 0"},
            {"string.match(\"\", \".-\")", "1: \"\""},
            {"collect(string.gmatch(\"one two three\", \"%a+\"))", "1: {\"\\34one\\34\",\"\\34two\\34\",\"\\34three\\34\",}"},
            {"collect(string.gmatch(\"k1=v1, k2=v2\", \"(%w+)=(%w+)\"))", "1: {\"\\34k1\\34|\\34v1\\34\",\"\\34k2\\34|\\34v2\\34\",}"},
            {"collect(string.gmatch(\"abc\", \"\"))", "1: {\"\\34\\34\",\"\\34\\34\",\"\\34\\34\",\"\\34\\34\",}"},
            {"collect(string.gmatch(\"abc\", \"x*\"))", "1: {\"\\34\\34\",\"\\34\\34\",\"\\34\\34\",\"\\34\\34\",}"},
            {"collect(string.gmatch(\"abc\", \"%a*\"))", "1: {\"\\34abc\\34\",\"\\34\\34\",}"},
            {"collect(string.gmatch(\"^a^a\", \"^a\"))", "1: {\"\\34^a\\34\",\"\\34^a\\34\",}"},
            {"collect(string.gmatch(\"hello\", \"()l\"))", "1: {\"3\",\"4\",}"},
            {"collect(string.gmatch(\"a,b,,c\", \"([^,]*)\"))", "1: {\"\\34a\\34\",\"\\34\\34\",\"\\34b\\34\",\"\\34\\34\",\"\\34\\34\",\"\\34c\\34\",\"\\34\\34\",}"},
            {"collect(string.gmatch(\"\", \".*\"))", "1: {\"\\34\\34\",}"},
            {"string.gsub(\"hello world\", \"o\", \"0\")", "2: \"hell0 w0rld\" 2"},
            {"string.gsub(\"hello world\", \"o\", \"0\", 1)", "2: \"hell0 world\" 1"},
            {"string.gsub(\"hello world\", \"o\", \"0\", 0)", "2: \"hello world\" 0"},
            {"string.gsub(\"hello world\", \"(%w+)\", \"<%1>\")", "2: \"<hello> <world>\" 2"},
            {"string.gsub(\"hello world\", \"%w+\", \"%0 %0\")", "2: \"hello hello world world\" 2"},
            {"string.gsub(\"hello world\", \"(%w+) (%w+)\", \"%2 %1\")", "2: \"world hello\" 1"},
            {"string.gsub(\"abc\", \"\", \"-\")", "2: \"-a-b-c-\" 4"},
            {"string.gsub(\"abc\", \"x*\", \"-\")", "2: \"-a-b-c-\" 4"},
            {"string.gsub(\"abc\", \"b*\", \"-\")", "2: \"-a--c-\" 4"},
            {"string.gsub(\"hello\", \"l\", {l = \"L\"})", "2: \"heLLo\" 2"},
            {"string.gsub(\"hello\", \"(l)(l)\", {ll = \"X\", l = \"Y\"})", "2: \"heYo\" 1"},
            {"string.gsub(\"hello\", \".\", {h = 1, e = false})", "2: \"1ello\" 5"},
            {"string.gsub(\"hello\", \".\", function(c) if c == \"l\" then return nil end return c:upper() end)", "2: \"HEllO\" 5"},
            {"string.gsub(\"$name is $age\", \"%$(%w+)\", {name = \"Bob\", age = 42})", "2: \"Bob is 42\" 2"},
            {"string.gsub(\"abc\", \"%w\", \"%1\")", "2: \"abc\" 3"},
            {"string.gsub(\"abc\", \"%w\", \"%2\")", "ERR invalid capture index"},
            {"string.gsub(\"abc\", \"%w\", \"%x\")", "ERR invalid use of '%' in replacement string"},
            {"string.gsub(\"abc\", \"%w\", \"%\")", "ERR invalid use of '%' in replacement string"},
            {"string.gsub(\"abc\", \"%w\", \"%%\")", "2: \"%%%\" 3"},
            {"string.gsub(\"abc\", \"()\", \"%1\")", "2: \"1a2b3c4\" 4"},
            {"string.gsub(\"abc\", \"b\", 7)", "2: \"a7c\" 1"},
            {"string.gsub(\"abc\", \"b\", true)", "ERR bad argument #3 to 'gsub' (string/function/table expected)"},
            {"string.gsub(\"hello world\", \"^h\", \"H\")", "2: \"Hello world\" 1"},
            {"string.gsub(\"hello world\", \"^o\", \"O\")", "2: \"hello world\" 0"},
            {"string.gsub(\"aaa\", \"^a\", \"b\")", "2: \"baa\" 1"},
            {"string.gsub(\"abc\", \".\", {a = {}})", "ERR invalid replacement value (a table)"},
            {"string.gsub(\"abc\", \".\", function() return {} end)", "ERR invalid replacement value (a table)"},
            {"string.gsub(\"hello\", \"(h)(e)\", function(a, b) return b .. a end)", "2: \"ehllo\" 1"},
            {"string.gsub(\"x = 1 + 2\", \"%s\", \"\")", "2: \"x=1+2\" 4"},
            {"string.gsub(\"one two\", \"(%w+)\", \"%0-%1\")", "2: \"one-one two-two\" 2"},
            {"string.gsub(\"abc\", \"(b)\", \"[%0%1]\")", "2: \"a[bb]c\" 1"},
            {"string.gsub(\"a b c\", \" \", \"\", 5.7)", "2: \"abc\" 2"},
            {"string.gsub(\"abc\", \"\", \"\", -1)", "2: \"abc\" 4"},
            {"string.gsub(123, \"2\", \"x\")", "2: \"1x3\" 1"},
            {"string.rep(\"ab\", 3)", "1: \"ababab\""},
            {"string.rep(\"ab\", 3, \",\")", "1: \"ab,ab,ab\""},
            {"string.rep(\"ab\", 1, \",\")", "1: \"ab\""},
            {"string.rep(\"ab\", 0, \",\")", "1: \"\""},
            {"string.rep(\"ab\", -1)", "1: \"\""},
            {"string.rep(\"\", 5, \"-\")", "1: \"----\""},
            {"string.rep(\"x\", 2.7)", "1: \"xx\""},
            {"string.rep(5, 2)", "1: \"55\""},
            {"string.upper(\"hello World 123\")", "1: \"HELLO WORLD 123\""},
            {"string.lower(\"HELLO World 123\")", "1: \"hello world 123\""},
            {"string.upper(\"\\200\\233abc\")", "1: \"\\200\\233ABC\""},
            {"string.format(\"%d %5d %-5d| %05d %+d % d\", 1, 2, 3, 4, 5, 6)", "1: \"1     2 3    | 00004 +5  6\""},
            {"string.format(\"%.3d %.0d|%5.3d\", 7, 0, 42)", "1: \"007 |  042\""},
            {"string.format(\"%x %X %#x %#X %o %#o %u\", 255, 255, 255, 255, 8, 8, 42)", "1: \"ff FF 0xff 0XFF 10 010 42\""},
            {"string.format(\"%x\", 0)", "1: \"0\""},
            {"string.format(\"%#x %#o\", 0, 0)", "1: \"0 0\""},
            {"string.format(\"%d\", -0)", "1: \"0\""},
            {"string.format(\"%d\", 3.7)", "1: \"3\""},
            {"string.format(\"%d\", -3.7)", "1: \"-3\""},
            {"string.format(\"%d\", 2^53)", "1: \"9007199254740992\""},
            {"string.format(\"%d\", -2^63)", "1: \"-9223372036854775808\""},
            {"string.format(\"%d\", 2^63)", "ERR bad argument #2 to 'format' (not a number in proper range)"},
            {"string.format(\"%x\", -1)", "ERR bad argument #2 to 'format' (not a non-negative number in proper range)"},
            {"string.format(\"%x\", 2^64 - 2^12)", "1: \"fffffffffffff000\""},
            {"string.format(\"%x\", -0.5)", "1: \"0\""},
            {"string.format(\"%f %.2f %.0f %10.3f %-10.1f|\", 3.14159, 2.675, 2.5, 1/3, -1.25)", "1: \"3.141590 2.67 2      0.333 -1.2      |\""},
            {"string.format(\"%.0f %.0f %.0f %.0f\", 0.5, 1.5, 2.5, 3.5)", "1: \"0 2 2 4\""},
            {"string.format(\"%e %.2e %E %.0e\", 12345.678, 0.000123456, 1e300, 5e-324)", "1: \"1.234568e+04 1.23e-04 1.000000E+300 5e-324\""},
            {"string.format(\"%g %g %g %g %g %g\", 100000, 1000000, 1e-4, 1e-5, 0.1, 123.456)", "1: \"100000 1e+06 0.0001 1e-05 0.1 123.456\""},
            {"string.format(\"%.3g %.10g %#g %g %G\", 1234567, 1/3, 1.5, 0, 1e-10)", "1: \"1.23e+06 0.3333333333 1.50000 0 1E-10\""},
            {"string.format(\"%g %g\", 2^63, -2^63)", "1: \"9.22337e+18 -9.22337e+18\""},
            {"string.format(\"%5.1f|%-8.3e|%08.2f|%+.1e\", 3.14159, 2.5, -3.14159, 12)", "1: \"  3.1|2.500e+00|-0003.14|+1.2e+01\""},
            {"string.format(\"%f %f %e %g\", 1/0, -1/0, 1/0, -1/0)", "1: \"inf -inf inf -inf\""},
            {"string.format(\"%5s|%-5s|%.2s|%5.1s|\", \"ab\", \"ab\", \"abc\", \"xyz\")", "1: \"   ab|ab   |ab|    x|\""},
            {"string.format(\"%s %s %s\", nil, true, 12)", "1: \"nil true 12\""},
            {"string.format(\"%s\", setmetatable({}, {__tostring = function() return \"OBJ\" end}))", "1: \"OBJ\""},
            {"string.format(\"%s\", setmetatable({}, {__tostring = function() return 1 end}))", "1: \"1\""},
            {"string.format(\"%q\", \"a\\n\\0b\\\"\\\\\\r\\1\\0003\\127x\\200\")", "1: \"\\34a\\92\\10\\920b\\92\\34\\92\\92\\9213\\921\\920003\\92127x\\200\\34\""},
            {"string.format(\"%q\", 12)", "1: \"\\3412\\34\""},
            {"string.format(\"%c%c%c\", 72, 105, 0)", "1: \"Hi\\0\""},
            {"string.format(\"%5c|%-3c|\", 65, 66)", "1: \"    A|B  |\""},
            {"string.format(\"%%\")", "1: \"%\""},
            {"string.format(\"%d%%\", 50)", "1: \"50%\""},
            {"string.format(\"%y\", 1)", "ERR invalid option '%y' to 'format'"},
            {"string.format(\"%d\")", "ERR bad argument #2 to 'format' (no value)"},
            {"string.format(\"%123d\", 1)", "ERR invalid format (width or precision too long)"},
            {"string.format(\"%1.123f\", 1)", "ERR invalid format (width or precision too long)"},
            {"string.format(\"%------d\", 1)", "ERR invalid format (repeated flags)"},
            {"string.format(\"%-----d|\", 1)", "1: \"1|\""},
            {"string.format(\"%s\", (\"x\"):rep(150)):len()", "1: 150"},
            {"string.format(\"%.3s\", (\"x\"):rep(150))", "1: \"xxx\""},
            {"string.format(\"%10.4f|%-+8d|\", math.pi, 42)", "1: \"    3.1416|+42     |\""},
            {"string.format(\"abc\")", "1: \"abc\""},
            {"string.format(\"%5%\")", "ERR bad argument #2 to 'format' (no value)"},
            {"string.format(\"%i\", 42)", "1: \"42\""},
            {"string.format(\"%.14g\", 0.1)", "1: \"0.1\""},
            {"string.format(\"%.14g\", 1e15)", "1: \"1e+15\""},
            {"string.format(\"%g\", 1e15)", "1: \"1e+15\""},
            {"string.format(\"%.20f\", 0.1)", "1: \"0.10000000000000000555\""},
            {"string.format(\"%.99f\", 1):len()", "1: 101"},
            {"string.format(\"%99.99f\", -1e308):len()", "1: 410"},
            {"string.format(\"%a\", 1)", "1: \"0x1p+0\""},
            {"table.concat({1, 2, 3})", "1: \"123\""},
            {"table.concat({1, 2, 3}, \", \")", "1: \"1, 2, 3\""},
            {"table.concat({1, 2, 3}, \", \", 2)", "1: \"2, 3\""},
            {"table.concat({1, 2, 3}, \", \", 2, 3)", "1: \"2, 3\""},
            {"table.concat({1, 2, 3}, \", \", 3, 2)", "1: \"\""},
            {"table.concat({}, \"x\")", "1: \"\""},
            {"table.concat({\"a\", \"b\"}, 1)", "1: \"a1b\""},
            {"table.concat({1, {}, 3})", "ERR invalid value (table) at index 2 in table for 'concat'"},
            {"table.concat({1, 2}, \",\", 1, 3)", "ERR invalid value (nil) at index 3 in table for 'concat'"},
            {"table.concat({\"a\", \"b\", \"c\"}, \"\", -1, 1)", "ERR invalid value (nil) at index -1 in table for 'concat'"},
            {"table.concat(setmetatable({}, {__len = function() return 2 end}), \",\")", "ERR invalid value (nil) at index 1 in table for 'concat'"},
            {"table.concat({[0] = \"z\", \"a\"}, \",\", 0)", "1: \"z,a\""},
            {"table.unpack({1, 2, 3})", "3: 1 2 3"},
            {"table.unpack({1, 2, 3}, 2)", "2: 2 3"},
            {"table.unpack({1, 2, 3}, 2, 3)", "2: 2 3"},
            {"table.unpack({1, 2, 3}, -1, 1)", "3: nil nil 1"},
            {"table.unpack({1, 2, 3}, 3, 2)", "0:"},
            {"table.unpack({}, 1, 3)", "3: nil nil nil"},
            {"select(\"#\", table.unpack({}, 1, 100))", "1: 100"},
            {"pk(table.unpack({1, 2, 3}, 1, 5))", "1: {1,2,3,}"},
            {"(function() local t = {1, 2, 3}; table.insert(t, 4); return t end)()", "1: {1,2,3,4,}"},
            {"(function() local t = {1, 2, 3}; table.insert(t, 1, 0); return t end)()", "1: {0,1,2,3,}"},
            {"(function() local t = {1, 2, 3}; table.insert(t, 2, \"x\"); return t end)()", "1: {1,\"x\",2,3,}"},
            {"(function() local t = {1, 2, 3}; table.insert(t, 4, \"x\"); return t end)()", "1: {1,2,3,\"x\",}"},
            {"(function() local t = {1, 2, 3}; table.insert(t, 5, \"x\"); return t end)()", "ERR bad argument #2 to 'insert' (position out of bounds)"},
            {"(function() local t = {1, 2, 3}; table.insert(t, 0, \"x\"); return t end)()", "ERR bad argument #2 to 'insert' (position out of bounds)"},
            {"(function() local t = {1, 2, 3}; table.insert(t, 1, 2, 3); return t end)()", "ERR wrong number of arguments to 'insert'"},
            {"(function() local t = {1, 2, 3}; table.insert(t); return t end)()", "ERR wrong number of arguments to 'insert'"},
            {"(function() local t = {}; table.insert(t, \"a\"); table.insert(t, \"b\"); return t end)()", "1: {\"a\",\"b\",}"},
            {"(function() local t = {1, 2, 3}; return table.remove(t), t end)()", "2: 3 {1,2,}"},
            {"(function() local t = {1, 2, 3}; return table.remove(t, 1), t end)()", "2: 1 {2,3,}"},
            {"(function() local t = {1, 2, 3}; return table.remove(t, 2), t end)()", "2: 2 {1,3,}"},
            {"(function() local t = {1, 2, 3}; return table.remove(t, 4), t end)()", "2: nil {1,2,3,}"},
            {"(function() local t = {1, 2, 3}; return table.remove(t, 5), t end)()", "ERR bad argument #1 to 'remove' (position out of bounds)"},
            {"(function() local t = {1, 2, 3}; return table.remove(t, 0), t end)()", "ERR bad argument #1 to 'remove' (position out of bounds)"},
            {"(function() local t = {}; return table.remove(t), t end)()", "2: nil {}"},
            {"(function() local t = {[0] = \"z\"}; return table.remove(t, 0), t[0] end)()", "2: \"z\" nil"},
            {"(function() local t = {5, 2, 8, 1, 9, 3}; table.sort(t); return t end)()", "1: {1,2,3,5,8,9,}"},
            {"(function() local t = {5, 2, 8, 1, 9, 3}; table.sort(t, function(a, b) return a > b end); return t end)()", "1: {9,8,5,3,2,1,}"},
            {"(function() local t = {\"banana\", \"apple\", \"cherry\", \"Apple\"}; table.sort(t); return t end)()", "1: {\"Apple\",\"apple\",\"banana\",\"cherry\",}"},
            {"(function() local t = {3, 1, 2}; table.sort(t, function(a, b) error(\"boom\") end); return t end)()", "ERR boom"},
            {"(function() local t = {3, 1, 2}; table.sort(t, 5); return t end)()", "ERR bad argument #2 to 'sort' (function expected, got number)"},
            {"(function() local t = {}; table.sort(t); return t end)()", "1: {}"},
            {"(function() local t = {1}; table.sort(t); return t end)()", "1: {1,}"},
            {"(function() local t = {}; for i = 1, 100 do t[i] = (i * 37) % 101 end; table.sort(t); local ok = true; for i = 2, 100 do if t[i-1] > t[i] then ok = false end end; return ok, t[1], t[100] end)()", "3: true 1 100"},
            {"(function() local t = {}; for i = 1, 50 do t[i] = {k = (i * 7) % 13} end; table.sort(t, function(a, b) return a.k < b.k end); local ok = true; for i = 2, 50 do if t[i-1].k > t[i].k then ok = false end end; return ok end)()", "1: true"},
            {"(function() local mt = {__lt = function(a, b) return a.v < b.v end}; local t = {}; for i = 1, 10 do t[i] = setmetatable({v = 11 - i}, mt) end; table.sort(t); return t[1].v, t[10].v end)()", "2: 1 10"},
            {"(\"x\"):rep(3)", "1: \"xxx\""},
            {"(\"%d\"):format(5)", "1: \"5\""},
            {"(\"Hello\"):upper()", "1: \"HELLO\""},
            {"(\"abc\"):find(\"b\", 1, true)", "2: 2 2"},
            {"string.format(\"%a %A %a %a %a\", 1, 255.5, 0, -0.1, 5e-324)", "1: \"0x1p+0 0X1.FFP+7 0x0p+0 -0x1.999999999999ap-4 0x0.0000000000001p-1022\""},
            {"string.format(\"%.0a %.1a %.3a %#a %10a|%-12a|%012a\", 1.9, 1.97, 1/3, 1, 2, 3, 4)", "1: \"0x2p+0 0x2.0p+0 0x1.555p-2 0x1.p+0     0x1p+1|0x1.8p+1    |0x0000001p+2\""},
            {"string.format(\"%a %a\", 1/0, 2^-1074 * 3)", "1: \"inf 0x0.0000000000003p-1022\""},
            {"string.format(\"%.14g|%.14g|%.14g\", 123456789012345678, 0.1 + 0.2, -1e-300)", "1: \"1.2345678901235e+17|0.3|-1e-300\""},
            {"string.format(\"%.3f|%.3f|%.1f|%.2f\", 1.0005, 2.0005, 0.05, 1.005)", "1: \"1.000|2.001|0.1|1.00\""},
            {"string.format(\"%g|%g|%g|%g\", 0.0001234, 123456789, 1e21, 999999.5)", "1: \"0.0001234|1.23457e+08|1e+21|1e+06\""},
            {"string.format(\"%.0e|%#.0e|%#.0f|%#g|%#x\", 15000, 15000, 3, 2, 0)", "1: \"2e+04|2.e+04|3.|2.00000|0\""},
            {"string.format(\"%+5s|% d|%+x\", \"a\", -3, 7)", "1: \"    a|-3|7\""},
            {"string.format(\"%-05d|%-+6.2f|\", 42, 3.14159)", "1: \"42   |+3.14 |\""},
            {"string.format(\"%.0s|%.s|\", \"abc\", \"abc\")", "1: \"||\""},
            {"string.format(\"%s\", \"a\\0b\")", "1: \"a\""},
            {"string.format(\"%5s\", \"a\\0b\")", "1: \"    a\""},
            {"string.format(\"%c\", 256 + 65)", "1: \"A\""},
            {"string.gsub(\"abc\", \"\", \"\", -1)", "2: \"abc\" 4"},
            {"string.gsub(\"abc\", \"\", \"-\", 2)", "2: \"-a-bc\" 2"},
            {"string.gsub(\"hello world\", \"o\", \"0\", 1.9)", "2: \"hell0 world\" 1"},
            {"(function() local t = {3, \"x\", 1}; table.sort(t); return t end)()", "ERR attempt to compare string with number"},
            {"(function() local t = {{}, {}}; table.sort(t); return t end)()", "ERR attempt to compare two table values"},
            {"(function() local t = {\"b\", \"a\", \"\\200\", \"A\", \"ab\", \"\"}; table.sort(t); return t end)()", "1: {\"\",\"A\",\"a\",\"ab\",\"b\",\"\\200\",}"},
            {"string.match(\"x\" .. (\"(a)\"):rep(32), (\"(a)\"):rep(32))", "1: nil"},
            {"string.match(\"x\", (\"(x)\"):rep(33))", "1: nil"},
            {"string.rep(\"a\", 3, \"\")", "1: \"aaa\""},
            {"string.find(\"aaab\", \"aab\", 1, true)", "2: 2 4"},
            {"string.find(\"abcabc\", \"cab\", 1, true)", "2: 3 5"},
            {"string.find(\"abc\", \"c\", 3, true)", "2: 3 3"},
            {"string.find(\"abc\", \"c\", 4, true)", "1: nil"},
            {"string.find(\"abc\", \"\", 4, true)", "2: 4 3"},
            {"string.find(\"abc\", \"\", 5, true)", "1: nil"},
            {"string.match(\"key:  value\", \"(%w+):%s*(.*)\")", "2: \"key\" \"value\""},
            {"string.match(\"the end.\", \"%.$\")", "1: \".\""},
            {"string.match(\"[test]\", \"^%[(.*)%]$\")", "1: \"test\""},
            {"string.match(\"[test\", \"^%[(.*)%]$\")", "1: nil"},
            {"string.match(\"camelCaseWord\", \"%l+(%u%l+)(%u%l+)\")", "2: \"Case\" \"Word\""},
            {"string.match(\"v1.22.333\", \"v(%d+)%.(%d+)%.(%d+)\")", "3: \"1\" \"22\" \"333\""},
            {"string.gsub(\"a,b,c\", \",\", \";\")", "2: \"a;b;c\" 2"},
            {"string.gsub(\"  a  b  \", \"^%s+\", \"\")", "2: \"a  b  \" 1"},
            {"string.gsub(\"tab\\tsep\", \"%c\", \"_\")", "2: \"tab_sep\" 1"},
            {"string.gsub(\"Hello\", \"%w\", \"%0%0\")", "2: \"HHeelllloo\" 5"},
            {"string.gsub(\"abc\", \"[^%s]\", \"%%\")", "2: \"%%%\" 3"},
            {"string.gsub(\"one two three\", \"(%w+)\", string.upper)", "2: \"ONE TWO THREE\" 3"},
            {"string.gsub(\"x=1,y=2\", \"(%w)=(%d)\", \"%2=%1\")", "2: \"1=x,2=y\" 2"},
            {"string.gsub(\"abc\", \".\", {b = 42})", "2: \"a42c\" 3"},
            {"string.gsub(\"aaa\", \"a-\", \"x\")", "2: \"xaxaxax\" 4"},
            {"string.gsub(\"aaa\", \"a*\", \"x\")", "2: \"xx\" 2"},
            {"string.gsub(\"f(g(h))\", \"%b()\", \"\")", "2: \"f\" 1"},
            {"string.gsub(\"THE (quick) brown\", \"%f[%a]\", \"|\")", "2: \"|THE (|quick) |brown\" 3"},
            {"string.gsub(\"THE (quick) brown\", \"%f[%A]\", \"|\")", "2: \"THE| (quick|) brown|\" 3"},
            {"string.find(1e-5, \"e\")", "2: 2 2"},
            {"table.concat({1.5, 2, 1e100, 0.1}, \" \")", "1: \"1.5 2 1e+100 0.1\""},
            {"string.gsub(\"abc\", \"b\", 0.25)", "2: \"a0.25c\" 1"},
            {"string.rep(0.5, 2, 1.5)", "1: \"0.51.50.5\""},
            {"string.format(\"%s %q\", 1/3, 2^63)", "1: \"0.33333333333333 \\349.2233720368548e+18\\34\""},
            {"string.match(string.rep(\"a\", 5000), string.rep(\"a?\", 150) .. string.rep(\"a\", 150))", "1: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""},
            {"string.gsub(\"hello world\", \"(o)\", \"[%1]\", -1)", "2: \"hell[o] w[o]rld\" 2"},
    };

    /**
     * The default limits with a longer wall-time backstop: these tests check that the library functions' own
     * metering stops each attack with its own limit, which a busy build machine could otherwise pre-empt with TIME.
     */
    private static final HandlerLimits LIMITS = HandlerLimits.defaults().withWallMillis(10_000);

    private Globals globals;
    private Meter meter;
    private LuaValue previousStringMetatable;

    @BeforeEach
    void setUp() {
        globals = new Globals();
        globals.load(new JseBaseLib());
        globals.load(new PackageLib());
        globals.load(new StringLib());
        globals.load(new TableLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        MeteredLibraries.install((LuaTable) globals.get("string"), (LuaTable) globals.get("table"), () -> meter);
        MeteredLibraries.installBase(globals, () -> meter);
        MeteredLibraries.installMath((LuaTable) globals.get("math"), () -> meter);
        // The string metatable is JVM-wide and LuaJ sets it only once: point method calls ("x"):rep(...) at this
        // test's string table, and put back whatever was there afterwards.
        previousStringMetatable = LuaString.s_metatable;
        LuaString.s_metatable = LuaValue.tableOf(new LuaValue[] {LuaValue.INDEX, globals.get("string")});
        globals.load(PRELUDE, "prelude").call();
        meter = new Meter(LIMITS);
    }

    @AfterEach
    void restoreStringMetatable() {
        LuaString.s_metatable = previousStringMetatable;
    }

    private Varargs run(String source) {
        return globals.load(source, "test").invoke();
    }

    private String render(String expression) {
        LuaValue f = globals.load("return " + expression, "case");
        meter = new Meter(LIMITS);
        return globals.get("render").call(f).tojstring();
    }

    @Test
    void resultsMatchLua52() {
        List<String> failures = new ArrayList<>();
        for (String[] c : CASES) {
            String actual;
            try {
                actual = render(c[0]);
            } catch (RuntimeException | Error e) {
                actual = "THROWN " + e;
            }
            if (!actual.equals(c[1])) {
                failures.add(c[0] + "\n    expected " + c[1] + "\n    actual   " + actual);
            }
        }
        assertThat(failures).as("%d cases", CASES.length).isEmpty();
    }

    @Test
    void gmatchIteratesWithCapturesAndPositions() {
        Varargs r = run("""
                local words, pairs, positions = {}, {}, {}
                for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
                for k, v in ("a=1, b=22, c=333"):gmatch("(%w+)=(%w+)") do pairs[#pairs + 1] = k .. ":" .. v end
                for p in ("banana"):gmatch("()an") do positions[#positions + 1] = p end
                return table.concat(words, ","), table.concat(pairs, ","), table.concat(positions, ",")
                """);
        assertThat(r.arg(1).tojstring()).isEqualTo("one,two,three");
        assertThat(r.arg(2).tojstring()).isEqualTo("a:1,b:22,c:333");
        assertThat(r.arg(3).tojstring()).isEqualTo("2,4");
    }

    @Test
    void repWithSeparatorAndConcatWithRange() {
        Varargs r = run("""
                return string.rep("ab", 3, ", "), ("-"):rep(1, "x"), ("z"):rep(0, "x"),
                       table.concat({"a", "b", "c", "d"}, "+", 2, 3), table.concat({1, 2.5, "x"}, " ")
                """);
        assertThat(r.arg(1).tojstring()).isEqualTo("ab, ab, ab");
        assertThat(r.arg(2).tojstring()).isEqualTo("-");
        assertThat(r.arg(3).tojstring()).isEmpty();
        assertThat(r.arg(4).tojstring()).isEqualTo("b+c");
        assertThat(r.arg(5).tojstring()).isEqualTo("1 2.5 x");
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                attack("catastrophic lazy pattern", "return ('a'):rep(20000):find('.-.-.-.-b')", Limit.INSTRUCTIONS),
                attack("exponential a? pattern",
                        "return ('a'):rep(1000):find(string.rep('a?', 1000) .. string.rep('a', 1000))",
                        Limit.INSTRUCTIONS),
                attack("exponential a? pattern, match",
                        "return string.match(('a'):rep(1000), string.rep('a?', 1000) .. string.rep('a', 1000))",
                        Limit.INSTRUCTIONS),
                attack("quadratic plain find",
                        "local s = ('a'):rep(200000) return s:find(('a'):rep(100000) .. 'b', 1, true)",
                        Limit.INSTRUCTIONS),
                attack("plain find on a big string in a loop",
                        "local s = ('a'):rep(100000) for i = 1, 100000 do s:find('b', 1, true) end",
                        Limit.INSTRUCTIONS),
                attack("find with a pattern scanning a big string in a loop",
                        "local s = ('a'):rep(100000) for i = 1, 100000 do s:find('b+') end", Limit.INSTRUCTIONS),
                attack("balanced match over an unbalanced string",
                        "return (('('):rep(100000)):find('%b()')", Limit.INSTRUCTIONS),
                attack("gmatch over a big string in a loop",
                        "local s = ('ab'):rep(100000) for i = 1, 100 do for w in s:gmatch('.-b') do end end",
                        Limit.INSTRUCTIONS, Limit.MEMORY),
                attack("rep 1e9", "return ('x'):rep(1e9)", Limit.STRING_SIZE, Limit.MEMORY),
                attack("rep past int overflow", "return ('xx'):rep(2^30 + 1)", Limit.STRING_SIZE, Limit.MEMORY),
                attack("rep with a separator past long overflow", "return ('x'):rep(2^62, ('y'):rep(100))",
                        Limit.STRING_SIZE, Limit.MEMORY),
                attack("concat of many big strings",
                        "local s = ('x'):rep(500000) local t = {} for i = 1, 100 do t[i] = s end return table.concat(t)",
                        Limit.STRING_SIZE, Limit.MEMORY),
                attack("concat with a huge separator", "return table.concat({1, 2, 3}, ('x'):rep(600000))",
                        Limit.STRING_SIZE, Limit.MEMORY),
                attack("concat of big strings in a loop",
                        "local s = ('x'):rep(900000) for i = 1, 100 do local r = table.concat({s, 'y'}) end",
                        Limit.MEMORY),
                attack("gsub output bomb", "return (('x'):rep(1000)):gsub('x', ('y'):rep(2000))",
                        Limit.STRING_SIZE, Limit.MEMORY),
                attack("gsub output bomb with %0",
                        "return (('x'):rep(100000)):gsub('x', '%0%0%0%0%0%0%0%0%0%0%0%0%0%0%0')",
                        Limit.STRING_SIZE, Limit.MEMORY),
                attack("gsub of big outputs in a loop",
                        "for i = 1, 100 do local r = (('x'):rep(100000)):gsub('x', 'yyyyyyyyy') end", Limit.MEMORY),
                attack("gsub escapes copying empty captures",
                        "return (('x'):rep(100000)):gsub('(x-)', ('%1'):rep(100000))", Limit.INSTRUCTIONS),
                attack("gsub with a function on a big string",
                        "return (('x'):rep(1000000)):gsub('x', function(c) return c end)", Limit.INSTRUCTIONS,
                        Limit.MEMORY),
                attack("unpack 1e8", "return table.unpack({}, 1, 1e8)", Limit.INSTRUCTIONS, Limit.MEMORY),
                attack("unpack the whole int range", "return table.unpack({}, -2^31, 2^31 - 1)",
                        Limit.INSTRUCTIONS, Limit.MEMORY),
                attack("format of big strings",
                        "local s = ('x'):rep(400000) return string.format('%s%s%s', s, s, s)",
                        Limit.STRING_SIZE, Limit.MEMORY),
                attack("format %q of a big binary string",
                        "return string.format('%q', ('\\0'):rep(500000))", Limit.STRING_SIZE, Limit.MEMORY),
                attack("upper of a big string in a loop",
                        "local s = ('x'):rep(1000000) for i = 1, 100 do s:upper() end", Limit.MEMORY),
                attack("sort of a huge length", "table.sort(setmetatable({}, {__len = function() return 2^31 - 1 end}))",
                        Limit.INSTRUCTIONS),
                attack("sort of a big table",
                        "local t = {} for i = 1, 300000 do t[i] = -i end table.sort(t)", Limit.INSTRUCTIONS),
                attack("insert at the front in a loop",
                        "local t = {} for i = 1, 5000 do t[i] = i end for i = 1, 100000 do table.insert(t, 1, i) end",
                        Limit.INSTRUCTIONS),
                // issue #10, item 7: LuaJ's own functions, charged by their arguments before they allocate
                attack("byte of a big string in a loop",
                        "local s = ('x'):rep(200000) for i = 1, 100 do s:byte(1, -1) end", Limit.MEMORY),
                attack("byte of a big string", "return ('x'):rep(1000000):byte(1, -1)", Limit.INSTRUCTIONS,
                        Limit.MEMORY),
                attack("pack of a big byte range",
                        "return table.pack(('x'):rep(1000000):byte(1, -1))", Limit.INSTRUCTIONS, Limit.MEMORY),
                attack("sub of big halves in a loop",
                        "local s = ('x'):rep(1000000) for i = 1, 100 do s:sub(2, 499999) end", Limit.MEMORY),
                attack("sub with negative positions in a loop",
                        "local s = ('x'):rep(1000000) for i = 1, 100 do s:sub(-600000, -200000) end", Limit.MEMORY),
                attack("reverse of a big string in a loop",
                        "local s = ('x'):rep(1000000) for i = 1, 100 do s:reverse() end", Limit.MEMORY),
                attack("char of many bytes in a loop", "local t = {} for i = 1, 10000 do t[i] = 65 end "
                        + "for i = 1, 100000 do string.char(table.unpack(t, 1, 200)) end", Limit.INSTRUCTIONS, Limit.MEMORY),
                attack("sort of long strings", "local a, b = ('x'):rep(500000), ('x'):rep(499999) .. 'y' "
                        + "local t = {} for i = 1, 200 do t[i] = i % 2 == 0 and a or b end table.sort(t)",
                        Limit.INSTRUCTIONS),
                attack("error with a big message in a loop",
                        "local s = ('x'):rep(1000000) for i = 1, 100 do pcall(error, s) end", Limit.MEMORY),
                attack("tonumber of a long numeral in a loop",
                        "local s = ('1'):rep(1000000) for i = 1, 100 do tonumber(s) end", Limit.MEMORY),
                attack("max of many arguments in a loop", "local t = {} for i = 1, 10000 do t[i] = i end "
                        + "local u = table.unpack for i = 1, 100000 do math.max(u(t, 1, 200)) end", Limit.INSTRUCTIONS,
                        Limit.MEMORY),
                attack("remove from the front in a loop",
                        "local t = {} for i = 1, 100000 do t[i] = i end for i = 1, 100000 do table.remove(t, 1) end",
                        Limit.INSTRUCTIONS));
    }

    private static Arguments attack(String name, String source, Limit... limits) {
        return Arguments.of(name, source, limits);
    }

    /**
     * Each attack is stopped by its own limit, which the meter counted: an instruction limit once the charged work
     * passes it (library functions charge their work before or while doing it), a string or memory limit before the
     * attack allocated more than one largest string past its allowance. How long an attack takes to stop is measured
     * by the JMH {@code AttackBenchmark}, not asserted here.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackIsStoppedByItsLimit(String name, String source, Limit[] expected) {
        LuaValue chunk = globals.load(source, "attack");
        meter = new Meter(LIMITS);
        Throwable thrown = catchThrowable(chunk::invoke);

        assertThat(thrown).as(name).isInstanceOf(LimitExceeded.class);
        Limit limit = ((LimitExceeded) thrown).limit();
        assertThat(limit).as(name).isIn((Object[]) expected);
        assertThat(meter.tripped()).as("%s: the meter recorded the limit", name).isSameAs(thrown);
        switch (limit) {
            case INSTRUCTIONS -> assertThat(meter.instructions()).as("%s: instructions charged", name)
                    .isGreaterThan(LIMITS.instructions());
            case MEMORY, STRING_SIZE -> assertThat(meter.allocatedBytes()).as("%s: bytes allocated", name)
                    .isLessThanOrEqualTo(LIMITS.allocatedBytes() + LIMITS.stringBytes());
            default -> throw new AssertionError(name + ": no library attack should end with " + limit);
        }
        // the violation is sticky: any further metered call fails the same way
        assertThatThrownBy(() -> run("return string.upper('x')")).isSameAs(thrown);
    }

    /**
     * Issue #10, item 7: every LuaJ function left in place is charged by its arguments (one step per value or per
     * {@link MeteredLibraries#BYTES_PER_STEP} bytes) before it runs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("argumentCosts")
    void luajsFunctionsAreChargedByTheirArguments(String call, long atLeast) {
        run("big = ('7'):rep(100000) values = {} for i = 1, 5000 do values[i] = 65 end");
        meter = new Meter(LIMITS);
        run("return " + call);
        assertThat(meter.instructions()).as(call).isGreaterThanOrEqualTo(atLeast);
    }

    static Stream<Arguments> argumentCosts() {
        return Stream.of(
                Arguments.of("big:byte(1, -1)", 100_000L),
                Arguments.of("big:byte(-3000, -1)", 3_000L),
                Arguments.of("string.char(table.unpack(values, 1, 200)) .. string.char(table.unpack(values, 1, 200))",
                        400L + 2 * 200),
                Arguments.of("big:sub(1, 64000) .. big:sub(-64000)", 2_000L),
                Arguments.of("big:reverse()", 100_000 / MeteredLibraries.BYTES_PER_STEP),
                Arguments.of("table.pack(table.unpack(values, 1, 200)) and table.pack(table.unpack(values, 1, 200))",
                        400L + 2 * 200),
                Arguments.of("math.max(table.unpack(values, 1, 200)) + math.min(table.unpack(values, 1, 200))",
                        400L + 2 * 200),
                Arguments.of("tonumber(big) and tonumber(big)", 2 * 100_000 / MeteredLibraries.BYTES_PER_STEP));
    }

    @Test
    void luajsFunctionsKeepTheirResults() {
        Varargs r = run("""
                local s = 'hello'
                return s:sub(2, 3), s:sub(-3), s:sub(0), s:sub(4, 100), s:sub(3, 2), select('#', s:byte(2, 4)),
                       s:byte(-1), select('#', s:byte(10)), s:reverse(), string.char(104, 105),
                       table.pack(1, nil, 3).n, math.max(3, 9, 2), math.min(3, 9, 2), tonumber('0x10'),
                       pcall(error, 'plain', 0)
                """);
        assertThat(r.arg(1).tojstring()).isEqualTo("el");
        assertThat(r.arg(2).tojstring()).isEqualTo("llo");
        assertThat(r.arg(3).tojstring()).isEqualTo("hello");
        assertThat(r.arg(4).tojstring()).isEqualTo("lo");
        assertThat(r.arg(5).tojstring()).isEmpty();
        assertThat(r.arg(6).toint()).isEqualTo(3);
        assertThat(r.arg(7).toint()).isEqualTo('o');
        assertThat(r.arg(8).toint()).isZero();
        assertThat(r.arg(9).tojstring()).isEqualTo("olleh");
        assertThat(r.arg(10).tojstring()).isEqualTo("hi");
        assertThat(r.arg(11).toint()).isEqualTo(3);
        assertThat(r.arg(12).toint()).isEqualTo(9);
        assertThat(r.arg(13).toint()).isEqualTo(2);
        assertThat(r.arg(14).toint()).isEqualTo(16);
        assertThat(r.arg(15).toboolean()).isFalse();
        assertThat(r.arg(16).tojstring()).isEqualTo("plain");
        assertThat(catchThrowable(() -> run("return string.char(256)"))).isInstanceOf(LuaError.class)
                .hasMessageContaining("bad argument #1");
    }

    @Test
    void pcallCannotSwallowALimit() {
        Throwable thrown = catchThrowable(() -> run("""
                local ok, err = pcall(string.rep, 'x', 1e9)
                return ok, err
                """));
        assertThat(thrown).isInstanceOf(LimitExceeded.class);
        assertThat(((LimitExceeded) thrown).limit()).isEqualTo(Limit.STRING_SIZE);
    }

    @Test
    void deeplyNestedPatternIsALuaErrorNotAStackOverflow() {
        Varargs r = run("""
                return pcall(string.find, ('a'):rep(100000), ('a?'):rep(100000))
                """);
        assertThat(r.arg(1).toboolean()).isFalse();
        assertThat(r.arg(2).tojstring()).contains("pattern too complex");
        assertThat(meter.tripped()).isNull();
    }

    @Test
    void patternWorkIsCharged() {
        run("return ('a'):rep(10000):find('[b]')");
        assertThat(meter.instructions()).isGreaterThanOrEqualTo(10000);
        meter = new Meter(LIMITS);
        run("return ('a'):rep(10000):find('b', 1, true)");
        assertThat(meter.instructions()).isBetween(10000L, 12000L);
    }

    @Test
    void sortCountsComparatorCallsAndPropagatesItsErrors() {
        Varargs r = run("""
                local calls = 0
                local t = {}
                for i = 1, 1000 do t[i] = (i * 7919) % 1000 end
                table.sort(t, function(a, b) calls = calls + 1 return a < b end)
                for i = 2, #t do assert(t[i - 1] <= t[i]) end
                return calls
                """);
        long calls = r.arg1().tolong();
        assertThat(calls).isPositive();
        assertThat(meter.instructions()).isGreaterThanOrEqualTo(calls);
        Throwable error = catchThrowable(() -> run("table.sort({3, 2, 1}, function(a, b) error('boom') end)"));
        assertThat(error).isInstanceOf(LuaError.class).hasMessageContaining("boom");
    }

    @Test
    void upperAndLowerAreAsciiOnly() {
        Varargs r = run("return string.upper('abc\\233\\255xyz'), string.lower('ABC\\201\\255XYZ')");
        assertThat(r.arg(1).checkstring().m_bytes).isEqualTo(
                new byte[] {'A', 'B', 'C', (byte) 233, (byte) 255, 'X', 'Y', 'Z'});
        assertThat(r.arg(2).checkstring().m_bytes).isEqualTo(
                new byte[] {'a', 'b', 'c', (byte) 201, (byte) 255, 'x', 'y', 'z'});
    }

    @Test
    void eachCallUsesTheCurrentMeter() {
        LuaValue iterator = run("return string.gmatch(('ab'):rep(100), 'a')").arg1();
        Meter first = meter;
        Meter second = new Meter(LIMITS);
        meter = second;
        long before = first.instructions();
        iterator.call();
        assertThat(second.instructions()).isPositive();
        assertThat(first.instructions()).isEqualTo(before);
    }

    @Test
    void otherFunctionsStayLuajs() {
        LuaTable string = (LuaTable) globals.get("string");
        assertThat(string.get("rep").getClass().getName()).startsWith("dev.comet.lua.");
        assertThat(string.get("len").getClass().getName()).startsWith("org.luaj.");
        Varargs r = run("return string.len('abc'), string.sub('hello', 2, 3), string.byte('A'), string.reverse('ab')");
        assertThat(r.arg(1).toint()).isEqualTo(3);
        assertThat(r.arg(2).tojstring()).isEqualTo("el");
        assertThat(r.arg(3).toint()).isEqualTo(65);
        assertThat(r.arg(4).tojstring()).isEqualTo("ba");
    }
}
