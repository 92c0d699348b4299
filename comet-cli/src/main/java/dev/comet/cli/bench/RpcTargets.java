package dev.comet.cli.bench;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;
import dev.comet.id.NodeId;
import dev.comet.items.Item;
import dev.comet.items.ItemStorage;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcError;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The methods {@code bench rpc} can send, and what each needs on the node before a run: {@code get} an immutable
 * item, {@code comet_get} the seed example, both stored over the wire (token, then put) through the generator's own
 * socket, so any node can be measured. Stateless.
 */
public final class RpcTargets {
    public static final List<String> METHODS = List.of("ping", "get", "comet_get", "echo");
    /** The querier id of the generator's queries (they are read-only: no node adds it to its routing table). */
    public static final NodeId ID = NodeId.ofKey("comet bench rpc");
    public static final NodeId SEED_KEY = NodeId.ofKey("comet bench rpc seed");
    private static final Item ITEM = Item.immutable(Bencode.encode("comet bench rpc item"));
    private static final int CALL_MILLIS = 2_000;

    private RpcTargets() {
    }

    /** The method's name, or a BAD_INPUT error naming the known ones. */
    public static String method(String name) {
        if (!METHODS.contains(name)) {
            throw new CometException(ErrorCode.BAD_INPUT, "unknown method '" + name + "': expected one of "
                    + String.join(", ", METHODS));
        }
        return name;
    }

    /** The KRPC method sent on the wire: the echo is sent pings, which it returns unchanged. */
    public static String wireMethod(String method) {
        return "echo".equals(method) ? "ping" : method;
    }

    public static Dict arguments(String method) {
        return switch (method) {
            case "get" -> Dict.builder().put("id", ID).put("target", ITEM.target()).build();
            case "comet_get" -> Dict.builder().put("id", ID).put("k", SEED_KEY).build();
            default -> Dict.builder().put("id", ID).build();
        };
    }

    /** What counts as a successful answer: the item, the object's onGet answer, a response, or the echo itself. */
    public static Predicate<KrpcMessage> success(String method) {
        return switch (method) {
            case "get" -> m -> m instanceof KrpcResponse r && r.values().has("v");
            case "comet_get" -> m -> m instanceof KrpcResponse r && r.values().has("found");
            case "echo" -> m -> true;
            default -> m -> m instanceof KrpcResponse;
        };
    }

    /** Checks the node answers a ping, then stores what {@code method} reads if the node does not hold it yet. */
    public static void prepare(RpcLoad load, String method, byte[] seedCode) throws IOException {
        if ("echo".equals(method)) {
            if (load.call("ping", arguments(method), CALL_MILLIS).isEmpty()) {
                throw new CometException(ErrorCode.NO_ANSWER, "the echo server " + load.name() + " did not answer");
            }
            return;
        }
        answer(load, "ping", Dict.builder().put("id", ID).build(), "a ping");
        switch (method) {
            case "get" -> {
                Dict got = answer(load, "get", arguments("get"), "a get");
                if (!got.has("v")) {
                    Dict.Builder put = Dict.builder().put("id", ID).put("token", got.bytes("token"));
                    ItemStorage.fields(ITEM).forEach(put::put);
                    answer(load, "put", put.build(), "the put of the item");
                }
            }
            case "comet_get" -> {
                Dict got = answer(load, "comet_get", arguments("comet_get"), "a comet_get");
                if (!got.has("found")) {
                    answer(load, "comet_put", Dict.builder().put("id", ID).put("k", SEED_KEY)
                            .put("token", got.bytes("token")).put("code", seedCode).put("n", 1).build(),
                            "the comet_put of the seed example");
                }
            }
            default -> {
            }
        }
        if (!success(method).test(load.call(wireMethod(method), arguments(method), CALL_MILLIS).orElse(null))) {
            throw new CometException(ErrorCode.NOT_FOUND, "the node " + load.name() + " does not answer " + method
                    + " with what was stored");
        }
    }

    private static Dict answer(RpcLoad load, String method, Dict args, String what) throws IOException {
        Optional<KrpcMessage> m;
        try {
            m = load.call(method, args, CALL_MILLIS);
        } catch (IOException e) {
            throw new CometException(ErrorCode.NO_ANSWER, "the node " + load.name() + " did not answer " + what
                    + ": " + e.getMessage());
        }
        if (m.isEmpty()) {
            throw new CometException(ErrorCode.NO_ANSWER, "the node " + load.name() + " did not answer " + what
                    + " within " + CALL_MILLIS / 1000 + " s; is a DHT node running there?");
        }
        if (m.get() instanceof KrpcError e) {
            throw new CometException(ErrorCode.ofKrpc(e.code()), "the node " + load.name() + " refused " + what
                    + ": " + e.code() + " " + e.message());
        }
        if (!(m.get() instanceof KrpcResponse r)) {
            throw new CometException(ErrorCode.PROTOCOL, "the node " + load.name() + " sent a query back for " + what
                    + " (an echo, not a DHT node?)");
        }
        return r.values();
    }
}
