package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.NodeOperations;
import dev.comet.client.SignedRequest;
import dev.comet.client.UpdateResult;
import dev.comet.client.VersionResult;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code comet update} (a guarded update of a signed object's value, signed here by its owner or a writer) and
 * {@code comet versions} (the versions its replicas keep, or one of them), docs/owned-objects.md.
 */
final class UpdateCommands {
    private UpdateCommands() {
    }

    @CommandLine.Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Update a signed object's value (aso.value) with a guarded edit, signed here with --key-file "
                    + "(the owner's key, or a writer's): the object's primary applies it if every --if-* holds, and "
                    + "answers once a majority of its replicas hold the new version.",
                    "Prints the version afterwards; exits 4 (refused) when a guard did not hold."})
    static final class Update implements Callable<Integer> {
        @CommandLine.Option(names = "--key-file", paramLabel = "F", required = true,
                description = "The signer's key file from 'comet keygen': the owner's or a writer's.")
        Path keyFile;

        @CommandLine.Option(names = "--pubkey", paramLabel = "HEX",
                description = "The owner's public key (default: the key file's own).")
        String ownerHex;

        @CommandLine.Option(names = "--salt", paramLabel = "S", required = true, description = "Salt of the signed object.")
        String salt;

        @CommandLine.Mixin
        UpdateOptions edit = new UpdateOptions();

        @CommandLine.Mixin
        ItemCommand.Target target = new ItemCommand.Target();

        @CommandLine.Option(names = "--json", description = "Print a JSON object.")
        boolean json;

        @Override
        public Integer call() {
            OwnerKey signer = OwnerKey.of(keyFile, salt, ownerHex);
            var program = edit.program(); // bad flags fail here, before joining
            try (NodeConnection connection = NodeConnection.open(target)) {
                UpdateResult r = NodeOperations.await(connection.operations().update(signer.publicKeyHex(), salt,
                        SignedRequest.update(signer.keys(), signer.key(), program)));
                if (json) {
                    System.out.println(JsonPrinter.write(r));
                } else if (r.applied()) {
                    System.out.println("version " + r.version() + " (sha256 " + r.hash() + "), ordered by " + r.primary());
                } else {
                    System.out.println("not applied: no guard held at version " + r.version() + " (sha256 " + r.hash() + ")");
                }
                return r.applied() ? 0 : ExitStatus.REFUSED.code();
            }
        }
    }

    @CommandLine.Command(name = "versions", // no -V/--version here: --version names a version of the value
            mixinStandardHelpOptions = false,
            description = {"List the versions of a signed object's value its closest replica keeps (number, sha256, "
                    + "size), or print one with --version N or --version-hash H."})
    static final class Versions implements Callable<Integer> {
        @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @CommandLine.Option(names = "--pubkey", paramLabel = "HEX", required = true, description = "The owner's public key.")
        String ownerHex;

        @CommandLine.Option(names = "--salt", paramLabel = "S", required = true, description = "Salt of the signed object.")
        String salt;

        @CommandLine.Option(names = "--version", paramLabel = "N", description = "Print version N of the value.")
        Long version;

        @CommandLine.Option(names = "--version-hash", paramLabel = "H",
                description = "Print the version whose SHA-256 is H (64 hex digits).")
        String versionHash;

        @CommandLine.Mixin
        ItemCommand.Target target = new ItemCommand.Target();

        @CommandLine.Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            if (version != null && versionHash != null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give --version N or --version-hash H, not both");
            }
            NodeOperations.signedKey(ownerHex, salt); // a bad key or salt fails here, before joining
            try (NodeConnection connection = NodeConnection.open(target)) {
                if (version == null && versionHash == null) {
                    List<VersionResult> all = NodeOperations.await(connection.operations().versions(ownerHex, salt));
                    if (json) {
                        System.out.println(JsonPrinter.write(Map.of("versions", all)));
                    } else {
                        all.forEach(v -> System.out.println(v.version() + " " + v.hash() + " " + v.size() + " bytes"));
                    }
                    return 0;
                }
                print(NodeOperations.await(connection.operations().readVersion(ownerHex, salt, version, versionHash)),
                        json);
                return 0;
            }
        }
    }

    /** One version: its bytes as text, or all of it as JSON. */
    static void print(VersionResult v, boolean json) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", v.version());
            m.put("hash", v.hash());
            m.put("size", v.size());
            m.put("value", v.value());
            System.out.println(JsonPrinter.write(m));
        } else {
            System.out.println(v.value());
        }
    }
}
