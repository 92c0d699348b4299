package dev.comet.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.client.LuaRuntimePool;
import dev.comet.core.NodeConfig;
import dev.comet.runtime.LocalCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200 concurrent HTTP clients for 20 seconds against the gateway of a 5-node cluster (sized for a 2-core
 * machine): every request gets a result or a documented error, and the node stays healthy afterwards.
 */
@Tag("load")
class GatewayLoadTest {
    private static final int CLIENTS = 200;
    private static final Duration RUN = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What each kind of request may answer: its result, or one of its documented errors. */
    private static final Map<String, Set<Integer>> ALLOWED = Map.of(
            "put", Set.of(200, 429, 503),
            "get", Set.of(200, 429, 503),
            "get-all", Set.of(200, 429, 503),
            "get-missing", Set.of(404, 429, 503),
            "refused", Set.of(422, 429, 503),
            "node", Set.of(200, 429, 503),
            "bad-json", Set.of(400, 429));

    @Test
    void twoHundredClientsForTwentySecondsGetAnswersAndTheNodeStaysHealthy() throws Exception {
        // the default guard: the gateway's node paces its queries to its 4 peers below their peer allowance, so they
        // never drop nor ban it (docs/abuse.md, "Pacing"); before pacing they banned it for 5 minutes under this load
        try (LocalCluster cluster = LocalCluster.start(5, 0, NodeConfig.defaults(), LuaRuntimePool.factory());
             AutoCloseableGateway g = new AutoCloseableGateway(cluster)) {
            String url = g.gateway.url();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertThat(send(http, url, "PUT", "/v1/objects/load/seed", "{\"code\":" + JSON.writeValueAsString(HttpCheck.read("examples/seed.lua")) + "}").statusCode()).isEqualTo(200);
            assertThat(send(http, url, "PUT", "/v1/objects/load/guarded", "{\"code\":" + JSON.writeValueAsString(HttpCheck.read("examples/password.lua")) + "}").statusCode()).isEqualTo(200);

            Map<String, LongAdder> byStatus = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            LongAdder total = new LongAdder();
            long end = System.nanoTime() + RUN.toNanos();
            CountDownLatch done = new CountDownLatch(CLIENTS);
            List<Thread> threads = new ArrayList<>();
            long started = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    try {
                        for (int n = 0; System.nanoTime() < end; n++) {
                            String kind = kindOf(client + n);
                            HttpResponse<String> r = request(http, url, kind, client, n);
                            total.increment();
                            byStatus.computeIfAbsent(kind + " " + r.statusCode(), k -> new LongAdder()).increment();
                            String problem = problem(kind, r);
                            if (problem != null && unexpected.size() < 20) {
                                unexpected.add(problem);
                            }
                        }
                    } catch (IOException e) {
                        unexpected.add("client " + client + ": " + e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                }, "load-client-" + c);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            assertThat(done.await(RUN.toSeconds() + 90, java.util.concurrent.TimeUnit.SECONDS)).as("clients finished").isTrue();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("gateway load: %d clients, %d requests in %.1f s = %.0f requests/s; by kind and status: %s%n",
                    CLIENTS, total.sum(), seconds, total.sum() / seconds, new java.util.TreeMap<>(byStatus));

            assertThat(unexpected).as("requests without a result or a documented error").isEmpty();
            // no peer dropped or banned the gateway's node: it paced itself
            for (var peer : cluster.nodes()) {
                dev.comet.guard.GuardStats guard = peer.call(n -> n.stats().guard()).get(10, java.util.concurrent.TimeUnit.SECONDS);
                System.out.printf("node %s: guard %s%n", peer.address(), guard);
                assertThat(guard.floodBans()).as("bans by %s", peer.address()).isZero();
            }
            assertThat(total.sum()).isGreaterThan(CLIENTS);
            // healthy afterwards: the node answers, its counters show no internal error, the seed still counts
            HttpResponse<String> node = send(http, url, "GET", "/v1/node", null);
            assertThat(node.statusCode()).isEqualTo(200);
            HttpCheck.assertMatchesSpec("GET", "/v1/node", node);
            String metrics = send(http, url, "GET", "/metrics", null).body();
            assertThat(GatewayRoutesTest.metric(metrics, "comet_internal_errors_total")).isZero();
            assertThat(GatewayRoutesTest.metric(metrics, "comet_gateway_requests_seconds_count")).isGreaterThanOrEqualTo(total.sum());
            HttpResponse<String> seed = send(http, url, "GET", "/v1/objects/load/seed", null);
            assertThat(seed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(seed.body()).get("answers").get(0).get("value").get(0).asText()).isEqualTo("Hello world!");
        }
    }

    /** A mix like real use: mostly reads, some writes, misses, refusals and bad input. */
    private static String kindOf(int i) {
        return switch (i % 10) {
            case 0, 1 -> "put";
            case 2, 3, 4, 5 -> "get";
            case 6 -> "get-all";
            case 7 -> "get-missing";
            case 8 -> i % 20 < 10 ? "refused" : "bad-json";
            default -> "node";
        };
    }

    private static HttpResponse<String> request(HttpClient http, String url, String kind, int client, int n)
            throws IOException, InterruptedException {
        return switch (kind) {
            case "put" -> send(http, url, "PUT", "/v1/objects/load/" + client + "/" + n, "{\"value\":\"v" + n + "\",\"replicas\":3}");
            case "get" -> send(http, url, "GET", "/v1/objects/load/seed", null);
            case "get-all" -> send(http, url, "GET", "/v1/objects/load/seed?all=true", null);
            case "get-missing" -> send(http, url, "GET", "/v1/objects/load/missing/" + client + "/" + n, null);
            case "refused" -> send(http, url, "GET", "/v1/objects/load/guarded?arg.password=guess", null);
            case "bad-json" -> send(http, url, "PUT", "/v1/objects/load/bad", "{\"value\":");
            default -> send(http, url, "GET", "/v1/node", null);
        };
    }

    /** Null when {@code r} is a documented answer for {@code kind}: an allowed status with a JSON body that fits it. */
    private static String problem(String kind, HttpResponse<String> r) {
        if (!ALLOWED.get(kind).contains(r.statusCode())) {
            return kind + " answered " + r.statusCode() + ": " + r.body();
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            boolean error = r.statusCode() != 200;
            if (error != body.has("error") || (error && !body.has("message"))) {
                return kind + " answered " + r.statusCode() + " with " + r.body();
            }
        } catch (IOException e) {
            return kind + " answered " + r.statusCode() + " with a body that is not JSON: " + r.body();
        }
        return null;
    }

    private static HttpResponse<String> send(HttpClient http, String url, String method, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The cluster formed and a gateway on its first node, closed with the test. */
    private static final class AutoCloseableGateway implements AutoCloseable {
        final Gateway gateway;

        AutoCloseableGateway(LocalCluster cluster) {
            cluster.awaitFormed(30_000);
            gateway = Gateway.start(cluster.nodes().get(0), GatewayConfig.defaults().withAddress("127.0.0.1", 0));
        }

        @Override
        public void close() {
            gateway.close();
        }
    }
}
