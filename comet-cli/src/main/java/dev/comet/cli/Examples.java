package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The example objects of {@code examples/}, which the build packs into the jar (the demo and the bench use them). */
final class Examples {
    private Examples() {
    }

    /** The Lua source of {@code examples/NAME}. */
    static String read(String name) {
        try (InputStream in = Examples.class.getResourceAsStream("/examples/" + name)) {
            if (in == null) {
                throw new CometException(ErrorCode.IO, "example " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CometException(ErrorCode.IO, "cannot read example " + name + ": " + e.getMessage());
        }
    }
}
