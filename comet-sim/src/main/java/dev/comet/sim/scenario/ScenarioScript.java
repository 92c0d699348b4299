package dev.comet.sim.scenario;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.id.NodeId;
import dev.comet.sim.SessionTimes;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A scenario file, loaded: a Lua driver script run with plain LuaJ outside the sandbox (it is the user's own
 * program, like a test), whose top level declares the scenario ({@code scenario}, {@code network}, {@code object},
 * {@code series}, {@code check}, {@code at}, {@code every}) and whose timeline functions call the operations of
 * {@link ScenarioOperations} once the run has bound them. Owns the script's Lua globals and the declarations
 * collected while its top level runs; used on one thread.
 */
public final class ScenarioScript {
    private static final String[] HANDLERS = {"onPut", "onGet", "onUpdate", "onDelete", "onTimer"};
    /** The longest time a scenario may name: ten years of virtual seconds (no overflow in milliseconds). */
    static final long MAX_SECONDS = 10L * 366 * 86_400;

    private final Path file;
    private final String fileName;
    private final boolean withoutHandlers;
    private final Globals globals = new Globals();
    private final Map<String, Scenario.ObjectSpec> objects = new LinkedHashMap<>();
    private final Map<String, Scenario.SeriesSpec> series = new LinkedHashMap<>();
    private final List<Scenario.CheckSpec> checks = new ArrayList<>();
    private final List<Scenario.Action> actions = new ArrayList<>();
    private String name;
    private long seed = 1;
    private long durationSeconds = -1;
    private Scenario.Network network = new Scenario.Network(100, 10, 100, 0, 120, SessionTimes.NONE, null, false);
    private boolean loaded;
    private ScenarioOperations operations;

    private ScenarioScript(Path file, boolean withoutHandlers) {
        this.file = file;
        this.fileName = file.getFileName().toString();
        this.withoutHandlers = withoutHandlers;
        this.name = fileName.replaceFirst("\\.lua$", "").replaceFirst("\\.scenario$", "");
    }

