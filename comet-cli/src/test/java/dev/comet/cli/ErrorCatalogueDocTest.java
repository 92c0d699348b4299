package dev.comet.cli;

import dev.comet.ErrorCode;
import dev.comet.client.ApiError;
import dev.comet.testing.RepositoryFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/errors.md, the README and docs/openapi.yaml agree with the catalogue and its edges: every entry has its row
 * (code, name, kind, meaning, HTTP status, CLI exit status, remedy) exactly as the catalogue gives it, and no row is
 * left for an entry that is gone. Here because comet-cli sees all three edges: ErrorCode (core), ApiError (the HTTP
 * edge) and ExitStatus (the CLI's). On a mismatch the expected document is in target/errors.md.
 */
class ErrorCatalogueDocTest {
    private static final Pattern ROW = Pattern.compile("(?m)^\\| (\\d+) \\| `([A-Z_]+)` \\|.*$");

    @Test
    void everyCatalogueEntryHasItsRowAndNoOtherRowIsLeft() throws IOException {
        String expected = document();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/errors.md"), expected);
        String doc = RepositoryFiles.read("docs/errors.md");
        List<String> entries = new ArrayList<>();
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(doc).as("docs/errors.md row of %s (regenerate from target/errors.md)", c).contains(row(c));
            entries.add(c.code() + " " + c.name());
        }
        List<String> documented = new ArrayList<>();
        Matcher m = ROW.matcher(doc);
        while (m.find()) {
            documented.add(m.group(1) + " " + m.group(2));
        }
        assertThat(documented).as("the catalogue rows of docs/errors.md, in order").isEqualTo(entries);
    }

    @Test
    void theKindsAndExitStatusesAreDocumentedAsTheEdgesMapThem() throws IOException {
        String doc = RepositoryFiles.read("docs/errors.md");
        for (ErrorCode.Kind k : ErrorCode.Kind.values()) {
            assertThat(doc).as("kind %s", k).contains(kindRow(k));
        }
        String readme = RepositoryFiles.read("README.md");
        for (ExitStatus s : ExitStatus.values()) {
            assertThat(doc).as("exit status %s in docs/errors.md", s).contains(exitRow(s));
            assertThat(readme).as("exit status %s in README.md", s).contains(exitRow(s));
        }
        assertThat(readme).contains("docs/errors.md");
    }

    @Test
    void theOpenApiErrorKindsAreTheGatewaysKinds() throws IOException {
        Matcher m = Pattern.compile("(?m)^\\s+enum: \\[(bad_input[^\\]]*)]")
                .matcher(RepositoryFiles.read("docs/openapi.yaml"));
        assertThat(m.find()).as("the Error schema's enum of kinds").isTrue();
        assertThat(Arrays.stream(m.group(1).split(",")).map(String::strip).sorted().toList())
                .isEqualTo(Arrays.stream(ApiError.values()).map(ApiError::code).sorted().toList());
    }

    /** The whole of docs/errors.md as the catalogue and its edges give it. */
    static String document() {
        StringBuilder out = new StringBuilder();
        out.append("""
                # Errors

                <!-- Checked against dev.comet.ErrorCode, ApiError and ExitStatus by ErrorCatalogueDocTest (comet-cli);
                     when an entry changes, copy comet-cli/target/errors.md here after running that test. -->

                Every error Comet produces is one entry of a catalogue (`dev.comet.ErrorCode`): a code of its own, a
                name, a kind, what it means and what you can do about it. The same entry reaches you however you ask:

                - **KRPC** (between nodes): codes below 900 travel in KRPC error replies as they are (BEP 5: 201–204,
                  BEP 44: 205–207 and 301–302, Comet: 310–399, see [protocol.md](protocol.md)); codes from 900 are
                  local to the node or client that produced them and are never sent (a node that had to relay one
                  would send 201, or 202 for an internal error). A peer never gets exception text.
                - **HTTP** (the gateway, [openapi.yaml](openapi.yaml)): the kind sets the status, and the body is
                  `{"error": KIND, "code": CODE, "name": NAME, "message": TEXT}`. A busy node's `503` carries
                  `Retry-After`, like the gateway's own `429`.
                - **CLI** (`bin/comet`): the kind sets the exit status; the one-line message on standard error starts
                  with `comet: `. Every command's `--help` lists the exit statuses.
                - **Java** (`CometClient`, embedded or HTTP): a `CometClientException` whose `code()` is the entry and
                  whose `error()` is its kind at the HTTP edge (`ApiError`).

                ## Kinds and their edges

                | kind | what it means | HTTP status (`error`) | CLI exit status |
                |---|---|---|---|
                """);
        for (ErrorCode.Kind k : ErrorCode.Kind.values()) {
            out.append(kindRow(k)).append('\n');
        }
        out.append("""

                ## CLI exit statuses

                | exit status | meaning |
                |---|---|
                """);
        for (ExitStatus s : ExitStatus.values()) {
            out.append(exitRow(s)).append('\n');
        }
        out.append("""

                ## The catalogue

                | code | name | kind | meaning | HTTP | CLI exit | what you can do |
                |---|---|---|---|---|---|---|
                """);
        for (ErrorCode c : ErrorCode.values()) {
            out.append(row(c)).append('\n');
        }
        return out.toString();
    }

    static String row(ErrorCode c) {
        ApiError http = ApiError.of(c);
        return "| " + c.code() + " | `" + c.name() + "` | " + kindName(c.kind()) + " | " + c.meaning() + " | "
                + http.status() + " | " + ExitStatus.of(c).code() + " | " + c.remedy() + " |";
    }

    static String kindRow(ErrorCode.Kind k) {
        ApiError http = ApiError.of(k);
        ExitStatus exit = ExitStatus.of(k);
        return "| " + kindName(k) + " | " + k.meaning() + " | " + http.status() + " (`" + http.code() + "`)"
                + (http.retryLater() ? ", `Retry-After`" : "") + " | " + exit.code() + " (" + exitName(exit) + ") |";
    }

    static String exitRow(ExitStatus s) {
        return "| " + s.code() + " | " + s.description() + " |";
    }

    private static String kindName(ErrorCode.Kind k) {
        return "`" + k.name().toLowerCase(java.util.Locale.ROOT) + "`";
    }

    private static String exitName(ExitStatus s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }
}
