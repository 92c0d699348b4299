package dev.comet.lua;

import dev.comet.aso.HandlerEngine;
import dev.comet.aso.HandlerLimits;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Run by {@link WarmupTest} in a JVM of its own, with class loading logged: starts a sandbox (which warms the JVM
 * up), prints a marker, then runs handlers that reach every library function (the Lua 5.2 cases of
 * {@link MeteredLibrariesTest}), the hostile bodies of {@link SandboxTest} and deep recursions that end on the Java
 * stack's edge, and prints a second marker. Any class loaded between the markers was first used by a handler.
 */
public final class WarmupProbe {
    static final String WARMED = "== warmed up ==";
    static final String DONE = "== handlers done ==";

    private WarmupProbe() {
    }

    public static void main(String[] args) {
        Sandbox sandbox = new Sandbox(args.length > 0 ? HandlerEngine.valueOf(args[0]) : HandlerEngine.INTERPRETER);
        // everything the probe itself needs is built before the marker: only the handlers' runs are watched
        HandlerLimits limits = HandlerLimits.builder().instructions(100_000_000).wallMillis(60_000)
                .codeBytes(1 << 20).build();
        AsoContext context = new AsoContext("127.0.0.1", "ab".repeat(20), "probe", () -> 1L);
        StringBuilder code = new StringBuilder(MeteredLibrariesTest.PRELUDE).append("\nlocal cases = {\n");
        for (String[] c : MeteredLibrariesTest.CASES) {
            code.append("function() return ").append(c[0]).append(" end,\n");
        }
        code.append("}\nfunction onGet() local out = {} for i = 1, #cases do out[i] = render(cases[i]) end "
                + "return table.concat(out, '\\n') end\n");
        String[] bodies = {
            "while true do end", "local function f(n) return 1 + f(n + 1) end return f(1)",
            "local function f() return pcall(f) end return f()",
            "local function f(s) return s:gsub('.', f) end return f('ab')",
            "local t = setmetatable({}, {__tostring = function(t) return tostring(t) end}) return tostring(t)",
            "local s = 'x' while true do s = s .. s end", "return ('x'):rep(1e9)",
            "local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end",
            "return table.unpack({}, 1, 1e8)", "return ('a'):rep(20000):find('.-.-.-.-b')",
            "self.big = ('x'):rep(20000)", "self.a = {} self.a.b = self.a", "hoard = {}",
            "error(('x'):rep(1000))", "error({})", "return {1, 'x', {y = 2}}",
            // the edge of the Java stack, then every kind of call: nothing may initialise there
            "local function f() local ok = pcall(f) if not ok then string.format('%5.2f %q', 1.5, 'x') "
                + "tostring(1e300) string.rep('x', 3) table.sort({3, 1, 2}) math.max(1, 2) error('deep') end end "
                + "return f()",
        };
        String casesCode = code.toString();
        String[] objects = new String[bodies.length];
        for (int i = 0; i < bodies.length; i++) {
            objects[i] = "aso.n = 0\nfunction onGet(caller, args)\n" + bodies[i] + "\nend";
        }
        HandlerLimits defaults = HandlerLimits.defaults().withWallMillis(60_000);
        LuaValue[] handlerArgs = {new LuaTable(), new LuaTable()};
        System.out.println(WARMED);
        System.out.flush();

        AsoInstance cases = sandbox.load(casesCode, "=cases", null, context, limits);
        sandbox.invoke(cases, "onGet", handlerArgs, 1, limits);
        for (String object : objects) {
            System.out.println("== object ==");
            System.out.println(object.replace('\n', ' '));
            System.out.flush();
            AsoInstance o = sandbox.load(object, "=probe", null, context, defaults);
            InvocationResult r = sandbox.invoke(o, "onGet", handlerArgs, 1, defaults);
            if (r.ok()) {
                LuaValues.render(r.value());
            }
        }
        System.out.flush();
        System.out.println(DONE);
        System.out.flush();
    }
}
