package dev.comet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.items.Ed25519;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;

/** An ed25519 key pair on disk: JSON {@code {"type":"ed25519","seed":hex,"public_key":hex}}, readable by its owner only. */
final class KeyFile {
    private static final HexFormat HEX = HexFormat.of();

    private KeyFile() {
    }

    static void write(Path file, Ed25519.RawKeyPair keys) {
        String json = JsonPrinter.write(Map.of("type", "ed25519", "seed", HEX.formatHex(keys.seed()),
                "public_key", HEX.formatHex(keys.publicKey())));
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, json + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "key file " + file + " already exists; not overwriting it");
        } catch (UnsupportedOperationException | IOException e) {
            throw new CometException(ErrorCode.IO, "cannot write key file " + file + ": " + e.getMessage());
        }
    }

    static Ed25519.RawKeyPair read(Path file) {
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(file));
            if (root == null || !"ed25519".equals(root.path("type").asText())) {
                throw new CometException(ErrorCode.BAD_INPUT, "key file " + file + " is not an ed25519 key written by 'comet keygen'");
            }
            byte[] seed = HEX.parseHex(root.path("seed").asText());
            Ed25519.RawKeyPair keys = Ed25519.fromSeed(seed);
            if (!HEX.formatHex(keys.publicKey()).equals(root.path("public_key").asText())) {
                throw new CometException(ErrorCode.BAD_INPUT, "key file " + file + " is damaged: its public key does not match its seed");
            }
            return keys;
        } catch (IOException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "cannot read key file " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "key file " + file + " is damaged: " + e.getMessage());
        }
    }
}
