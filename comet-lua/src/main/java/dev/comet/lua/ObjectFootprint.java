package dev.comet.lua;

/**
 * The estimated heap one loaded object retains (DESIGN.md §4.1), for the runtime's cache bound and the node's
 * object memory budget: its environment, libraries' views and {@code comet} table (a fixed part), its compiled code
 * (a multiple of the source), and its live and saved state (a multiple of the encoded state). The factors were
 * measured on LuaJ 3.0.1 (ObjectFootprintTest keeps the estimate an upper bound of what loading retains).
 */
final class ObjectFootprint {
    /** An empty object's environment, its tables and closures. */
    static final long INSTANCE_BYTES = 16 << 10;
    /** Source bytes to retained bytes: the source kept, prototypes, constants, line info. */
    static final long CODE_FACTOR = 10;
    /** Encoded state to retained bytes: the saved encoding plus the live tables it decodes to. */
    static final long STATE_FACTOR = 8;

    private ObjectFootprint() {
    }

    static long of(int codeBytes, int stateBytes) {
        return INSTANCE_BYTES + CODE_FACTOR * codeBytes + STATE_FACTOR * stateBytes;
    }
}
