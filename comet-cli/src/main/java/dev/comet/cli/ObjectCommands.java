package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.Answer;
import dev.comet.client.GetResult;
import dev.comet.client.NodeOperations;
import dev.comet.client.ObjectSpec;
import dev.comet.client.SignedObjectSpec;
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
            description = {"Store an object: a value and/or Lua handlers, on the replicas closest to SHA-1(KEY).",
                    "With --key-file it is a signed object, signed here (the private key stays here), stored under "
                            + "SHA-1(public key ‖ salt); the salt is --salt, or KEY when --salt is not given. Prints the key."})
    static final class Put implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "KEY", arity = "0..1",
                description = "The object's key (a string); with --key-file, its name, which is the salt unless --salt is given.")
        String key;

        @CommandLine.Option(names = "--key-file", paramLabel = "F",
                description = "Sign the object with this key file from 'comet keygen': a signed object owned by its public key.")
        Path keyFile;

        @CommandLine.Option(names = "--salt", paramLabel = "S", description = "Salt of a signed object (up to 64 bytes; default: KEY).")
        String salt;

        @CommandLine.Option(names = "--seq", paramLabel = "N",
                description = "Version of a signed object; a stored version is replaced only by a higher one (default: the time in milliseconds).")
        Long seq;

        @CommandLine.Option(names = "--writer", paramLabel = "PUBHEX",
                description = "A public key (64 hex digits) that may also delete the signed object and read its state; repeat for more (at most 16).")
        List<String> writers = new java.util.ArrayList<>();

        @CommandLine.Option(names = "--value", description = "The object's value (aso.value).")
        String value;

        @CommandLine.Option(names = "--code", paramLabel = "FILE.lua", description = "The object's Lua code.")
        Path code;

        @CommandLine.Option(names = "--app", paramLabel = "NAME",
                description = "The object's Lua code is the shipped application NAME (see 'comet apps').")
        String app;

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
            if (value == null && code == null && app == null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give --value, --code FILE.lua or --app NAME, or both");
            }
            if (code != null && app != null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give --code FILE.lua or --app NAME, not both");
            }
            String codeText = app == null ? null : AppsCommand.app(app).code();
            if (code != null) {
                try {
                    codeText = Files.readString(code, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new CometException(ErrorCode.BAD_INPUT, "cannot read " + code + ": " + e.getMessage());
                }
            }
            // checked before joining, so bad input fails at once; the operation checks again, by the same rules
            ObjectSpec spec = new ObjectSpec(value, codeText, replicas, ttl, timer).validate();
            if (keyFile == null) {
                if (key == null || salt != null || seq != null || !writers.isEmpty()) {
                    throw new CometException(ErrorCode.BAD_INPUT, key == null ? "give the object's KEY (or --key-file F for a signed object)"
                            : "--salt, --seq and --writer are for signed objects: give --key-file F");
                }
                NodeOperations.keyId(key);
            }
            SignedObjectSpec signed = keyFile == null ? null : signed(spec);
            try (NodeConnection connection = NodeConnection.open(target)) {
                WriteResult put = NodeOperations.await(signed == null ? connection.operations().put(key, spec)
                        : connection.operations().putSigned(signed));
                print(put, signed);
                return 0;
            }
        }

        /** The signed object: signed here with the key file, as version --seq (default: now in milliseconds). */
        private SignedObjectSpec signed(ObjectSpec spec) {
            String s = salt != null ? salt : key;
            if (s == null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give the object's KEY or --salt S: the salt names the object among its owner's");
            }
            // a clock needs no read before the write: each later put of one owner's object replaces the earlier
            long version = seq != null ? seq : System.currentTimeMillis();
            return SignedObjectSpec.signed(KeyFile.read(keyFile), s, version, writers, spec);
        }

        private void print(WriteResult put, SignedObjectSpec signed) {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("key", signed == null ? key : put.key());
            identity.put("target", put.target());
            if (signed != null) {
                identity.put("public_key", signed.publicKey());
                identity.put("salt", signed.salt());
                identity.put("seq", signed.seq());
                if (signed.writers() != null) {
                    identity.put("writers", signed.writers());
                }
            }
            WritePrinter.printPut(put, json, identity, signed == null ? ""
                    : ", owner " + signed.publicKey() + ", salt " + signed.salt() + ", seq " + signed.seq());
        }
    }

    @CommandLine.Command(name = "get", // no -V/--version here: --version names a version of the value
            mixinStandardHelpOptions = false,
            description = {"Read an object through its onGet: from the closest replica, or from all with --all.",
                    "A signed object is read by its owner's --pubkey and --salt."})
    static final class Get implements Callable<Integer> {
        @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @CommandLine.Parameters(paramLabel = "KEY", arity = "0..1", description = "The object's key.")
        String key;

        @CommandLine.Option(names = "--pubkey", paramLabel = "HEX", description = "Owner's public key of a signed object (64 hex digits).")
        String pubkey;

        @CommandLine.Option(names = "--salt", paramLabel = "S", description = "Salt of a signed object (default: none).")
        String salt;

        @CommandLine.Option(names = "--arg", paramLabel = "NAME=VALUE", description = "An argument of onGet (repeatable).")
        Map<String, String> args = new LinkedHashMap<>();

        @CommandLine.Option(names = "--all", description = "Ask every replica; print each answer with its node.")
        boolean all;

        @CommandLine.Option(names = "--version", paramLabel = "N",
                description = "A signed object's value at version N, as kept (no handler runs; see 'comet versions').")
        Long version;

        @CommandLine.Option(names = "--version-hash", paramLabel = "H",
                description = "A signed object's value in the kept version whose SHA-256 is H.")
        String versionHash;

        @CommandLine.Option(names = "--min-version", paramLabel = "S",
                description = "Only from a replica holding at least version S of a signed object's value (353 if none does).")
        Long minVersion;

        @CommandLine.Option(names = "--max-age", paramLabel = "SECONDS",
                description = "Only from a replica that knew the value current at most SECONDS ago (the primary always does).")
        Long maxAge;

        @CommandLine.Mixin
        ItemCommand.Target target = new ItemCommand.Target();

        @CommandLine.Option(names = "--json", description = "Print a JSON object.")
        boolean json;

        @Override
        public Integer call() {
            if ((key == null) == (pubkey == null)) {
                throw new CometException(ErrorCode.BAD_INPUT, "give the object's KEY, or --pubkey HEX [--salt S] of a signed object");
            }
            if (key != null && salt != null) {
                throw new CometException(ErrorCode.BAD_INPUT, "--salt needs --pubkey");
            }
            if (key != null) {
                NodeOperations.keyId(key);
            } else {
                SignedObjectSpec.publicKeyOf(pubkey);
            }
            if (version != null || versionHash != null) {
                if (pubkey == null || all || !args.isEmpty() || (version != null && versionHash != null)) {
                    throw new CometException(ErrorCode.BAD_INPUT, "--version N or --version-hash H reads a kept version "
                            + "of a signed object: give --pubkey HEX [--salt S], one of them, and no --all or --arg");
                }
                try (NodeConnection connection = NodeConnection.open(target)) {
                    UpdateCommands.print(NodeOperations.await(connection.operations().readVersion(pubkey, salt,
                            version, versionHash)), json);
                    return 0;
                }
            }
            boolean fresh = minVersion != null || maxAge != null;
            if (fresh && (pubkey == null || all)) {
                throw new CometException(ErrorCode.BAD_INPUT, "--min-version and --max-age read a signed object from one "
                        + "replica: give --pubkey HEX [--salt S], and no --all");
            }
            try (NodeConnection connection = NodeConnection.open(target)) {
                GetResult got = NodeOperations.await(key != null ? connection.operations().get(key, args, all)
                        : fresh ? connection.operations().getSignedFresh(pubkey, salt, args,
                        minVersion == null ? 0 : minVersion, maxAge)
                        : connection.operations().getSigned(pubkey, salt, args, all));
                if (json) {
                    List<Map<String, Object>> list = new ArrayList<>();
                    for (Answer a : got.answers()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("node", a.node());
                        m.put(a.ok() ? "value" : "error", a.ok() ? a.value() : a.error());
                        list.add(m);
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("key", got.key());
                    out.put("target", got.target());
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
            description = {"Delete an object from its replicas (each runs onDelete, which may refuse).",
                    "A signed object is deleted with --key-file F --salt S: a delete request signed here (now, a fresh "
                            + "nonce; the private key stays here), which every replica checks."})
    static final class Delete implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "KEY", arity = "0..1",
                description = "The object's key; with --key-file, its name, which is the salt unless --salt is given.")
        String key;

        @CommandLine.Option(names = "--key-file", paramLabel = "F",
                description = "Sign the delete with this key file from 'comet keygen': the owner's key, or a writer's with --pubkey.")
        Path keyFile;

        @CommandLine.Option(names = "--salt", paramLabel = "S", description = "Salt of the signed object (default: KEY).")
        String salt;

        @CommandLine.Option(names = "--pubkey", paramLabel = "HEX",
                description = "The owner's public key, when --key-file is a writer's (default: the key file's own).")
        String ownerHex;

        @CommandLine.Mixin
        ItemCommand.Target target = new ItemCommand.Target();

        @Override
        public Integer call() {
            OwnerKey owner = keyFile == null ? null : OwnerKey.of(keyFile, salt != null ? salt : key, ownerHex);
            if (owner == null) {
                if (key == null || salt != null || ownerHex != null) {
                    throw new CometException(ErrorCode.BAD_INPUT, key == null
                            ? "give the object's KEY (or --key-file F --salt S for a signed object)" : "--salt and --pubkey need --key-file");
                }
                NodeOperations.keyId(key);
            }
            try (NodeConnection connection = NodeConnection.open(target)) {
                WriteResult deleted = NodeOperations.await(owner == null ? connection.operations().delete(key)
                        : connection.operations().deleteSigned(owner.publicKeyHex(), owner.salt(),
                        owner.sign(dev.comet.owned.OwnerRequest.DELETE)));
                System.out.println("deleted from " + deleted.stored().size() + " node(s)" + WritePrinter.refusals(deleted));
                return 0;
            }
        }
    }
}
