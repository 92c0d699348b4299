package dev.comet.cli;

import dev.comet.core.NodeConfig;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The node settings options shared by {@code node}, {@code cluster} and {@code demo}: a file and overrides. */
final class ConfigOptions {
    @CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "Node settings file (key = value, keys as in docs/operations.md); env COMET_CONFIG.",
            defaultValue = "${env:COMET_CONFIG}")
    Path file;

    @CommandLine.Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A node setting, overriding the file and COMET_* environment variables (repeatable).")
    Map<String, String> flags = new LinkedHashMap<>();

    /** The settings: defaults < file < environment < flags. */
    NodeConfig nodeConfig() {
        return NodeSettings.resolve(file, System.getenv(), flags);
    }
}
