package dev.comet.lua;

import dev.comet.aso.AsoRequest;
import dev.comet.aso.HandlerLimits;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code comet.lookup()}, {@code comet.put()} and {@code comet.get()} (DESIGN.md §4): what a handler may ask its
 * node to send, checked against the request limits before anything is queued. The requests go out only after the
 * handler succeeds.
 */
final class ObjectRequests {
    /** What {@code comet.get} takes instead of a list of nodes to ask the key's replicas, found by the node. */
    static final String REPLICAS = "replicas";

    private ObjectRequests() {
    }

    /** This node's current view of the Comet nodes closest to the object's key: {@code {id=, ip=, port=}} each. */
    static LuaTable lookup(AsoInstance instance) {
        LuaTable nodes = new LuaTable();
        int i = 1;
        for (Contact c : instance.neighbors) {
            LuaTable node = new LuaTable();
            node.set("id", c.id().toHex());
            node.set("ip", c.address().getAddress().getHostAddress());
            node.set("port", c.address().getPort());
            nodes.set(i++, node);
        }
        InvocationRunner.currentMeter().charge(64L * i);
        return nodes;
    }

    /** {@code comet.put(self, nodes)} replicates this object; {@code comet.put(key, code, nodes)} stores a new one. */
    static void put(AsoInstance instance, Varargs args) {
        refuseChained(instance);
        LuaValue target = args.arg1();
        if (target.raweq(instance.aso)) {
            List<Contact> to = nodes(instance, args.arg(2), "put");
            admit(instance, to.size());
            instance.requests.add(new AsoRequest.Put(key(instance), instance.code, null, true, to));
            return;
        }
        NodeId key = keyOf(target, "put");
        LuaString code = args.arg(2).checkstring();
        if (code.m_length > instance.limits.codeBytes()) {
            throw new LimitExceeded(Limit.CODE_SIZE, "comet.put: code is over " + instance.limits.codeBytes() + " bytes");
        }
        List<Contact> to = nodes(instance, args.arg(3), "put");
        admit(instance, to.size());
        instance.requests.add(new AsoRequest.Put(key, bytes(code), null, false, to));
    }

    /**
     * {@code comet.get(key or self, nodes, "handlerName"[, args])}: each answer arrives as a call of that handler.
     * With {@code "replicas"} for the nodes, the node finds the key's replicas itself and the closest that answers
     * is asked: one request, one answer.
     */
    static void get(AsoInstance instance, Varargs args) {
        refuseChained(instance);
        LuaValue target = args.arg1();
        NodeId key = target.raweq(instance.aso) ? key(instance) : keyOf(target, "get");
        boolean toReplicas = args.arg(2).isstring() && !args.arg(2).isnumber();
        if (toReplicas && !REPLICAS.equals(args.arg(2).tojstring())) {
            throw new LuaError("comet.get: the nodes must be a list from comet.lookup() or \"" + REPLICAS
                    + "\", got the string '" + args.arg(2).tojstring() + "'");
        }
        List<Contact> to = toReplicas ? List.of() : nodes(instance, args.arg(2), "get");
        String handler = args.arg(3).checkjstring();
        if (Sandbox.handler(instance, handler) == null) {
            throw new LuaError("comet.get: the object has no handler named '" + handler + "' for the answers");
        }
        // counted before copied: the arguments travel in one query
        Map<String, byte[]> getArgs = args.arg(4).isnil() ? new TreeMap<>()
                : LuaExport.requestArguments(args.arg(4).checktable());
        AsoRequest request = toReplicas ? new AsoRequest.GetFromReplicas(key, getArgs, handler)
                : new AsoRequest.Get(key, getArgs, handler, to);
        admit(instance, request.count());
        instance.requests.add(request);
    }

    private static void refuseChained(AsoInstance instance) {
        if (!instance.mayRequest) {
            throw new LimitExceeded(Limit.CHAINED_REQUEST, "this invocation answers a request an object sent, or delivers an answer to one");
        }
    }

    /** Counts {@code n} requests against the invocation's and the object's limits, or stops the handler. */
    private static void admit(AsoInstance instance, int n) {
        HandlerLimits limits = instance.limits;
        int asked = n;
        for (AsoRequest r : instance.requests) {
            asked += r.count();
        }
        if (asked > limits.requestsPerInvocation()) {
            throw new LimitExceeded(Limit.REQUESTS, asked + " requests in one invocation, at most "
                    + limits.requestsPerInvocation());
        }
        long now = instance.context.clock().getAsLong();
        while (!instance.recentRequests.isEmpty() && instance.recentRequests.peekFirst() <= now - 1000) {
            instance.recentRequests.removeFirst();
        }
        if (instance.recentRequests.size() + n > limits.requestsPerSecond()) {
            throw new LimitExceeded(Limit.REQUEST_RATE, "more than " + limits.requestsPerSecond()
                    + " requests in one second from this object");
        }
        for (int i = 0; i < n; i++) {
            instance.requestMade(now);
        }
    }

    /** The nodes a handler named, each of which must be among {@code comet.lookup()}. */
    private static List<Contact> nodes(AsoInstance instance, LuaValue list, String call) {
        LuaTable t = list.checktable();
        List<Contact> out = new ArrayList<>();
        int n = t.rawlen();
        if (n > instance.limits.requestsPerInvocation()) {
            throw new LimitExceeded(Limit.REQUESTS, n + " nodes in one comet." + call + ", at most "
                    + instance.limits.requestsPerInvocation());
        }
        for (int i = 1; i <= n; i++) {
            LuaValue node = t.rawget(i);
            String id = node.istable() ? node.get("id").optjstring("") : node.optjstring("");
            Contact found = null;
            for (Contact c : instance.neighbors) {
                if (c.id().toHex().equalsIgnoreCase(id)) {
                    found = c;
                    break;
                }
            }
            if (found == null) {
                throw new LuaError("comet." + call + ": node " + (id.isEmpty() ? "#" + i : id)
                        + " is not among comet.lookup()");
            }
            if (!out.contains(found)) {
                out.add(found);
            }
        }
        return out;
    }

    private static NodeId keyOf(LuaValue key, String call) {
        if (!key.isstring()) {
            throw new LuaError("comet." + call + ": the key must be a string or self, got " + key.typename());
        }
        return NodeId.ofKey(key.tojstring());
    }

    /** The object's own key (a local harness may name its object by a plain string instead). */
    private static NodeId key(AsoInstance instance) {
        String key = instance.context.asoKey();
        return key.matches("[0-9a-fA-F]{40}") ? NodeId.fromHex(key) : NodeId.ofKey(key);
    }

    private static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }
}
