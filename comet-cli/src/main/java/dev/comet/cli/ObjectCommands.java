package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.Answer;
import dev.comet.client.GetResult;
import dev.comet.client.NodeOperations;
import dev.comet.client.ObjectSpec;
import dev.comet.client.WriteResult;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code comet put|get|delete}: active objects (a value and optional Lua handlers) stored under a user key, through
 * the same {@link NodeOperations} as the gateway and the Java client, so each outcome means the same everywhere.
 */
final class ObjectCommands {
    private ObjectCommands() {
    }

    @CommandLine.Command(name = "put", mixinStandardHelpOptions = true,
            description = "Store an object: a value and/or Lua handlers, on the replicas closest to SHA-1(KEY).")
    static final class Put implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "KEY", description = "The object's key (a string).")
        String key;

        @CommandLine.Option(names = "--value", description = "The object's value (aso.value).")
        String value;

        @CommandLine.Option(names = "--code", paramLabel = "FILE.lua", description = "The object's Lua code.")
        Path code;

        @CommandLine.Option(names = "--replicas", defaultValue = "" + ObjectSpec.DEFAULT_REPLICAS,
                description = "Replicas, 1 to " + ObjectSpec.MAX_REPLICAS + " (default: ${DEFAULT-VALUE}).")
        int replicas;

        @CommandLine.Option(names = "--ttl", paramLabel = "SECONDS", description = "Lifetime (default: the nodes', 2 h).")
        Long ttl;

        @CommandLine.Option(names = "--timer", paramLabel = "SECONDS",
                description = "Run the object's onTimer every SECONDS (sets aso.timerInterval; nodes run it at most once a second).")
        Long timer;

        @CommandLine.Mixin
        ItemCommand.Target target = new ItemCommand.Target();

        @CommandLine.Option(names = "--json", description = "Print a JSON object.")
        boolean json;

        @Override
        public Integer call() {
            if (value == null && code == null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give --value, --code FILE.lua, or both");
            }
            String codeText = null;
            if (code != null) {
                try {
                    codeText = Files.readString(code, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new CometException(ErrorCode.BAD_INPUT, "cannot read " + code + ": " + e.getMessage());
                }
            }
            // checked before joining, so bad input fails at once; the operation checks again, by the same rules
            ObjectSpec spec = new ObjectSpec(value, codeText, replicas, ttl, timer).validate();
            NodeOperations.keyId(key);
            try (NodeConnection connection = NodeConnection.open(target)) {
                WriteResult put = NodeOperations.await(connection.operations().put(key, spec));
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("key", key);
                    m.put("target", put.target());
                    m.put("stored", put.stored());
                    m.put("refused", WritePrinter.refusedByAddress(put));
                    System.out.println(JsonPrinter.write(m));
                } else {
                    System.out.println(put.target());
                    System.err.println("stored on " + put.stored().size() + " node(s)" + WritePrinter.refusals(put));
                }
                return 0;
            }
        }
    }

    @CommandLine.Command(name = "get", mixinStandardHelpOptions = true,
            description = "Read an object through its onGet: from the closest replica, or from all with --all.")
    static final class Get implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "KEY", description = "The object's key.")
        String key;

        @CommandLine.Option(names = "--arg", paramLabel = "NAME=VALUE", description = "An argument of onGet (repeatable).")
        Map<String, String> args = new LinkedHashMap<>();

        @CommandLine.Option(names = "--all", description = "Ask every replica; print each answer with its node.")
        boolean all;

        @CommandLine.Mixin
        ItemCommand.Target target = new ItemCommand.Target();

        @CommandLine.Option(names = "--json", description = "Print a JSON object.")
        boolean json;

        @Override
        public Integer call() {
            NodeOperations.keyId(key);
            try (NodeConnection connection = NodeConnection.open(target)) {
                GetResult got = NodeOperations.await(connection.operations().get(key, args, all));
                if (json) {
                    List<Map<String, Object>> list = new ArrayList<>();
                    for (Answer a : got.answers()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("node", a.node());
                        m.put(a.ok() ? "value" : "error", a.ok() ? a.value() : a.error());
                        list.add(m);
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("key", key);
                    out.put("answers", list);
                    System.out.println(JsonPrinter.write(out));
                } else {
                    for (Answer a : got.answers()) {
                        Object v = a.value();
                        String text = !a.ok() ? "error: " + a.error() : v instanceof String s ? s : JsonPrinter.compact(v);
                        System.out.println(all ? a.node() + " " + text : text);
                    }
                }
                return 0;
            }
        }
    }

    @CommandLine.Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an object from its replicas (each runs onDelete, which may refuse).")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "KEY", description = "The object's key.")
        String key;

        @CommandLine.Mixin
        ItemCommand.Target target = new ItemCommand.Target();

        @Override
        public Integer call() {
            NodeOperations.keyId(key);
            try (NodeConnection connection = NodeConnection.open(target)) {
                WriteResult deleted = NodeOperations.await(connection.operations().delete(key));
                System.out.println("deleted from " + deleted.stored().size() + " node(s)" + WritePrinter.refusals(deleted));
                return 0;
            }
        }
    }
}
