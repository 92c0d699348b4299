package dev.comet.sim.scenario;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the option table of one scenario call ({@code network{...}}, {@code get(obj, {...})}): each field with its
 * type checked, and no field the call does not know. Errors are Lua errors, so the file's line is added to them.
 * Immutable.
 */
final class LuaTables {
    private final String call;
    private final LuaTable table;

    private LuaTables(String call, LuaTable table) {
        this.call = call;
        this.table = table;
    }

    /** The options of {@code call}: the table {@code value} (nil: no options), with only the {@code known} fields. */
    static LuaTables of(String call, LuaValue value, String... known) {
        if (value.isnil()) {
            return new LuaTables(call, new LuaTable());
        }
        if (!value.istable()) {
            throw new LuaError(call + " expects a table of options {...}, got " + value.typename());
        }
        Set<String> allowed = Set.of(known);
        LuaTable t = value.checktable();
        Set<String> unknown = new TreeSet<>();
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            if (!k.isstring() || !allowed.contains(k.tojstring())) {
                unknown.add(k.tojstring());
            }
        }
        if (!unknown.isEmpty()) {
            throw new LuaError("unknown field" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " in "
                    + call + "{...}; it knows " + String.join(", ", new TreeSet<>(allowed)));
        }
        return new LuaTables(call, t);
    }

    /** The first argument of {@code args} as an option table of {@code call}. */
    static LuaTables of(String call, Varargs args, String... known) {
        return of(call, args.arg1(), known);
    }

    LuaValue raw(String field) {
        return table.rawget(field);
    }

    boolean has(String field) {
        return !raw(field).isnil();
    }

    String string(String field, String otherwise) {
        LuaValue v = raw(field);
        if (v.isnil()) {
            return otherwise;
        }
        if (!v.isstring()) {
            throw new LuaError(call + "{" + field + " = ...} must be a string, got " + v.typename());
        }
        return v.tojstring();
    }

    double number(String field, double otherwise, double min, double max) {
        LuaValue v = raw(field);
        if (v.isnil()) {
            return otherwise;
        }
        if (!v.isnumber()) {
            throw new LuaError(call + "{" + field + " = ...} must be a number, got " + v.typename());
        }
        double d = v.todouble();
        if (!(d >= min && d <= max)) {
            throw new LuaError(call + "{" + field + " = " + v.tojstring() + "} must be between " + Numbers.text(min)
                    + " and " + Numbers.text(max));
        }
        return d;
    }

    long integer(String field, long otherwise, long min, long max) {
        double d = number(field, otherwise, min, max);
        if (d != Math.rint(d)) {
            throw new LuaError(call + "{" + field + " = " + Numbers.text(d) + "} must be a whole number");
        }
        return (long) d;
    }

    boolean bool(String field, boolean otherwise) {
        LuaValue v = raw(field);
        if (v.isnil()) {
            return otherwise;
        }
        if (!v.isboolean()) {
            throw new LuaError(call + "{" + field + " = ...} must be true or false, got " + v.typename());
        }
        return v.toboolean();
    }

    LuaFunction function(String field) {
        LuaValue v = raw(field);
        if (v.isnil()) {
            return null;
        }
        if (!v.isfunction()) {
            throw new LuaError(call + "{" + field + " = ...} must be a function, got " + v.typename());
        }
        return v.checkfunction();
    }

    LuaTable table(String field) {
        LuaValue v = raw(field);
        if (v.isnil()) {
            return null;
        }
        if (!v.istable()) {
            throw new LuaError(call + "{" + field + " = ...} must be a table, got " + v.typename());
        }
        return v.checktable();
    }
}
