package dev.comet.cli;

import dev.comet.core.ObjectAnswer;
import dev.comet.core.WriteOutcome;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.ObjectSource;
import dev.comet.client.BencodeToJson;
import dev.comet.core.Node;
import dev.comet.id.NodeId;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code comet put|get|delete}: active objects (a value and optional Lua handlers) stored under a user key. */
final class ObjectCommands {
    private static final long TIMEOUT_SECONDS = 60;

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

        @CommandLine.Option(names = "--replicas", defaultValue = "8", description = "Replicas, 1 to 20 (default: ${DEFAULT-VALUE}).")
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
            if (timer != null && timer < 1) {
                throw new CometException(ErrorCode.BAD_INPUT, "--timer must be a positive number of seconds");
            }
            if (value == null && code == null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give --value, --code FILE.lua, or both");
            }
            if (replicas < 1 || replicas > 20) {
                throw new CometException(ErrorCode.BAD_INPUT, "--replicas must be 1 to 20, got " + replicas);
            }
            if (ttl != null && ttl < 1) {
                throw new CometException(ErrorCode.BAD_INPUT, "--ttl must be at least 1 second");
            }
            String codeText = null;
            if (code != null) {
                try {
                    codeText = Files.readString(code, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new CometException(ErrorCode.BAD_INPUT, "cannot read " + code + ": " + e.getMessage());
                }
            }
            byte[] source = ObjectSource.of(codeText, value, timer);
            NodeId k = NodeId.ofKey(key);
            try (NodeConnection connection = NodeConnection.open(target)) {
                WriteOutcome put = NodeConnection.await(connection.node().putObject(k, source, replicas, ttl == null ? -1 : ttl), TIMEOUT_SECONDS, "the put");
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("key", key);
                    m.put("target", k.toHex());
                    m.put("stored", WritePrinter.addresses(put.accepted()));
                    m.put("refused", WritePrinter.refusedByAddress(put));
                    System.out.println(JsonPrinter.write(m));
                } else {
                    System.out.println(k.toHex());
                    System.err.println("stored on " + put.accepted().size() + " node(s)" + WritePrinter.refusals(put));
                }
                if (put.accepted().isEmpty()) {
                    throw new CometException(ErrorCode.HANDLER_REFUSED, "no node stored the object" + WritePrinter.refusals(put));
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
            Map<String, byte[]> handlerArgs = new TreeMap<>();
            args.forEach((k, v) -> handlerArgs.put(k, v.getBytes(StandardCharsets.UTF_8)));
            NodeId k = NodeId.ofKey(key);
            try (NodeConnection connection = NodeConnection.open(target)) {
                List<ObjectAnswer> answers = NodeConnection.await(connection.node().getObject(k, handlerArgs, all),
                        TIMEOUT_SECONDS, "the get");
                if (answers.isEmpty()) {
                    throw new CometException(ErrorCode.NOT_FOUND, "no replica of '" + key + "' answered (target " + k.toHex() + ")");
                }
                if (answers.stream().allMatch(a -> a.error() != null)) {
                    throw new CometException(ErrorCode.HANDLER_REFUSED, "'" + key + "': " + answers.get(0).error());
                }
                if (json) {
                    List<Map<String, Object>> list = new ArrayList<>();
                    for (ObjectAnswer a : answers) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("node", WritePrinter.address(a.replica()));
                        m.put(a.error() == null ? "value" : "error", a.error() == null ? BencodeToJson.convert(a.value()) : a.error());
                        list.add(m);
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("key", key);
                    out.put("answers", list);
                    System.out.println(JsonPrinter.write(out));
                } else {
                    for (ObjectAnswer a : answers) {
                        Object v = BencodeToJson.convert(a.value());
                        String text = a.error() != null ? "error: " + a.error() : v instanceof String s ? s : JsonPrinter.compact(v);
                        System.out.println(all ? WritePrinter.address(a.replica()) + " " + text : text);
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
            NodeId k = NodeId.ofKey(key);
            try (NodeConnection connection = NodeConnection.open(target)) {
                WriteOutcome deleted = NodeConnection.await(connection.node().deleteObject(k), TIMEOUT_SECONDS, "the delete");
                System.out.println("deleted from " + deleted.accepted().size() + " node(s)" + WritePrinter.refusals(deleted));
                if (deleted.accepted().isEmpty() && !deleted.refused().isEmpty()) {
                    throw new CometException(ErrorCode.HANDLER_REFUSED, "every replica refused the delete" + WritePrinter.refusals(deleted));
                }
                return 0;
            }
        }
    }
}
