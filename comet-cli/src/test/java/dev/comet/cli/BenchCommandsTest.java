package dev.comet.cli;

import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** bench rpc and bench compare: bad input and unreachable nodes are one clear line and an exit status, no stack trace. */
class BenchCommandsTest {
    private static void assertClean(CliRun r, int status, String message) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(status);
        assertThat(r.err()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void benchRpcRefusesBadInput() {
        assertClean(CliRun.of("bench", "rpc", "--method", "frob"), 2, "unknown method 'frob': expected one of ping, get, comet_get, echo");
        assertClean(CliRun.of("bench", "rpc", "--node", "nohostport"), 2, "expected HOST:PORT");
        assertClean(CliRun.of("bench", "rpc", "--node", "127.0.0.1:99999"), 2, "must be 1 to 65535");
        assertClean(CliRun.of("bench", "rpc", "--concurrency", "0"), 2, "--concurrency must be 1 to 65535, got 0");
        assertClean(CliRun.of("bench", "rpc", "--seconds", "0"), 2, "--seconds must be positive");
        assertClean(CliRun.of("bench", "rpc", "--open-loop", "-5"), 2, "--open-loop RATE must be positive");
        assertClean(CliRun.of("bench", "rpc", "--method", "echo", "--node", "127.0.0.1:6881"), 2, "leave out --node");
        assertClean(CliRun.of("bench", "rpc", "--concurrency", "abc"), 2, "--concurrency");
    }

    @Test
    void benchRpcAgainstAClosedPortIsUnavailable() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = s.getLocalPort();
        }
        CliRun r = CliRun.of("bench", "rpc", "--node", "127.0.0.1:" + port, "--method", "ping", "--seconds", "1");
        assertClean(r, ExitStatus.UNAVAILABLE.code(), "did not answer a ping");
    }

    @Test
    void benchRpcAgainstASilentPortIsUnavailable() throws Exception {
        // a socket that never answers: the probe gives up after its timeout instead of hanging
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CliRun r = CliRun.of("bench", "rpc", "--node", "127.0.0.1:" + silent.getLocalPort(), "--method", "ping");
            assertClean(r, ExitStatus.UNAVAILABLE.code(), "is a DHT node running there?");
        }
    }

    @Test
    void benchObjectsMeasuresTheNodeNotItsRateLimit() {
        // eight sockets on one address are one source: under a stranger's allowance (100 at once, 20 a second) the
        // clients were refused and timed out, and the bench reported the guard (about 200 gets a second, failures)
        CliRun r = CliRun.of("bench", "objects", "--clients", "4", "--seconds", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"failed\" : 0");
        java.util.regex.Matcher gets = java.util.regex.Pattern.compile("\"gets\" : (\\d+)").matcher(r.out());
        assertThat(gets.find()).as(r.out()).isTrue();
        assertThat(Long.parseLong(gets.group(1))).as("gets in 2 s, past a stranger's 140").isGreaterThan(500);
    }

    @Test
    void benchRpcEchoAndCometGetProduceNumbers() {
        CliRun echo = CliRun.of("bench", "rpc", "--method", "echo", "--seconds", "0.3", "--warmup", "0", "--concurrency", "4");
        assertThat(echo.exitCode()).as(echo.err()).isZero();
        assertThat(echo.out()).contains("\"ops_per_second\"").contains("\"p999_us\"").contains("\"method\" : \"echo\"");
        CliRun get = CliRun.of("bench", "rpc", "--method", "comet_get", "--seconds", "0.5", "--warmup", "0");
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(get.out()).contains("\"method\" : \"comet_get\"").containsPattern("\"ok\" : [1-9]");
        CliRun item = CliRun.of("bench", "rpc", "--method", "get", "--seconds", "0.5", "--warmup", "0", "--open-loop", "200");
        assertThat(item.exitCode()).as(item.err()).isZero();
        assertThat(item.out()).contains("\"mode\" : \"open\"").containsPattern("\"ok\" : [1-9]");
    }

    @Test
    void benchItemsRefusesZeroInFlightAndANegativeWarmup() {
        assertClean(CliRun.of("bench", "items", "--in-flight", "0"), 2, "--in-flight at least 1");
        assertClean(CliRun.of("bench", "items", "--warmup", "-1"), 2, "--warmup and --warmup-seconds at least 0");
        assertClean(CliRun.of("bench", "items", "--warmup-seconds", "-1"), 2, "--warmup and --warmup-seconds at least 0");
        assertClean(CliRun.of("bench", "items", "--warmup-seconds", "NaN"), 2, "--warmup and --warmup-seconds at least 0");
    }

    @Test
    void benchCompareWithoutPeersDirectoryIsBadInput() {
        assertClean(CliRun.of("bench", "compare", "--repo", "/nonexistent-comet-repo"), 2, "no bench/peers/ under");
    }

    @Test
    void benchOwnedMeasuresSignedAgainstUnsignedAndAppends() {
        CliRun r = CliRun.of("bench", "owned", "--nodes", "4", "--replicas", "3", "--ops", "3", "--appends", "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"signed_put_us_median\"").contains("\"unsigned_get_us_median\"")
                .contains("\"appends\" : 5").contains("\"appends_per_second\"");
        assertClean(CliRun.of("bench", "owned", "--nodes", "4", "--replicas", "5"), 2, "--replicas 1 to --nodes");
    }
}
