package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.ObjectReport;
import dev.comet.client.HttpCometClient;
import picocli.CommandLine;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code comet state|log}: a node's own replica of an object, its state or its log lines, read from the node's HTTP
 * gateway (state never travels between nodes: there is no KRPC method for it). Shown to the object's owner, with a
 * request signed here ({@code --key-file F --salt S}), and to the node's operator ({@code --admin-token}).
 */
final class StateCommands {
    private StateCommands() {
    }

    /** The options both commands take, and the read they share. */
    static final class Read {
        @CommandLine.Parameters(paramLabel = "KEY", arity = "0..1",
                description = "The object's key (the operator's form, with --admin-token).")
        String key;

        @CommandLine.Option(names = "--key-file", paramLabel = "F",
                description = "The owner's key file from 'comet keygen': the request is signed here, the key stays here.")
        Path keyFile;

        @CommandLine.Option(names = "--salt", paramLabel = "S", description = "Salt of the owner's signed object.")
        String salt;

        @CommandLine.Option(names = "--pubkey", paramLabel = "HEX",
                description = "The owner's public key, when --key-file is a writer's (default: the key file's own).")
        String ownerHex;

        @CommandLine.Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:COMET_ADMIN_TOKEN}",
                description = "The node's admin token (its access.adminToken setting), for its operator; env COMET_ADMIN_TOKEN.")
        String adminToken;

        @CommandLine.Option(names = "--gateway", paramLabel = "URL", required = true,
                description = "The HTTP gateway of the node whose replica to show, e.g. http://127.0.0.1:8080.")
        String gateway;

        @CommandLine.Option(names = "--json", description = "Print the whole report (handlers, state, usage, log) as JSON.")
        boolean json;

        ObjectReport report() {
            if (keyFile == null && key == null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give --key-file F --salt S (the owner), or KEY --admin-token T (the operator)");
            }
            if (keyFile != null && key != null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give --key-file F --salt S or KEY, not both");
            }
            URI base;
            try {
                base = URI.create(gateway);
            } catch (IllegalArgumentException e) {
                throw new CometException(ErrorCode.BAD_INPUT, "--gateway must be a URL, got '" + gateway + "'");
            }
            try (HttpCometClient client = new HttpCometClient(base)) {
                if (keyFile != null) {
                    OwnerKey owner = OwnerKey.of(keyFile, salt, ownerHex);
                    return client.state(owner.keys(), owner.publicKeyHex(), owner.salt());
                }
                if (salt != null) {
                    throw new CometException(ErrorCode.BAD_INPUT, "--salt needs --key-file");
                }
                return client.state(key, adminToken == null || adminToken.isEmpty() ? null : adminToken);
            }
        }
    }

    @CommandLine.Command(name = "state", mixinStandardHelpOptions = true,
            description = {"Show a node's own replica's state of an object, as JSON.",
                    "For its owner (--key-file F --salt S) or the node's operator (KEY --admin-token T)."})
    static final class State implements Callable<Integer> {
        @CommandLine.Mixin
        Read read = new Read();

        @Override
        public Integer call() {
            ObjectReport report = read.report();
            System.out.println(JsonPrinter.write(read.json ? report : report.state()));
            return 0;
        }
    }

    @CommandLine.Command(name = "log", mixinStandardHelpOptions = true,
            description = {"Show a node's own replica's recent log lines of an object (comet.log), one per line.",
                    "For its owner (--key-file F --salt S) or the node's operator (KEY --admin-token T)."})
    static final class Log implements Callable<Integer> {
        @CommandLine.Mixin
        Read read = new Read();

        @Override
        public Integer call() {
            ObjectReport report = read.report();
            if (read.json) {
                System.out.println(JsonPrinter.write(report));
            } else {
                report.log().forEach(System.out::println);
            }
            return 0;
        }
    }
}
