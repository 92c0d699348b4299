package dev.comet.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Where the repository bin/comet runs from is, and its git commit, for bench results. Stateless. */
final class Repository {
    private Repository() {
    }

    /** The repository of the running jar (ROOT/comet-cli/target/comet.jar), else the working directory. */
    static Path root() {
        try {
            Path jar = Path.of(Repository.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = jar.getParent() == null ? null : jar.getParent().getParent();
            candidate = candidate == null ? null : candidate.getParent();
            if (candidate != null && Files.isDirectory(candidate.resolve("bench"))) {
                return candidate;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall back to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    /** {@code git rev-parse HEAD}, with "+dirty" when the work tree has changes; "unknown" without git. */
    static String commit(Path root) {
        String head = git(root, "rev-parse", "HEAD");
        if (head == null || head.isEmpty()) {
            return "unknown";
        }
        String status = git(root, "status", "--porcelain", "--untracked-files=no");
        return status != null && !status.isEmpty() ? head + "+dirty" : head;
    }

    private static String git(Path root, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = root.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.getErrorStream().close();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
