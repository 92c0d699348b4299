package dev.comet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code comet demo}, as the README's first command: every example and the eight applications behave, the report says
 * so, exit code 0.
 */
class DemoCommandTest {
    /** A count of 2 or more. */
    private static final String AT_LEAST_2 = "(?:[2-9]|[1-9]\\d+)";

    @Test
    void theDemoExercisesEveryExampleAndReportsIt() {
        CliRun run = CliRun.of("demo", "--http-port", "0");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("20 nodes up, gateway http://127.0.0.1:")
                .containsPattern("ok  get-counter \\(examples/seed.lua\\): stored on 8 replicas; 3 gets counted \\[1, 2, 3\\]")
                .contains("ok  one-time value (examples/one-time.lua): first read: \"the launch code is 0000\"; second read: 404")
                .containsPattern("ok  self-destructing value \\(examples/self-destruct.lua\\): read at once: \"a short-lived secret\"; "
                        + "gone when read \\d+\\.\\d s after it was stored \\(lifetime 3 s; its onTimer deleted it\\)")
                // each replica's count read once it reached 2: at least 2, however slow the machine
                .containsPattern("ok  ticker \\(examples/ticker.lua\\): timer every 1 s on 3 replicas; each ran its own "
                        + "onTimer at least 2 times: ticks \\[" + AT_LEAST_2 + ", " + AT_LEAST_2 + ", " + AT_LEAST_2 + "\\]")
                .contains("ok  password-protected value (examples/password.lua): no password: 422 refused; wrong password: 422 refused")
                .contains("ok  popularity: 3 gets answered \"a popular value\"; a get with count=1 read 4")
                .contains("ok  one-time: first read: \"read me once\"; second read: nothing")
                .containsPattern("ok  flexible-timeout: lifetime set to 2 s by the object: read at once, gone \\d+\\.\\d s after")
                .contains("ok  password: no password and a wrong one: nothing; password=open sesame: \"the laptop")
                .contains("ok  access-log: 3 gets and a wrong owner secret's get logged with caller and time; the owner read the 4 entries")
                .contains("ok  tracker: 4 peers announced with coordinates; a get from (12, 0) answered the 2 nearest, nearest "
                        + "first: [10.0.0.2:6881, 10.0.0.1:6881]")
                .contains("a new subscriber read the last 5 (3 to 7), one that saw 6 read only 7")
                .containsPattern("ok  replica-monitor: 3 replicas, a 1 s timer: after \\d+\\.\\d s a replica's report named [23] ")
                .contains("all 5 examples and 8 applications behaved as expected")
                .contains("curl -s http://127.0.0.1:");
    }

    @Test
    void theJsonReportListsEachExampleAndApplication() throws Exception {
        CliRun run = CliRun.of("demo", "--http-port", "0", "--nodes", "8", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("nodes").asInt()).isEqualTo(8);
        assertThat(report.get("gateway").asText()).startsWith("http://127.0.0.1:");
        assertThat(report.get("examples")).hasSize(5);
        report.get("examples").forEach(e -> assertThat(e.get("result").asText()).isEqualTo("ok"));
        assertThat(report.get("applications")).hasSize(8);
        report.get("applications").forEach(e -> assertThat(e.get("file").asText())
                .startsWith("comet-apps/src/main/resources/apps/").endsWith(".lua"));
        assertThat(report.get("wall_seconds").isNumber()).as("the run's wall time is reported").isTrue();
    }

    @Test
    void aPortInUseIsAClearFailure() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun run = CliRun.of("demo", "--http-port", Integer.toString(taken.getLocalPort()), "--nodes", "2");
            assertThat(run.exitCode()).isEqualTo(ExitStatus.INTERNAL.code());
            assertThat(run.err()).contains("comet: cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
