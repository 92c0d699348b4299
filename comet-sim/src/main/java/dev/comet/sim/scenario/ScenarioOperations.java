package dev.comet.sim.scenario;

import dev.comet.CometError;
import dev.comet.aso.ObjectStorage;
import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.id.NodeId;
import dev.comet.lua.BencodeLua;
import dev.comet.lua.StateCodec;
import dev.comet.sim.SimNetwork;
import dev.comet.sim.Simulation;
import dev.comet.sim.Simulation.SimNode;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The operations a scenario's timeline calls (put, get, delete, kills, joins, partitions, records) and the probes it
 * reads (replicas, states, handler work), bound to one running {@link Simulation}. Owns the run's counters of
 * operations and its notes; every call comes from the simulator's thread.
 */
final class ScenarioOperations {
    /** Lists and dictionaries nested deeper than this in an answer reach the scenario as nil. */
    private static final int ANSWER_DEPTH = 32;
    /** Every name the timeline may call, for the script's "runs in the timeline" refusals before the run. */
    static final List<String> NAMES = List.of("put", "update", "get", "delete", "kill", "kill_replicas", "join_near",
            "partition", "pick", "alive", "node_id", "address", "latency", "coordinates", "holds", "record", "note", "now", "replicas", "states", "live_nodes",
            "handler_messages", "instructions", "invocations", "datagrams", "stat");

    private final Simulation simulation;
    private final Map<String, Series> series;
    private final Map<String, Scenario.SeriesSpec> specs;
    private final long startMillis;
    private final Map<String, Long> counters = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();
    /** The operations under way (put, update, get, delete), by a number each, with the node running them. */
    private final Map<Long, SimNode> running = new HashMap<>();
    private long operations;
    private ScenarioScript script;

    ScenarioOperations(Simulation simulation, Map<String, Series> series, Map<String, Scenario.SeriesSpec> specs,
                       long startMillis) {
        this.simulation = simulation;
        this.series = series;
        this.specs = specs;
        this.startMillis = startMillis;
    }

    /** Virtual seconds since the timeline started. */
    double now() {
        return (simulation.network().now() - startMillis) / 1000.0;
    }

