package dev.comet.lua;

import java.util.function.Supplier;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * A library function that finds the current invocation's meter at every call: the library tables are built once
 * per sandbox (the string metatable's once per JVM) and outlive every invocation, so it holds only where to look.
 */
abstract class MeteredFunction extends VarArgFunction {
    private final Supplier<Meter> meters;

    MeteredFunction(String name, Supplier<Meter> meters) {
        this.name = name;
        this.meters = meters;
    }

    Meter meter() {
        Meter m = meters.get();
        if (m == null) {
            throw new LuaError("string/table library called outside a metered invocation");
        }
        return m;
    }

    Supplier<Meter> meters() {
        return meters;
    }
}
