package dev.comet.lua;

import dev.comet.aso.AsoCall;
import dev.comet.id.NodeId;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.Objects;

/**
 * The Lua values a handler is called with, made from what the node's {@link AsoCall} carries. Owns the last caller's
 * names as Lua strings (one runtime's threads share them: the record is immutable, so a race only makes one again).
 */
final class HandlerArguments {
    /** The caller table's field names, made once: every invocation builds one. */
    private static final LuaString IP = LuaString.valueOf("ip");
    private static final LuaString PORT = LuaString.valueOf("port");
    private static final LuaString ID = LuaString.valueOf("id");
    private static final LuaString REPLICA = LuaString.valueOf("replica");
    private static final LuaString ASO = LuaString.valueOf("aso");
    private static final LuaString COORDINATES = LuaString.valueOf("coordinates");
    private static final LuaString NO_ID = LuaString.valueOf("");

    /** A requester's address and id as the caller table holds them. */
    private record Names(String ip, LuaString ipValue, NodeId id, LuaString idValue) {
    }

    /** The last requester's: most gets come from a few requesters, and the id's hex was a tenth of a table's cost. */
    private volatile Names last = new Names("", NO_ID, null, NO_ID);

    /**
     * The first argument of most handlers: who asked (ip, port, id, replica, the object that sent it, and its network
     * coordinates when they are known).
     */
    LuaTable caller(AsoCall call) {
        AsoCall.Caller c = call.caller();
        if (c == null) {
            return new LuaTable();
        }
        LuaTable caller = new LuaTable(0, 8);
        Names names = last;
        if (!Objects.equals(names.ip, c.ip()) || !Objects.equals(names.id, c.id())) {
            names = new Names(c.ip(), LuaString.valueOf(c.ip()), c.id(),
                    c.id() == null ? NO_ID : LuaString.valueOf(c.id().toHex()));
            last = names;
        }
        caller.rawset(IP, names.ipValue);
        caller.rawset(PORT, LuaValue.valueOf(c.port()));
        caller.rawset(ID, names.idValue);
        caller.rawset(REPLICA, LuaValue.valueOf(c.replica()));
        if (c.aso() != null) {
            caller.rawset(ASO, LuaValue.valueOf(c.aso().toHex()));
        }
        if (c.coordinates() != null) {
            caller.rawset(COORDINATES, CoordinateTables.of(c.coordinates()));
        }
        return caller;
    }

    /** Lists and dictionaries nested deeper than this in an answer reach the handler as nil. */
    private static final int ANSWER_DEPTH = 16;

    /** The arguments of a call that delivers an answer to the object's own {@code comet.get}: from, value, error. */
    static LuaValue[] ofAnswer(AsoCall.Answer a) {
        // no node: a get from the replicas that found none holding the object
        LuaValue from = LuaValue.NIL;
        if (a.from() != null) {
            LuaTable node = new LuaTable();
            node.set("ip", a.from().address().getAddress().getHostAddress());
            node.set("port", a.from().address().getPort());
            node.set("id", a.from().id().toHex());
            from = node;
        }
        return new LuaValue[] {from, BencodeLua.toLua(a.value(), ANSWER_DEPTH), a.error() == null ? LuaValue.NIL : LuaValue.valueOf(a.error().toString())};
    }
}
