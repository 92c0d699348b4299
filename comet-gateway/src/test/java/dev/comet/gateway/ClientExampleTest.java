package dev.comet.gateway;

import dev.comet.testing.RepositoryFiles;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/client-example.md shows exactly ClientExample's code, and that code prints what the page says. */
class ClientExampleTest {
    @Test
    void theExamplePrintsWhatItsCommentsSay() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            ClientExample.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "Hello world!", "2", "gold", "REFUSED", "330 HANDLER_REFUSED", "true");
    }

    @Test
    void thePageShowsTheExampleVerbatim() throws Exception {
        String source = RepositoryFiles.read("comet-gateway/src/test/java/dev/comet/gateway/ClientExample.java");
        String code = source.substring(source.indexOf("// example:start") + "// example:start".length(), source.indexOf("        // example:end"));
        String page = RepositoryFiles.read("docs/client-example.md");
        assertThat(unindented(page)).contains(unindented(code).strip());
    }

    /** Each line without its indentation: the page may indent the code less than the class does. */
    private static String unindented(String text) {
        return String.join("\n", text.lines().map(String::strip).toList());
    }
}
