package dev.comet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code comet node --http-port} as its own process: the gateway serves, and settings come from flags > env > file. */
class NodeGatewayProcessTest {
    private static final Pattern GATEWAY = Pattern.compile("gateway (http://127\\.0\\.0\\.1:\\d+)");
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theGatewayShowsTheSettingsOfFlagsOverEnvironmentOverFile() throws Exception {
        Path file = tmp.resolve("node.properties");
        Files.writeString(file, "maxStoreRecords = 1000\nmaxStoreBytes = 5_000_000\n");
        Map<String, String> env = Map.of("COMET_MAX_STORE_RECORDS", "2000", "COMET_CONFIG", file.toString());

        Node flagged = start(tmp.resolve("a"), env, "--set", "maxStoreRecords=3000", "--verbose");
        Map<?, ?> store = (Map<?, ?>) status(flagged.url()).get("store");
        assertThat(store.get("maxRecords")).isEqualTo(3000);
        assertThat(store.get("maxBytes")).isEqualTo(5_000_000);
        assertThat(flagged.output()).anyMatch(l -> l.contains("INFO") && l.contains("gateway of node"));

        Node quiet = start(tmp.resolve("b"), env);
        assertThat(((Map<?, ?>) status(quiet.url()).get("store")).get("maxRecords")).isEqualTo(2000);
        assertThat(quiet.output()).noneMatch(l -> l.contains("INFO"));
    }

    /** A running node process: its gateway URL and the lines it printed. */
    private record Node(String url, ConcurrentLinkedQueue<String> output) {
    }

    private Node start(Path dataDir, Map<String, String> env, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "node", "--port", "0",
                "--http-port", "0", "--data-dir", dataDir.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        processes.add(p);
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                    Matcher m = GATEWAY.matcher(line);
                    if (line.startsWith("comet node ") && m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
            url.completeExceptionally(new AssertionError("the node exited: " + lines));
        });
        return new Node(url.get(30, TimeUnit.SECONDS), lines);
    }

    private static Map<?, ?> status(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/v1/node")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readValue(r.body(), Map.class);
    }
}
