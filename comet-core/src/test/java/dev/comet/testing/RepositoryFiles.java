package dev.comet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files of the repository that tests hold the code to (the docs, the README, the examples), found by walking up from
 * the working directory: Maven runs a module's tests in the module's folder, an IDE may run them in the repository's
 * root.
 */
public final class RepositoryFiles {
    private RepositoryFiles() {
    }

    /** The file or folder at {@code relative}, a path from the repository's root; fails the test when there is none. */
    public static Path path(String relative) {
        Path start = Path.of("").toAbsolutePath();
        Path dir = start;
        while (dir != null && !Files.exists(dir.resolve(relative))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("%s above %s", relative, start).isNotNull();
        return dir.resolve(relative);
    }

    /** The text of {@code relative}, a path from the repository's root. */
    public static String read(String relative) throws IOException {
        return Files.readString(path(relative));
    }
}
