package dev.comet.cli;

import dev.comet.CometError;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.lua.AsoContext;
import dev.comet.lua.AsoInstance;
import dev.comet.lua.ConversionException;
import dev.comet.lua.LuaExport;
import dev.comet.aso.AsoRequest;
import dev.comet.aso.HandlerLimits;
import dev.comet.lua.InvocationResult;
import dev.comet.lua.LuaValues;
import dev.comet.lua.Sandbox;
import dev.comet.lua.StateCodec;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code comet check}: loads an object's handlers in the sandbox, with the node's limits, and runs one event
 * against a fake context, printing each answer, the state afterwards, the work used and any error with its line.
 */
@CommandLine.Command(name = "check", mixinStandardHelpOptions = true,
        description = "Run an object's Lua handlers locally with the node's limits before publishing them.")
final class CheckCommand implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "FILE.lua", description = "The object's code.")
    Path file;

    @CommandLine.Option(names = "--event", defaultValue = "get",
            description = "put, get, update, delete or timer (default: ${DEFAULT-VALUE}).")
    String event;

    @CommandLine.Option(names = "--times", defaultValue = "1", description = "How many times to run it (default: ${DEFAULT-VALUE}).")
    int times;

    @CommandLine.Option(names = "--arg", paramLabel = "NAME=VALUE", description = "An argument of onGet (repeatable).")
    Map<String, String> args = new LinkedHashMap<>();

    @Override
    public Integer call() {
        String handler = switch (event) {
            case "put" -> "onPut";
            case "get" -> "onGet";
            case "update" -> "onUpdate";
            case "delete" -> "onDelete";
            case "timer" -> "onTimer";
            default -> throw new CometException(ErrorCode.BAD_INPUT, "--event must be put, get, update, delete or timer, got '" + event + "'");
        };
        if (times < 1) {
            throw new CometException(ErrorCode.BAD_INPUT, "--times must be at least 1");
        }
        String code;
        try {
            code = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "cannot read " + file + ": " + e.getMessage());
        }
        HandlerLimits limits = HandlerLimits.defaults();
        Sandbox sandbox = new Sandbox();
        long start = System.currentTimeMillis();
        AsoContext context = new AsoContext("127.0.0.1", "00".repeat(20), file.getFileName().toString(),
                () -> start);
        AsoInstance object = sandbox.load(code, "@" + file.getFileName(), null, context, limits);
        System.out.println("handlers: " + String.join(", ", object.handlers()));
        ExitStatus status = ExitStatus.SUCCESS;
        for (int i = 1; i <= times; i++) {
            LuaValue[] args = arguments(handler, object);
            long started = System.nanoTime();
            InvocationResult r = sandbox.invoke(object, handler, args, i, limits);
            String used = String.format("(%d instructions, %d bytes, %.2f ms)", r.instructions(), r.allocatedBytes(),
                    (System.nanoTime() - started) / 1e6);
            CometError refused = r.ok() ? unsendable(r.value()) : null;
            if (refused != null) {
                if (status == ExitStatus.SUCCESS) {
                    status = ExitStatus.of(refused.code());
                }
                System.out.println(handler + " #" + i + " failed: " + refused + " " + used);
            } else if (r.ok()) {
                System.out.println(handler + " #" + i + ": " + LuaValues.render(r.value()) + " " + used
                        + (r.deleteSelf() ? " [deleteSelf]" : "") + (r.answerLater() ? " [answers later]" : ""));
                for (AsoRequest request : r.requests()) {
                    // there is no network here: comet.lookup() is empty, so requests name no nodes
                    System.out.println("  asks: " + describe(request));
                }
            } else {
                ErrorCode errorCode = r.limit() != null ? r.limit().errorCode() : ErrorCode.HANDLER_REFUSED;
                if (status == ExitStatus.SUCCESS) {
                    // the first failure decides the exit status: what a node would answer (330, or the limit's code)
                    status = ExitStatus.of(errorCode);
                }
                System.out.println(handler + " #" + i + " failed: " + errorCode.code() + " " + r.error() + " " + used);
            }
        }
        System.out.println("state: " + LuaValues.render(StateCodec.decode(object.savedState(), 16)));
        for (String line : object.log()) {
            System.out.println("log: " + line);
        }
        return status.code();
    }

    /**
     * Why a node could not send {@code answer} (its code and message, as the requester would get them), or null:
     * {@code check} converts it as the node does, so a cyclic or oversized answer is an error here too.
     */
    private static CometError unsendable(LuaValue answer) {
        try {
            LuaExport.answer(answer);
            return null;
        } catch (ConversionException e) {
            return new CometError(e.code(), e.getMessage());
        }
    }

    private static String describe(AsoRequest request) {
        if (request instanceof AsoRequest.Put p) {
            return (p.replica() ? "put of itself" : "put of a new object " + p.key().toHex()) + " on "
                    + p.to().size() + " node(s)";
        }
        if (request instanceof AsoRequest.GetFromReplicas g) {
            return "get of " + g.key().toHex() + " from its replicas, answer to " + g.handler();
        }
        AsoRequest.Get g = (AsoRequest.Get) request;
        return "get of " + g.key().toHex() + " from " + g.to().size() + " node(s), answers to " + g.handler();
    }

    private LuaValue[] arguments(String handler, AsoInstance object) {
        LuaTable caller = new LuaTable();
        caller.set("ip", "127.0.0.1");
        caller.set("port", 6881);
        caller.set("id", "00".repeat(20));
        caller.set("replica", LuaValue.FALSE);
        switch (handler) {
            case "onGet": {
                LuaTable a = new LuaTable();
                args.forEach(a::set);
                return new LuaValue[] {caller, a};
            }
            case "onUpdate":
                return new LuaValue[] {caller, StateCodec.decode(object.savedState(), 16)};
            case "onTimer":
                return new LuaValue[0];
            default:
                return new LuaValue[] {caller};
        }
    }
}
