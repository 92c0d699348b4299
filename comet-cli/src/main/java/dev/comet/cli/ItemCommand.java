package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.ItemSpec;
import dev.comet.client.NodeOperations;
import dev.comet.client.WriteResult;
import dev.comet.id.NodeId;
import dev.comet.items.Ed25519;
import dev.comet.items.Item;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code comet item put|get}: BEP 44 items, through a running node's network or an embedded node, by the same
 * {@link NodeOperations} as the gateway and the Java client.
 */
@CommandLine.Command(name = "item", mixinStandardHelpOptions = true,
        description = "Store and fetch BEP 44 items (immutable, or mutable and signed).",
        subcommands = {ItemCommand.Put.class, ItemCommand.Get.class})
final class ItemCommand implements Runnable {
    private static final HexFormat HEX = HexFormat.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where a command sends its requests. */
    static final class Target {
        @CommandLine.Option(names = "--node", paramLabel = "HOST:PORT", description = "A running node whose network to use.")
        String node;

        @CommandLine.Option(names = "--data-dir", description = "Use an embedded node on this data directory instead.")
        Path dataDir;

        @CommandLine.Option(names = "--bootstrap", paramLabel = "HOST:PORT[,HOST:PORT…]",
                description = "Use an embedded node (in memory, or on --data-dir) that joins the network through these nodes.")
        String bootstrap;
    }

    @CommandLine.Command(name = "put", mixinStandardHelpOptions = true,
            description = "Store an item on the K nodes closest to its target; prints the target.")
    static final class Put implements Callable<Integer> {
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Kind kind;

        static final class Kind {
            @CommandLine.Option(names = "--immutable", paramLabel = "VALUE", description = "An immutable string value (target = SHA-1 of its bencoding).")
            String immutable;

            @CommandLine.Option(names = "--mutable", paramLabel = "VALUE", description = "A mutable string value, signed with --key-file.")
            String mutable;
        }

        @CommandLine.Option(names = "--key-file", description = "Key file from 'comet keygen' (mutable items).")
        Path keyFile;

        @CommandLine.Option(names = "--salt", description = "Salt of a mutable item (up to 64 bytes).")
        String salt;

        @CommandLine.Option(names = "--seq", description = "Sequence number of a mutable item (default: highest found + 1).")
        Long seq;

        @CommandLine.Option(names = "--ttl", paramLabel = "SECONDS", description = "Lifetime asked of the storing nodes (default: theirs, 2 h).")
        Long ttl;

        @CommandLine.Mixin
        Target target = new Target();

        @CommandLine.Option(names = "--json", description = "Print a JSON object.")
        boolean json;

        @Override
        public Integer call() {
            if (kind.mutable == null && (keyFile != null || salt != null || seq != null)) {
                throw new CometException(ErrorCode.BAD_INPUT, "--key-file, --salt and --seq are for --mutable items");
            }
            if (kind.mutable != null && keyFile == null) {
                throw new CometException(ErrorCode.BAD_INPUT, "--mutable needs --key-file (create one with 'comet keygen --out FILE')");
            }
            Ed25519.RawKeyPair keys = keyFile != null ? KeyFile.read(keyFile) : null;
            // checked before joining, so bad input fails at once; the put checks again, by the same rules
            spec(keys, seq == null ? 0 : seq).toItem();
            try (NodeConnection connection = NodeConnection.open(target)) {
                long sequence = seq != null ? seq : kind.mutable == null ? 0 : NodeOperations.await(connection.operations()
                        .nextSeq(keys.publicKey(), salt == null ? new byte[0] : salt.getBytes(StandardCharsets.UTF_8)));
                ItemSpec spec = spec(keys, sequence);
                WriteResult put = NodeOperations.await(connection.operations().putItem(spec));
                print(spec, put);
                return 0;
            }
        }

        /** The item to store: the immutable value, or the mutable one signed with {@code keys} as version {@code sequence}. */
        private ItemSpec spec(Ed25519.RawKeyPair keys, long sequence) {
            ItemSpec spec = kind.immutable != null ? ItemSpec.immutable(kind.immutable)
                    : ItemSpec.signed(keys, salt, sequence, kind.mutable);
            return ttl == null ? spec : spec.withTtlSeconds(ttl);
        }

        private void print(ItemSpec item, WriteResult put) {
            boolean mutable = item.publicKey() != null;
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("target", put.target());
            if (mutable) {
                identity.put("public_key", item.publicKey());
                identity.put("seq", item.seq());
            }
            WritePrinter.printPut(put, json, identity, mutable ? ", seq " + item.seq() : "");
        }
    }

    @CommandLine.Command(name = "get", mixinStandardHelpOptions = true,
            description = "Fetch an item by target, or a mutable one by --pubkey [--salt]; verified before it is printed.")
    static final class Get implements Callable<Integer> {
        @CommandLine.Parameters(arity = "0..1", paramLabel = "TARGET_HEX", description = "The item's 40-hex-digit target.")
        String targetHex;

        @CommandLine.Option(names = "--pubkey", paramLabel = "HEX", description = "Public key of a mutable item (64 hex digits).")
        String pubkey;

        @CommandLine.Option(names = "--salt", description = "Salt of a mutable item.")
        String salt;

        @CommandLine.Mixin
        Target target = new Target();

        @CommandLine.Option(names = "--json", description = "Print a JSON object.")
        boolean json;

        @Override
        public Integer call() {
            byte[] saltBytes = salt == null ? new byte[0] : salt.getBytes(StandardCharsets.UTF_8);
            NodeId wanted = resolveTarget(saltBytes);
            try (NodeConnection connection = NodeConnection.open(target)) {
                print(wanted, NodeOperations.await(connection.operations().findItem(wanted, saltBytes)));
                return 0;
            }
        }

        private NodeId resolveTarget(byte[] saltBytes) {
            NodeId fromKey = null;
            if (pubkey != null) {
                byte[] key;
                try {
                    key = HEX.parseHex(pubkey);
                } catch (IllegalArgumentException e) {
                    throw new CometException(ErrorCode.BAD_INPUT, "--pubkey must be 64 hex digits");
                }
                if (key.length != Ed25519.PUBLIC_KEY_BYTES) {
                    throw new CometException(ErrorCode.BAD_INPUT, "--pubkey must be 64 hex digits (32 bytes)");
                }
                fromKey = Item.mutableTarget(key, saltBytes);
            } else if (salt != null) {
                throw new CometException(ErrorCode.BAD_INPUT, "--salt needs --pubkey");
            }
            if (targetHex == null && fromKey == null) {
                throw new CometException(ErrorCode.BAD_INPUT, "give the item's TARGET_HEX, or --pubkey [--salt] of a mutable item");
            }
            NodeId given = targetHex == null ? null : NodeId.fromHex(targetHex);
            if (given != null && fromKey != null && !given.equals(fromKey)) {
                throw new CometException(ErrorCode.BAD_INPUT, "TARGET_HEX is not the target of --pubkey and --salt (that is " + fromKey.toHex() + ")");
            }
            return given != null ? given : fromKey;
        }

        private void print(NodeId wanted, Item item) {
            String text = NodeOperations.textOf(item);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("target", wanted.toHex());
                m.put("value", text);
                m.put("value_bencoded_hex", HEX.formatHex(item.value()));
                if (item.isMutable()) {
                    m.put("public_key", HEX.formatHex(item.publicKey()));
                    m.put("seq", item.seq());
                }
                System.out.println(JsonPrinter.write(m));
            } else {
                System.out.println(text);
                if (item.isMutable()) {
                    System.err.println("seq " + item.seq());
                }
            }
        }
    }
}
