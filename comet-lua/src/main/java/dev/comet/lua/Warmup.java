package dev.comet.lua;

import dev.comet.aso.HandlerLimits;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Initialises, once per JVM and on a shallow stack, every class a handler can reach (issue #10): a
 * {@link StackOverflowError} thrown inside a class's static initialisation leaves that class unusable for the
 * rest of the JVM's life ({@code NoClassDefFoundError} on every later use), so a handler that recursed to the
 * edge of the Java stack and then made some class initialise for the first time would break every object on the
 * node. The first {@link Sandbox} of the JVM runs this before it serves anything.
 *
 * <p>Owns the list of what is warmed up: every class of LuaJ's VM, libraries and compiler and of this package
 * (initialised by name), and a run of every library function, the comet table, errors, limits, the state codec
 * and conversions in a sandbox (for the JDK classes and call sites those use on first call: number formatting,
 * string concatenation, exceptions).
 */
final class Warmup {
    /** LuaJ's packages a handler reaches (not luajava, luajc, script or server, which are never installed). */
    private static final List<String> LUAJ_PACKAGES = List.of("org/luaj/vm2/", "org/luaj/vm2/lib/",
            "org/luaj/vm2/lib/jse/", "org/luaj/vm2/compiler/");
    private static final List<String> LUAJ_EXCLUDED = List.of("Luajava", "Coerce", "JavaClass", "JavaMember",
            "JavaMethod", "JavaConstructor", "JavaInstance", "JavaArray", "JavaField", "JseProcess", "JseIoLib",
            "JseOsLib", "JsePlatform", "JseStringLib", "IoLib", "OsLib", "CoroutineLib", "DebugLib$");

    /**
     * Every library function, with results, errors and a limit each. Run as an object's onGet; each line is in its
     * own pcall so one failure (most are meant) does not skip the rest.
     */
    static final String PROGRAM = """
            aso.n = 1
            aso.t = {1, 'two', {x = 3.5, [4] = true}}
            local setup = {n = 0}
            function onGet(caller, args)
              local calls = {
                function() return string.byte('abc', 1, -1), string.char(65, 66), string.sub('hello', 2, -2) end,
                function() return string.reverse('ab'), string.len('abc'), string.upper('a'), string.lower('A') end,
                function() return string.rep('ab', 3, ','), string.find('a.b', '.', 1, true), ('x'):find('(x)') end,
                function() return string.match('key=val', '(%w+)=(%w+)'), string.gsub('abc', '%w', '%0%0') end,
                function() for k, v in string.gmatch('a=1, b=2', '(%w+)=(%w+)') do end return 1 end,
                function() return string.gsub('abc', 'b', {b = 'B'}), string.gsub('abc', 'b', function(c) return c end) end,
                function() return string.format('%d %5.2f %s %q %x %X %o %e %g %c %i %u %%', 1, 2.5, 'x', 'a\\n', 255,
                  255, 8, 1e10, 0.1, 65, 3, 4) end,
                function() return string.format('%-10s|%+.3d|%#x|%.0f|%a', 'x', 5, 255, 0.5, 1.0) end,
                function() return tostring(1/0), tostring(-1/0), tostring(0/0), tostring(1e300), tostring(2^53),
                  tostring(-0.0), tostring(1.5), 1 .. '', 1.5 .. '', tonumber('0x10'), tonumber('1e5'),
                  tonumber('z', 36), tonumber(' 12 '), tonumber('x') end,
                function() local t = {3, 1, 2} table.sort(t) table.sort(t, function(a, b) return a > b end)
                  table.insert(t, 4) table.insert(t, 1, 0) table.remove(t) table.remove(t, 1)
                  return table.concat(t, ','), table.unpack(t), table.pack(1, 2).n, unpack({1}) end,
                function() return math.max(1, 2), math.min(1, 2), math.floor(1.5), math.ceil(1.5), math.abs(-1),
                  math.sqrt(4), math.sin(1), math.cos(1), math.tan(1), math.asin(0.5), math.acos(0.5),
                  math.atan(1), math.atan2(1, 2), math.exp(1), math.log(2), math.log(8, 2), math.pow(2, 3),
                  math.fmod(5, 3), math.modf(1.5), math.frexp(8), math.ldexp(1, 3), math.deg(1), math.rad(1),
                  math.sinh(1), math.cosh(1), math.tanh(1), math.random(), math.random(5), math.random(2, 5),
                  math.huge, math.pi, 7 % 3, 2 ^ 0.5, -2 ^ 2 end,
                function() math.randomseed(7) return math.random(10) end,
                function() local mt = {__index = function(t, k) return k end, __newindex = function() end,
                  __call = function() return 1 end, __add = function() return 1 end, __eq = function() return true end,
                  __lt = function() return true end, __le = function() return true end, __len = function() return 1 end,
                  __concat = function() return 'c' end, __unm = function() return 1 end, __tostring = function() return 's' end}
                  local a, b = setmetatable({}, mt), setmetatable({}, mt)
                  return a.x, a(), a + 1, a == b, a < b, a <= b, #a, a .. 'x', -a, tostring(a), getmetatable(a) end,
                function() return select('#', 1, 2), select(2, 'a', 'b'), select(-1, 'a', 'b'), type(nil), rawlen({1}),
                  rawequal('a', 'a'), rawget({1}, 1), rawset({}, 1, 2), next({1}), assert(1, 'm') end,
                function() for i, v in ipairs({1, 2}) do end for k, v in pairs({a = 1}) do end return 1 end,
                function() return pcall(error, 'x'), pcall(error, {}), pcall(error, 'x', 0), pcall(error, 'x', 2),
                  pcall(error), xpcall(function() error('y') end, function(m) return m end) end,
                function() local x = nil return x.y end,
                function() return 1 + {} end,
                function() return #5 end,
                function() return ('x') < 1 end,
                function() return {} .. 'x' end,
                function() setup.n = setup.n + 1 return setup.n end,
                function() return string.rep('x', -1) end,
                function() return string.char(256) end,
                function() return string.format('%d', 'x') end,
                function() return ('x'):find('[') end,
                function() return ('x'):find('%') end,
                function() return ('x'):gsub('x', '%2') end,
                function() return table.concat({{}}) end,
                function() return table.insert({}, 1, 2, 3) end,
                function() return table.sort({3, 'a', 1}) end,
                function() return setmetatable('x', {}) end,
                function() return string.sub() end,
                function() return math.floor('x') end,
                function() return comet.lookup(), comet.nodeIP(), comet.nodeID(), comet.asoKey(), comet.systemTime(),
                  getSystemTime(), getNodeIP(), getNodeID(), getASOKey() end,
                function() comet.log('warm', 1, true, nil, {}, 2.5) end,
                function() comet.put(self, {}) end,
                function() comet.put('child', 'aso.x = 1', {}) end,
                function() comet.get('other', {}, 'onAnswer') end,
                function() comet.get('other', {{}}, 'onAnswer') end,
                function() comet.put(self, {{}}) end,
                function() global = 1 end,
                function() rawset(_G, 'x', 1) end,
                function() string.x = 1 end,
                function() table.insert(string, 1) end,
              }
              local out = {}
              for i = 1, #calls do out[i] = {pcall(calls[i])} end
              self.n = self.n + 1
              self.t[2] = 'three'
              return {1, 'x', {y = 2.5, [3] = false}, args and args.a, out[1][2]}
            end
            function aso:onAnswer(from, value, err) self.answered = err end
            -- a limit stops the whole invocation (pcall cannot catch it): one function for each, each reaching its
            -- limit in few instructions. Long loops here would get LuaJ's interpreter compiled with the warm-up's
            -- profile (every type and metamethod seen at its call sites), which slowed every later handler by a fifth
            function onTimer() return table.unpack({}, 1, 1e7) end
            function onPut() local function f() return f() + 1 end return f() end
            function onDelete() local s = 'x' while true do s = s .. s end end
            function onUpdate() return ('x'):rep(1e9) end
            function index() local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x end
            function unpacked() return table.unpack({}, 1, 1e8) end
            function memory() local s = ('x'):rep(1e6) return {s .. 'a', s .. 'b', s .. 'c', s .. 'd', s .. 'e'} end
            function state() self.big = ('x'):rep(20000) end
            function cycle() self.a = {} self.a.b = self.a end
            function stack() local function f() return pcall(f) end return f() end
            function sorted() local s = ('x'):rep(100000) local t = {} for i = 1, 1000 do t[i] = s end table.sort(t) end
            function bytes() return ('x'):rep(1000000):byte(1, -1) end
            function requests() local n = comet.lookup() for i = 1, 9 do comet.get('x', n, 'onAnswer') end end
            function chained() comet.get('x', {}, 'onAnswer') end
            """;

    private static boolean done;

    private Warmup() {
    }

    /** Warms up the JVM once, on {@code sandbox} (which must be new, and used on this thread). */
    static synchronized void ensure(Sandbox sandbox) {
        if (done) {
            return;
        }
        initialiseClasses(org.luaj.vm2.LuaValue.class, LUAJ_PACKAGES, LUAJ_EXCLUDED);
        initialiseClasses(Warmup.class, List.of("dev/comet/lua/"), List.of());
        run(sandbox);
        // only now: a second sandbox starting meanwhile waits here rather than serve a cold JVM
        done = true;
    }

    private static void run(Sandbox sandbox) {
        HandlerLimits limits = HandlerLimits.defaults().withWallMillis(60_000);
        AsoContext context = new AsoContext("127.0.0.1", "00".repeat(20), "warm-up", () -> 0L);
        AsoInstance o = sandbox.load(PROGRAM, "=warm-up", null, context, limits);
        LuaTable args = new LuaTable();
        args.set("a", LuaValue.valueOf("b"));
        for (String handler : new String[] {"onGet", "onGet", "onAnswer", "onTimer", "onPut", "onDelete", "onUpdate",
                "index", "unpacked", "memory", "state", "cycle", "stack", "sorted", "bytes", "requests", "chained"}) {
            o.mayRequest = !handler.equals("chained");
            InvocationResult r = sandbox.invoke(o, handler, new LuaValue[] {new LuaTable(), args}, 1, limits);
            if (r.ok() && r.value() != null) {
                LuaValues.render(r.value());
                LuaValues.toPlain(r.value());
            }
        }
        o.mayRequest = true;
        byte[] state = o.savedState();
        StateCodec.decode(state, 16);
        sandbox.load(PROGRAM, "=warm-up", state, context, limits);
        for (String bad : new String[] {"x =", "while true do end", "aso.big = ('x'):rep(20000)",
                "error(('x'):rep(600))", "return 1"}) {
            try {
                sandbox.load(bad, "=warm-up", null, context, limits);
            } catch (RuntimeException expected) {
                expected.getMessage();
            }
        }
    }

    /**
     * Initialises every class under {@code packages} (directories, not their subdirectories) of the jar or
     * directory {@code anchor} was loaded from, except those whose simple names start with an excluded prefix.
     */
    private static void initialiseClasses(Class<?> anchor, List<String> packages, List<String> excluded) {
        ClassLoader loader = anchor.getClassLoader();
        for (String name : classNames(anchor, packages)) {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            if (excluded.stream().anyMatch(simple::startsWith)) {
                continue;
            }
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // a class for an optional part of LuaJ whose dependencies are absent: no handler can reach it
            }
        }
    }

    private static List<String> classNames(Class<?> anchor, List<String> packages) {
        List<String> names = new ArrayList<>();
        try {
            File location = new File(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (location.isDirectory()) {
                for (String p : packages) {
                    File[] files = new File(location, p).listFiles();
                    if (files != null) {
                        for (File f : files) {
                            if (f.getName().endsWith(".class")) {
                                names.add((p + f.getName()).replace('/', '.').replace(".class", ""));
                            }
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location)) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        String n = entries.nextElement().getName();
                        int slash = n.lastIndexOf('/');
                        if (n.endsWith(".class") && packages.contains(n.substring(0, slash + 1))) {
                            names.add(n.replace('/', '.').substring(0, n.length() - ".class".length()));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("cannot list the classes to warm up from " + anchor, e);
        }
        return names;
    }
}
