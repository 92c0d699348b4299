package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.AsoCall;
import dev.comet.aso.AsoOutcome;
import dev.comet.aso.HandlerLimits;
import dev.comet.owned.UpdateProgram;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.HexFormat;

/**
 * Changes a signed object's value, {@code aso.value}, for a guarded update or an installed version
 * (docs/owned-objects.md). The value is the object's own string: the update edits its bytes, and the state the node
 * stores then holds the new value, so a get after an update answers it like any other. Stateless; runs on the
 * sandbox's thread, as every access to an instance does.
 */
final class ValueUpdates {
    private static final LuaString VALUE = LuaString.valueOf("value");

    private ValueUpdates() {
    }

    /** What an update did, and the value before it (for onUpdate's argument). */
    record Result(AsoOutcome.Applied applied, byte[] previous) {
    }

    /**
     * Evaluates the update's program against the instance's value, or installs the given value, and leaves the new
     * value in {@code aso.value} and in the instance's saved state. Throws {@link ErrorCode#UPDATE_INVALID} when the
     * value is not a string, or the program's edit does not fit it, and the state-size error when the new state is too
     * big; then nothing changed.
     */
    static Result apply(AsoInstance instance, AsoCall.ValueUpdate update, HandlerLimits limits) {
        byte[] previous = valueOf(instance);
        if (update.program() == null) {
            setValue(instance, update.value(), limits);
            instance.addLog("version " + update.version() + " installed from the primary: " + update.value().length
                    + " bytes");
            return new Result(new AsoOutcome.Applied(0, update.value().clone()), previous);
        }
        UpdateProgram.Outcome outcome = update.program().apply(update.version(), previous, limits.stateBytes());
        String writer = HexFormat.of().formatHex(update.writer()).substring(0, 16);
        if (outcome.clause() < 0) {
            // both outcomes go into the object's log, which its owner and writers read (comet log)
            instance.addLog(InvocationRunner.bounded("update by " + writer + "… aborted at version " + update.version()
                    + ": no clause held (" + update.program().describe() + ")"));
            return new Result(new AsoOutcome.Applied(-1, previous), previous);
        }
        setValue(instance, outcome.value(), limits);
        instance.addLog(InvocationRunner.bounded("update by " + writer + "… applied clause " + (outcome.clause() + 1)
                + ": version " + (update.version() + 1) + ", " + outcome.value().length + " bytes ("
                + update.program().describe() + ")"));
        return new Result(new AsoOutcome.Applied(outcome.clause(), outcome.value()), previous);
    }

    /**
     * The second argument onUpdate gets for an applied update: {@code writer} (hex), {@code version} (the new one),
     * {@code clause} (1-based, as Lua counts) and {@code previous} (the value before). {@code self.value} already holds
     * the new value; answering {@code false} refuses the update and puts the old one back.
     */
    static LuaTable argument(AsoCall.ValueUpdate update, Result result) {
        LuaTable t = new LuaTable();
        t.rawset("writer", LuaValue.valueOf(HexFormat.of().formatHex(update.writer())));
        t.rawset("version", LuaValue.valueOf(update.version() + 1));
        t.rawset("clause", LuaValue.valueOf(result.applied().clause() + 1));
        t.rawset("previous", LuaValue.valueOf(result.previous()));
        return t;
    }

    /** The bytes of {@code aso.value}: a string's bytes, none when it is nil. */
    static byte[] valueOf(AsoInstance instance) {
        LuaValue v = instance.aso.rawget(VALUE);
        if (v.isnil()) {
            return new byte[0];
        }
        if (!(v instanceof LuaString s)) {
            throw new CometException(ErrorCode.UPDATE_INVALID, "aso.value is a " + v.typename()
                    + ": guarded updates edit a string value");
        }
        byte[] bytes = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, bytes, 0, s.m_length);
        return bytes;
    }

    private static void setValue(AsoInstance instance, byte[] value, HandlerLimits limits) {
        LuaValue old = instance.aso.rawget(VALUE);
        instance.aso.rawset(VALUE, LuaValue.valueOf(value));
        try {
            instance.savedState = StateCodec.encode(instance.aso, limits.stateBytes(), Sandbox.MAX_STATE_DEPTH);
        } catch (StateException e) {
            instance.aso.rawset(VALUE, old);
            throw new CometException(Limit.STATE_SIZE.errorCode(), Limit.STATE_SIZE.message()
                    + ": with the updated value, " + e.getMessage());
        }
    }
}
