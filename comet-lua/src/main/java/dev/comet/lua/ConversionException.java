package dev.comet.lua;

import dev.comet.CometException;
import dev.comet.ErrorCode;

/**
 * A Lua value that cannot leave Lua (see {@link LuaExport}): it is over a bound of its conversion (nodes, bytes or
 * nesting), holds a cycle, or holds what cannot be converted. Its code is the one the requester gets.
 */
public final class ConversionException extends CometException {
    public ConversionException(ErrorCode code, String message) {
        super(code, message);
    }
}