    /**
     * Loads and runs the top level of the scenario file {@code file}; {@code withoutHandlers} puts every object with
     * its handlers removed. A file that does not load is a {@link CometException} ({@link ErrorCode#SCENARIO_INVALID})
     * whose message starts with the file's name and line.
     */
    public static ScenarioScript load(Path file, boolean withoutHandlers) {
        ScenarioScript script = new ScenarioScript(file, withoutHandlers);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "cannot read the scenario " + file + ": " + e.getMessage());
        }
        script.install();
        script.guard(() -> {
            script.globals.load(text, "@" + script.fileName).call();
            return null;
        });
        script.loaded = true;
        if (script.durationSeconds < 0) {
            throw script.invalid(script.fileName + ": scenario{duration = SECONDS} is missing: how long the timeline runs");
        }
        return script;
    }

    /** What the file declared. */
    public Scenario scenario() {
        return new Scenario(name, fileName, seed, durationSeconds, network, List.copyOf(objects.values()),
                List.copyOf(series.values()), checks, actions);
    }

    /** The first error a callback of the script ended with (see {@link #guardDeferred}). */
    private CometException deferred;

    /** Binds the timeline's operations to a run; until then they are refused. */
    void bind(ScenarioOperations operations) {
        this.operations = operations;
        operations.install(globals, this);
    }

    /** Runs {@code body} (Lua code of the script): a Lua error becomes the scenario's error, with its file and line. */
    <T> T guard(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (LuaError e) {
            throw invalid(clean(e.getMessage()));
        } catch (StackOverflowError e) {
            throw invalid(fileName + ": the script recursed too deeply");
        }
    }

    /**
     * Runs {@code body} (Lua code of the script) from inside a node's callback, where a thrown error would be taken
     * for the node's own and counted away: the first error is kept for {@link #rethrowDeferred} instead.
     */
    void guardDeferred(Runnable body) {
        if (deferred != null) {
            return;
        }
        try {
            guard(() -> {
                body.run();
                return null;
            });
        } catch (CometException e) {
            deferred = e;
        }
    }

    /** True once a callback of the script failed: the run stops there. */
    boolean failedInCallback() {
        return deferred != null;
    }

    /** Throws the error a callback of the script ended with, if any. */
    void rethrowDeferred() {
        if (deferred != null) {
            throw deferred;
        }
    }

    CometException invalid(String message) {
        return new CometException(ErrorCode.SCENARIO_INVALID, message);
    }

    /** LuaJ's message as a person reads it: "file:line: message", no traceback. */
    private String clean(String message) {
        String m = message == null ? "error" : message;
        int traceback = m.indexOf("\nstack traceback");
        if (traceback >= 0) {
            m = m.substring(0, traceback);
        }
        m = m.replace("@" + fileName, fileName).replace("unexpected symbol 286 (\u011e)", "unexpected end of file");
        m = m.replaceFirst("^(" + java.util.regex.Pattern.quote(fileName) + ":\\d+) ", "$1: ");
        if (m.contains("called outside a metered invocation")) {
            // string methods (s:upper()) go to the sandbox's metered string table, shared by the JVM
            m += " (in a scenario, call string functions as string.upper(s), not s:upper())";
        }
        return m.startsWith(fileName) ? m : fileName + ": " + m;
    }

    /** The line of the script that called the Java function running now. */
    int callerLine() {
        LuaValue info = globals.get("debug").get("getinfo").call(LuaValue.valueOf(1), LuaValue.valueOf("l"));
        return info.istable() ? info.get("currentline").toint() : 0;
    }

    /** Declarations are made while the top level runs, not from the timeline. */
    private void declaring(String what) {
        if (loaded) {
            throw new LuaError(what + " declares the scenario: call it at the top level of the file, not from the timeline");
        }
    }

    private void install() {
        globals.load(new JseBaseLib());
        globals.load(new PackageLib());
        globals.load(new Bit32Lib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        globals.load(new DebugLib());
        LoadState.install(globals);
        LuaC.install(globals);
        for (String unsafe : new String[] {"dofile", "loadfile", "require", "package", "io", "os", "luajava"}) {
            globals.rawset(unsafe, LuaValue.NIL);
        }
        globals.get("math").get("randomseed").call(LuaValue.valueOf(0));
        function("scenario", args -> {
            declaring("scenario");
            LuaTables o = LuaTables.of("scenario", args, "name", "seed", "duration");
            name = o.string("name", name);
            seed = o.integer("seed", seed, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2);
            durationSeconds = o.integer("duration", durationSeconds, 1, MAX_SECONDS);
            return LuaValue.NONE;
        });
        function("network", args -> {
            declaring("network");
            network = NetworkOptions.read(LuaTables.of("network", args, NetworkOptions.FIELDS));
            return LuaValue.NONE;
        });
        function("object", args -> {
            declaring("object");
            Scenario.ObjectSpec spec = object(LuaTables.of("object", args,
                    "name", "file", "code", "key", "replicas", "ttl", "timer", "set"));
            if (objects.containsKey(spec.name())) {
                throw new LuaError("object{name = '" + spec.name() + "'} is declared twice");
            }
            objects.put(spec.name(), spec);
            return handle(spec);
        });
        function("series", args -> {
            declaring("series");
            LuaTables o = LuaTables.of("series", args, "name", "every", "sample");
            String n = o.string("name", null);
            if (n == null) {
                throw new LuaError("series{name = ...} is missing");
            }
            if (series.containsKey(n)) {
                throw new LuaError("series '" + n + "' is declared twice");
            }
            LuaFunction sample = o.function("sample");
            long every = o.integer("every", sample == null ? 0 : 60, 0, 366L * 86_400);
            if (sample != null && every < 1) {
                throw new LuaError("series{every = SECONDS} must be at least 1 for a sampled series");
            }
            if (sample == null && o.has("every")) {
                throw new LuaError("series{every = ...} needs sample = function() ... end");
            }
            series.put(n, new Scenario.SeriesSpec(n, every, sample, callerLine()));
            return LuaValue.NONE;
        });
        function("check", args -> {
            declaring("check");
            checks.add(check(LuaTables.of("check", args, "name", "series", "stat", "value", "equals", "at_least",
                    "at_most", "at")));
            return LuaValue.NONE;
        });
        function("at", args -> {
            declaring("at");
            long at = seconds("at", args.arg(1));
            actions.add(new Scenario.Action(at, 0, at, args.checkfunction(2), null, callerLine()));
            return LuaValue.NONE;
        });
        function("every", args -> {
            declaring("every");
            long every = seconds("every", args.arg(1));
            if (every < 1) {
                throw new LuaError("every(SECONDS, ...) needs an interval of at least 1 second");
            }
            LuaFunction run = args.checkfunction(2);
            LuaTables o = LuaTables.of("every", args.arg(3), "from", "to", "stop_when");
            long from = o.integer("from", 0, 0, MAX_SECONDS);
            long to = o.integer("to", MAX_SECONDS, from, MAX_SECONDS);
            actions.add(new Scenario.Action(from, every, to, run, o.function("stop_when"), callerLine()));
            return LuaValue.NONE;
        });
        // every other operation exists once the run binds it; before that it says so
        for (String op : ScenarioOperations.NAMES) {
            function(op, args -> {
                throw new LuaError(op + " runs in the timeline: call it from a function given to at(...) or every(...)");
            });
        }
        // strict names: a misspelt operation or variable is an error naming it, not a call of nil
        LuaTable meta = new LuaTable();
        meta.set(LuaValue.INDEX, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                throw new LuaError("unknown operation or name '" + args.arg(2).tojstring()
                        + "' (docs/scenarios.md lists the operations)");
            }
        });
        globals.setmetatable(meta);
    }

    private void function(String name, Function<Varargs, Varargs> body) {
        globals.rawset(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.apply(args);
            }
        });
    }

    private static long seconds(String call, LuaValue v) {
        if (!v.isnumber() || v.todouble() < 0 || v.todouble() > MAX_SECONDS || v.todouble() != Math.rint(v.todouble())) {
            throw new LuaError(call + "(SECONDS, ...) needs a whole number of seconds, at least 0; got " + v.tojstring());
        }
        return v.tolong();
    }

    private Scenario.ObjectSpec object(LuaTables o) {
        String objectName = o.string("name", null);
        if (objectName == null) {
            throw new LuaError("object{name = ...} is missing");
        }
        String code = o.string("code", null);
        String codeFile = o.string("file", null);
        if ((code == null) == (codeFile == null)) {
            throw new LuaError("object{...} needs either file = 'handlers.lua' or code = '...', not both");
        }
        if (codeFile != null) {
            Path path = file.toAbsolutePath().getParent().resolve(codeFile);
            try {
                code = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new LuaError("object{file = '" + codeFile + "'}: cannot read " + path);
            }
        }
        StringBuilder settings = new StringBuilder();
        if (o.has("timer")) {
            settings.append("aso.timerInterval = ").append(o.integer("timer", 0, 1, 366L * 86_400)).append('\n');
        }
        settings.append(assignments("object{set = {...}}", o.table("set")));
        if (withoutHandlers) {
            settings.append(String.join(", ", HANDLERS)).append(" = nil, nil, nil, nil, nil\n");
            for (String h : HANDLERS) {
                settings.append("aso.").append(h).append(" = nil\n");
            }
        }
        // "do" on the first line keeps the file's line numbers in the node's error messages
        String finalCode = settings.length() == 0 ? code : "do " + code + "\nend\n" + settings;
        String keyText = o.string("key", objectName);
        return new Scenario.ObjectSpec(objectName, keyText, NodeId.ofKey(keyText), finalCode,
                (int) o.integer("replicas", 8, 1, 20), o.integer("ttl", 7200, 1, 7L * 86_400));
    }

    /**
     * The lines {@code aso.FIELD = VALUE} that {@code set} asks for, in field order (none for null); {@code call} names
     * the declaration or operation in errors.
     */
    static String assignments(String call, LuaTable set) {
        if (set == null) {
            return "";
        }
        Map<String, LuaValue> sorted = new TreeMap<>();
        for (LuaValue k = set.next(LuaValue.NIL).arg1(); !k.isnil(); k = set.next(k).arg1()) {
            if (!k.isstring() || !k.tojstring().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new LuaError(call + " takes field names, got " + k.tojstring());
            }
            sorted.put(k.tojstring(), set.rawget(k));
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append("aso.").append(k).append(" = ").append(literal(call, k, v)).append('\n'));
        return out.toString();
    }

    /** {@code v} as a Lua literal: strings quoted, numbers and booleans as they are. */
    private static String literal(String call, String field, LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return v.tojstring();
        }
        if (v.isboolean()) {
            return v.tojstring();
        }
        if (v.type() == LuaValue.TSTRING) {
            StringBuilder out = new StringBuilder("\"");
            org.luaj.vm2.LuaString str = v.checkstring();
            for (int i = 0; i < str.m_length; i++) {
                int c = str.m_bytes[str.m_offset + i] & 0xff;
                if (c == '"' || c == '\\' || c < 32 || c > 126) {
                    out.append(String.format("\\%03d", c));
                } else {
                    out.append((char) c);
                }
            }
            return out.append('"').toString();
        }
        throw new LuaError(call + ": " + field + " takes strings, numbers and booleans, got " + v.typename());
    }

    private Scenario.CheckSpec check(LuaTables o) {
        String checkName = o.string("name", null);
        if (checkName == null) {
            throw new LuaError("check{name = ...} is missing");
        }
        String seriesName = o.string("series", null);
        LuaFunction value = o.function("value");
        if ((seriesName == null) == (value == null)) {
            throw new LuaError("check '" + checkName + "' needs either series = NAME (with stat) or value = function");
        }
        if (seriesName != null && !series.containsKey(seriesName)) {
            throw new LuaError("check '" + checkName + "' names the series '" + seriesName
                    + "', which is not declared (declare it with series{name = ...} before the check)");
        }
        String stat = o.string("stat", "last");
        if (!Series.STATS.contains(stat)) {
            throw new LuaError("check{stat = '" + stat + "'} must be one of " + String.join(", ", Series.STATS));
        }
        String comparison = null;
        for (String c : new String[] {"equals", "at_least", "at_most"}) {
            if (o.has(c)) {
                if (comparison != null) {
                    throw new LuaError("check '" + checkName + "' has both " + comparison + " and " + c);
                }
                comparison = c;
            }
        }
        if (comparison == null) {
            throw new LuaError("check '" + checkName + "' needs equals, at_least or at_most");
        }
        LuaValue expected = o.raw(comparison);
        if (!comparison.equals("equals") && !expected.isnumber()) {
            throw new LuaError("check{" + comparison + " = ...} must be a number");
        }
        long at = o.integer("at", -1, 0, MAX_SECONDS);
        return new Scenario.CheckSpec(checkName, seriesName, stat, value, comparison, expected, at, callerLine());
    }

    /** The Lua value that stands for an object in the script: a userdata only the operations can read. */
    private static LuaValue handle(Scenario.ObjectSpec spec) {
        LuaUserdata u = new LuaUserdata(spec);
        LuaTable meta = new LuaTable();
        meta.set(LuaValue.TOSTRING, new org.luaj.vm2.lib.OneArgFunction() {
            @Override
            public LuaValue call(LuaValue arg) {
                return LuaValue.valueOf("object '" + spec.name() + "'");
            }
        });
        meta.set(LuaValue.INDEX, new org.luaj.vm2.lib.TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue self, LuaValue field) {
                return switch (field.tojstring()) {
                    case "name" -> LuaValue.valueOf(spec.name());
                    case "key" -> LuaValue.valueOf(spec.key().toHex());
                    default -> throw new LuaError("an object has the fields name and key, not " + field.tojstring());
                };
            }
        });
        u.setmetatable(meta);
        return u;
    }

    /** The object {@code v} stands for (a value object{...} returned), or a Lua error naming {@code call}. */
    static Scenario.ObjectSpec objectOf(String call, LuaValue v) {
        if (v.isuserdata(Scenario.ObjectSpec.class)) {
            return (Scenario.ObjectSpec) v.touserdata(Scenario.ObjectSpec.class);
        }
        throw new LuaError(call + " needs an object (the value object{...} returned), got " + v.typename());
    }

    Path file() {
        return file;
    }

    ScenarioOperations operations() {
        return operations;
    }
}
