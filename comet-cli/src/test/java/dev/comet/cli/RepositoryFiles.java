package dev.comet.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files of the repository that tests hold the code to (the docs, the README), found by walking up from the working
 * directory: Maven runs a module's tests in the module's folder, an IDE may run them in the repository's root.
 */
final class RepositoryFiles {
    private RepositoryFiles() {
    }

    /** The text of {@code relative}, a path from the repository's root. */
    static String read(String relative) throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(relative))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("%s above %s", relative, Path.of("").toAbsolutePath()).isNotNull();
        return Files.readString(dir.resolve(relative));
    }
}
