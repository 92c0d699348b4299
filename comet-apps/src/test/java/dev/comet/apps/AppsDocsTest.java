package dev.comet.apps;

import dev.comet.testing.RepositoryFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/apps/ has a page for every shipped application, and its README's table gives each one's real line count. */
class AppsDocsTest {
    @Test
    void everyAppHasItsPageAndItsRowWithItsLineCount() throws IOException {
        Path pages = RepositoryFiles.path("docs/apps");
        String readme = Files.readString(pages.resolve("README.md"));
        for (ShippedApps.App app : ShippedApps.all()) {
            assertThat(pages.resolve(app.name() + ".md")).as(app.name()).exists();
            String paper = app.paperLines() == 0 ? "–" : Integer.toString(app.paperLines());
            assertThat(readme).as("the row of %s (its code has %d lines)", app.name(), app.linesOfCode())
                    .contains("| " + app.application() + " | " + app.customization() + " | [" + app.name() + ".md]("
                            + app.name() + ".md) | " + app.linesOfCode() + " | " + paper + " |");
        }
    }

    @Test
    void linesOfCodeLeaveOutBlankLinesAndComments() {
        ShippedApps.App popularity = ShippedApps.named("popularity").orElseThrow();
        assertThat(popularity.code()).contains("-- Popularity");
        assertThat(popularity.linesOfCode()).isEqualTo(9);
    }
}