    /**
     * The run's counters, with the operations still under way: {@code operations_lost_with_node} ran on a node
     * that has left (a crash ends them unanswered), {@code operations_unfinished} on a node still there.
     */
    Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>(counters);
        long lost = running.values().stream().filter(n -> !n.host().alive()).count();
        if (lost > 0) {
            out.put("operations_lost_with_node", lost);
        }
        if (running.size() > lost) {
            out.put("operations_unfinished", running.size() - lost);
        }
        return out;
    }

    /** Registers an operation {@code from} runs; {@code whenDone} runs when it completes, the operation settled first. */
    private <T> Consumer<T> tracked(SimNode from, Consumer<T> whenDone) {
        long id = operations++;
        running.put(id, from);
        // run by the driver once the window of the event that completed it is over (SimNetwork#driver)
        return simulation.network().driver(result -> {
            running.remove(id);
            whenDone.accept(result);
        });
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    void install(Globals g, ScenarioScript owner) {
        this.script = owner;
        op(g, "put", a -> {
            Scenario.ObjectSpec o = ScenarioScript.objectOf("put", a.arg(1));
            return put("put", o, o.code(), LuaTables.of("put", a.arg(2), "from", "on"));
        });
        op(g, "update", a -> {
            Scenario.ObjectSpec o = ScenarioScript.objectOf("update", a.arg(1));
            LuaTables opts = LuaTables.of("update", a.arg(2), "set", "from", "on");
            // the object's own code, then the fields the update sets: replicas holding it run onUpdate
            String code = o.code() + "\n" + ScenarioScript.assignments("update(o, {set = {...}})", opts.table("set"));
            return put("update", o, code, opts);
        });
        op(g, "get", a -> {
            Scenario.ObjectSpec o = ScenarioScript.objectOf("get", a.arg(1));
            LuaTables opts = LuaTables.of("get", a.arg(2), "from", "args", "all", "on");
            SimNode from = from(opts);
            LuaFunction on = opts.function("on");
            Map<String, byte[]> args = arguments(opts.table("args"));
            count("gets");
            if (from == null) {
                callback(on, left());
                return LuaValue.NONE;
            }
            from.node().getObject(o.key(), args, opts.bool("all", false), tracked(from, (List<ObjectAnswer> answers) -> {
                if (answers.isEmpty()) {
                    LuaTable none = new LuaTable();
                    none.set("found", LuaValue.FALSE);
                    callback(on, none);
                }
                for (ObjectAnswer answer : answers) {
                    if (answer.error() == null) {
                        count("gets_answered");
                    }
                    callback(on, answer(answer));
                }
            }));
            return LuaValue.NONE;
        });
        op(g, "delete", a -> {
            Scenario.ObjectSpec o = ScenarioScript.objectOf("delete", a.arg(1));
            LuaTables opts = LuaTables.of("delete", a.arg(2), "from", "on");
            SimNode from = from(opts);
            LuaFunction on = opts.function("on");
            count("deletes");
            if (from == null) {
                callback(on, left());
                return LuaValue.NONE;
            }
            from.node().deleteObject(o.key(), tracked(from, outcome -> callback(on, written(outcome))));
            return LuaValue.NONE;
        });
        op(g, "kill", a -> {
            int n = a.checkint(1);
            int killed = 0;
            for (; killed < n && simulation.liveNodes().size() > 1; killed++) {
                List<SimNode> live = simulation.liveNodes();
                simulation.leave(live.get(simulation.network().random().nextInt(live.size())));
            }
            counters.merge("killed", (long) killed, Long::sum);
            return LuaValue.valueOf(killed);
        });
        op(g, "kill_replicas", a -> {
            Scenario.ObjectSpec o = ScenarioScript.objectOf("kill_replicas", a.arg(1));
            int n = a.optint(2, Integer.MAX_VALUE);
            List<SimNode> holders = holders(o.key());
            LuaTable killed = new LuaTable();
            for (int i = 0; i < n && !holders.isEmpty(); i++) {
                SimNode victim = holders.remove(simulation.network().random().nextInt(holders.size()));
                simulation.leave(victim);
                killed.insert(0, LuaValue.valueOf(victim.node().id().toHex()));
            }
            counters.merge("killed", (long) killed.length(), Long::sum);
            return killed;
        });
        op(g, "join_near", a -> {
            Scenario.ObjectSpec o = ScenarioScript.objectOf("join_near", a.arg(1));
            int n = a.checkint(2);
            int bits = (int) LuaTables.of("join_near", a.arg(3), "bits").integer("bits", 32, 0, 159);
            if (n < 0) {
                throw new LuaError("join_near(object, COUNT) needs COUNT >= 0");
            }
            LuaTable joined = new LuaTable();
            for (int i = 0; i < n; i++) {
                joined.insert(0, new LuaUserdata(
                        simulation.join(o.key().randomWithSharedPrefix(bits, simulation.network().random()))));
            }
            counters.merge("joined_near", (long) n, Long::sum);
            return joined;
        });
        op(g, "partition", a -> {
            double fraction = a.checkdouble(1);
            long seconds = a.checklong(2);
            if (!(fraction > 0 && fraction < 1) || seconds < 1) {
                throw new LuaError("partition(FRACTION, SECONDS) needs 0 < FRACTION < 1 and SECONDS >= 1");
            }
            List<SimNode> live = new ArrayList<>(simulation.liveNodes());
            int n = (int) Math.round(fraction * live.size());
            List<SimNetwork.Host> cut = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cut.add(live.remove(simulation.network().random().nextInt(live.size())).host());
            }
            // the cut-off nodes still hear each other: one side of a partition, the network's one mechanism for it
            simulation.network().faults().split(cut, seconds * 1000);
            return LuaValue.valueOf(n);
        });
        op(g, "pick", a -> {
            LuaTables opts = LuaTables.of("pick", a.arg(1), "holding");
            SimNode chosen;
            if (opts.has("holding")) {
                List<SimNode> holders = holders(ScenarioScript.objectOf("pick{holding}", opts.raw("holding")).key());
                if (holders.isEmpty()) {
                    return LuaValue.NIL;
                }
                chosen = holders.get(simulation.network().random().nextInt(holders.size()));
            } else {
                chosen = simulation.randomReadyNode();
            }
            return new LuaUserdata(chosen);
        });
        op(g, "alive", a -> LuaValue.valueOf(node("alive", a.arg(1)).host().alive()));
        op(g, "holds", a -> {
            SimNode n = node("holds", a.arg(1));
            Scenario.ObjectSpec o = ScenarioScript.objectOf("holds", a.arg(2));
            return LuaValue.valueOf(n.host().alive() && n.holdsObject(o.key()));
        });
        op(g, "node_id", a -> LuaValue.valueOf(node("node_id", a.arg(1)).node().id().toHex()));
        op(g, "address", a -> LuaValue.valueOf(SimAddresses.text(node("address", a.arg(1)).host().address())));
        op(g, "coordinates", a -> dev.comet.lua.CoordinateTables.of(
                node("coordinates", a.arg(1)).node().coordinate().orElse(null)));
        op(g, "latency", a -> {
            double ms = simulation.network().latencyMillis(SimAddresses.of("latency", a.arg(1)),
                    SimAddresses.of("latency", a.arg(2)));
            return Double.isNaN(ms) ? LuaValue.NIL : LuaValue.valueOf(ms);
        });
        op(g, "record", a -> {
            String name = a.checkjstring(1);
            Series s = series.get(name);
            if (s == null || specs.get(name).sample() != null) {
                throw new LuaError("record('" + name + "', ...) needs a series declared with series{name = '" + name
                        + "'} and no sample function");
            }
            s.add(now(), number("record", a.arg(2)));
            return LuaValue.NONE;
        });
        LuaFunction note = new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs a) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= a.narg(); i++) {
                    line.append(i > 1 ? " " : "").append(a.arg(i).tojstring());
                }
                notes.add(String.format(java.util.Locale.ROOT, "[%8s s] %s", Numbers.text(now()), line));
                return LuaValue.NONE;
            }
        };
        g.rawset("note", note);
        g.rawset("print", note);
        op(g, "now", a -> LuaValue.valueOf(now()));
        op(g, "replicas", a -> LuaValue.valueOf(holders(ScenarioScript.objectOf("replicas", a.arg(1)).key()).size()));
        op(g, "states", a -> {
            Scenario.ObjectSpec o = ScenarioScript.objectOf("states", a.arg(1));
            LuaTable out = new LuaTable();
            for (SimNode n : holders(o.key())) {
                n.stored(o.key()).map(ObjectStorage.StoredObject::state).ifPresent(state ->
                        out.insert(0, state == null || state.length == 0 ? new LuaTable() : StateCodec.decode(state, 32)));
            }
            return out;
        });
        op(g, "stat", a -> {
            String name = a.checkjstring(1);
            String stat = a.optjstring(2, "last");
            if (!series.containsKey(name)) {
                throw new LuaError("stat('" + name + "') names a series that is not declared");
            }
            if (!Series.STATS.contains(stat)) {
                throw new LuaError("stat(SERIES, '" + stat + "') must be one of " + String.join(", ", Series.STATS));
            }
            double v = series.get(name).stat(stat);
            return Double.isNaN(v) ? LuaValue.NIL : LuaValue.valueOf(v);
        });
        op(g, "live_nodes", a -> LuaValue.valueOf(simulation.liveNodes().size()));
        op(g, "handler_messages", a -> LuaInteger.valueOf(simulation.handlerWork().requestsSent()));
        op(g, "instructions", a -> LuaInteger.valueOf(simulation.handlerWork().instructions()));
        op(g, "invocations", a -> LuaInteger.valueOf(simulation.handlerWork().invocations()));
        op(g, "datagrams", a -> LuaInteger.valueOf(simulation.network().datagramsSent()));
    }

    private static void op(Globals g, String name, Function<Varargs, Varargs> body) {
        g.rawset(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.apply(args);
            }
        });
    }

    /** The value a series point is: a number, or a boolean as 1/0. */
    static double number(String call, LuaValue v) {
        if (v.isboolean()) {
            return v.toboolean() ? 1 : 0;
        }
        if (!v.isnumber()) {
            throw new LuaError(call + " needs a number or a boolean, got " + v.typename()
                    + (v.isstring() ? " '" + v.tojstring() + "'" : ""));
        }
        return v.todouble();
    }

    /** The live nodes holding the object under {@code key} now, in the simulation's order. */
    private List<SimNode> holders(NodeId key) {
        List<SimNode> out = new ArrayList<>();
        for (SimNode n : simulation.liveNodes()) {
            if (n.holdsObject(key)) {
                out.add(n);
            }
        }
        return out;
    }

    private static SimNode node(String call, LuaValue v) {
        if (v.isuserdata(SimNode.class)) {
            return (SimNode) v.touserdata(SimNode.class);
        }
        throw new LuaError(call + " needs a node (the value pick() returned), got " + v.typename());
    }

    /** The node an operation runs from: the chosen one, null if it has left, or a random ready one. */
    private SimNode from(LuaTables opts) {
        if (!opts.has("from")) {
            return simulation.randomReadyNode();
        }
        SimNode n = node("{from = ...}", opts.raw("from"));
        return n.host().alive() ? n : null;
    }

    private LuaTable left() {
        count("skipped_node_left");
        LuaTable t = new LuaTable();
        t.set("found", LuaValue.FALSE);
        t.set("error", "the node chosen to run it has left");
        return t;
    }

    private void callback(LuaFunction on, LuaValue result) {
        if (on != null) {
            script.guardDeferred(() -> on.call(result));
        }
    }

    private static Map<String, byte[]> arguments(LuaTable args) {
        Map<String, byte[]> out = new TreeMap<>();
        if (args == null) {
            return out;
        }
        for (LuaValue k = args.next(LuaValue.NIL).arg1(); !k.isnil(); k = args.next(k).arg1()) {
            LuaValue v = args.rawget(k);
            if (!k.isstring() || !(v.isstring() || v.isnumber())) {
                throw new LuaError("get{args = {...}} takes string names and string or number values");
            }
            out.put(k.tojstring(), v.checkstring().tojstring().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** A client put ({@code what}: "put" or "update") of {@code o} with {@code code}, counted under that name. */
    private Varargs put(String what, Scenario.ObjectSpec o, String code, LuaTables opts) {
        SimNode from = from(opts);
        LuaFunction on = opts.function("on");
        count(what + "s");
        if (from == null) {
            callback(on, left());
            return LuaValue.NONE;
        }
        from.node().putObject(o.key(), code.getBytes(StandardCharsets.UTF_8), o.replicas(), o.ttlSeconds(),
                tracked(from, (WriteOutcome outcome) -> {
                    if (!outcome.accepted().isEmpty()) {
                        count(what + "s_accepted");
                    }
                    callback(on, written(outcome));
                }));
        return LuaValue.NONE;
    }

    private static LuaTable written(WriteOutcome outcome) {
        LuaTable t = new LuaTable();
        t.set("accepted", outcome.accepted().size());
        t.set("refused", outcome.refused().size());
        LuaTable errors = new LuaTable();
        outcome.refused().values().stream().map(ScenarioOperations::text).sorted()
                .forEach(e -> errors.insert(0, LuaValue.valueOf(e)));
        t.set("errors", errors);
        return t;
    }

    private static LuaTable answer(ObjectAnswer a) {
        LuaTable t = new LuaTable();
        t.set("found", LuaValue.valueOf(a.error() == null));
        if (a.replica() != null) {
            t.set("node", a.replica().id().toHex());
        }
        if (a.error() != null) {
            t.set("error", text(a.error()));
        } else {
            t.set("value", BencodeLua.toLua(a.value(), ANSWER_DEPTH));
        }
        return t;
    }

    private static String text(CometError e) {
        return e.code().code() + " " + e.message();
    }
}
