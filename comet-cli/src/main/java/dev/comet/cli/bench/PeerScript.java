package dev.comet.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the peer scripts of {@code bench/peers/} and captures what it printed. A script exits 3 when its peer is
 * not installed and cannot be installed. Stateless.
 */
public final class PeerScript {
    /** The exit status bench/peers scripts use for "the peer is not installed and could not be installed". */
    public static final int NOT_INSTALLED = 3;

    public enum Status { OK, NOT_INSTALLED, FAILED }

    /** What a script did: its status, its standard output, and for a failure the tail of its standard error. */
    public record Outcome(Status status, String out, String detail) {
    }

    private PeerScript() {
    }

    public static Outcome run(Path script, List<String> args, long timeoutSeconds) {
        if (!Files.isExecutable(script)) {
            return new Outcome(Status.FAILED, "", script + " is missing or not executable");
        }
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(args);
        try {
            Path err = Files.createTempFile("comet-peer", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                // read while it runs: a full pipe would block the script
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Outcome(Status.FAILED, "", script.getFileName() + " took over " + timeoutSeconds + " s");
                }
                String stderr = tail(Files.readString(err, StandardCharsets.UTF_8));
                String stdout = new String(out, StandardCharsets.UTF_8);
                return switch (p.exitValue()) {
                    case 0 -> new Outcome(Status.OK, stdout, stderr);
                    case NOT_INSTALLED -> new Outcome(Status.NOT_INSTALLED, stdout, stderr);
                    default -> new Outcome(Status.FAILED, stdout, script.getFileName() + " exited " + p.exitValue()
                            + (stderr.isEmpty() ? "" : ": " + stderr));
                };
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Outcome(Status.FAILED, "", "cannot run " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Status.FAILED, "", "interrupted while running " + script);
        }
    }

    /** The last non-empty line, which the scripts make their one-line reason. */
    static String tail(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }
}
