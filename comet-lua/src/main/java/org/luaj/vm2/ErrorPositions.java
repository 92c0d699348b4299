package org.luaj.vm2;

/**
 * Gives an error thrown in a compiled handler the position the interpreter gives it (LuaClosure's error hook, with
 * no message handler and an empty traceback): the innermost Lua function's source and line, once. It lives in
 * LuaJ's package because those fields are visible only there. Stateless.
 */
public final class ErrorPositions {
    private ErrorPositions() {
    }

    /** Whether an inner Lua function has already placed {@code error}. */
    public static boolean placed(LuaError error) {
        return error.traceback != null;
    }

    /** Places {@code error} at {@code fileline} ("source:line"), as the interpreter's innermost frame does. */
    public static void place(LuaError error, String fileline) {
        error.fileline = fileline;
        error.traceback = error.getMessage() + "\n";
    }
}
