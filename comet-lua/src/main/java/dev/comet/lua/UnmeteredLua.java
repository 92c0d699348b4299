package dev.comet.lua;

/**
 * Thrown when a closure of an object would run while no invocation is metering its sandbox: Java code reached Lua
 * (a metamethod, a handler called directly) after or outside an invocation. No Lua may run unmetered, so it does
 * not run at all. An {@link Error}, like {@link LimitExceeded}: neither Lua nor LuaJ's wrappers may swallow it, and
 * it names a bug in the Java code that reached Lua.
 */
public final class UnmeteredLua extends Error {
    UnmeteredLua() {
        super("Lua code may run only inside an invocation, under its meter", null, false, false);
    }
}
