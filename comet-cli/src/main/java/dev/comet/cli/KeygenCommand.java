package dev.comet.cli;

import dev.comet.items.Ed25519;
import picocli.CommandLine;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code comet keygen}: a new ed25519 key pair for signing mutable items. */
@CommandLine.Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create an ed25519 key pair for mutable items; prints the public key.")
final class KeygenCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--out", required = true, description = "File to create (never overwritten; mode 600).")
    Path out;

    @CommandLine.Option(names = "--json", description = "Print a JSON object.")
    boolean json;

    @Override
    public Integer call() {
        Ed25519.RawKeyPair keys = Ed25519.generate(new SecureRandom());
        KeyFile.write(out, keys);
        String publicKey = HexFormat.of().formatHex(keys.publicKey());
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("public_key", publicKey);
            m.put("key_file", out.toString());
            System.out.println(JsonPrinter.write(m));
        } else {
            System.out.println(publicKey);
        }
        return 0;
    }
}
