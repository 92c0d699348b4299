package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.Answer;
import dev.comet.client.ApiError;
import dev.comet.client.CometClientException;
import dev.comet.client.GetResult;
import dev.comet.client.HttpCometClient;
import dev.comet.client.ObjectSpec;
import dev.comet.client.LuaRuntimePool;
import dev.comet.client.WriteResult;
import dev.comet.gateway.Gateway;
import dev.comet.gateway.GatewayConfig;
import dev.comet.runtime.LocalCluster;
import picocli.CommandLine;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code comet demo}: a local cluster with a gateway, the shipped example objects published and exercised over
 * HTTP the way a user would, and a short report of what each did. Any surprise is a failure with a clear message.
 */
@CommandLine.Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a local cluster with an HTTP gateway, publish the example objects (examples/*.lua) and "
                + "eight of the shipped applications (comet apps), exercise them over HTTP and report what each did.")
final class DemoCommand implements Callable<Integer> {
    /** When the self-destructing value (3 s lifetime, a 1 s timer) must be gone without anyone reading it. */
    private static final Duration LIFETIME_AND_A_TICK = Duration.ofMillis(4_500);
    /** Runs of its 1 s timer each ticker replica must show. */
    private static final int TICKS = 2;
    /** How long the demo waits for them before it calls the ticker broken (a busy machine runs timers late). */
    private static final Duration TICKS_DEADLINE = Duration.ofSeconds(30);
    /** Pause between two reads of the ticker's counts. */
    private static final Duration TICKS_POLL = Duration.ofMillis(250);

    @CommandLine.Option(names = "--nodes", defaultValue = "20", description = "Nodes of the cluster (default: ${DEFAULT-VALUE}).")
    int nodes;

    @CommandLine.Option(names = "--http-port", defaultValue = "${env:COMET_HTTP_PORT:-0}",
            description = "Gateway port, 0 for a free one (default: ${DEFAULT-VALUE}; env COMET_HTTP_PORT).")
    int httpPort;

    @CommandLine.Option(names = "--keep-running", description = "Keep the cluster and gateway up after the report, until Ctrl-C.")
    boolean keepRunning;

    @CommandLine.Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    /** One example's or application's outcome: its name, its file in the repository, and what the user saw. */
    record Step(String name, String file, String saw) {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (nodes < 2) {
            throw new CometException(ErrorCode.BAD_INPUT, "--nodes must be at least 2, got " + nodes);
        }
        long started = System.nanoTime();
        PrintStream out = System.out;
        if (!json) {
            out.println("comet demo: starting " + nodes + " nodes on 127.0.0.1 …");
        }
        LocalCluster cluster = LocalCluster.start(nodes, 0, config.nodeConfig(), LuaRuntimePool.factory(config.nodeConfig().objects()));
        Gateway gateway = null;
        try {
            cluster.awaitFormed(30_000);
            gateway = Gateway.start(cluster.nodes().get(0), GatewayConfig.defaults().withAddress("127.0.0.1", httpPort));
            HttpCometClient http = new HttpCometClient(URI.create(gateway.url()), Duration.ofSeconds(30));
            List<Step> steps = new ArrayList<>();
            steps.add(getCounter(http));
            steps.add(oneTime(http));
            steps.add(selfDestruct(http));
            steps.add(password(http));
            steps.add(ticker(http));
            List<Step> apps = new DemoApps(http).run();
            double seconds = Math.round((System.nanoTime() - started) / 1e7) / 100.0;
            report(out, steps, apps, gateway.url(), seconds);
            if (keepRunning) {
                CountDownLatch stop = new CountDownLatch(1);
                Gateway running = gateway;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    running.close();
                    cluster.close();
                    stop.countDown();
                }, "comet-shutdown"));
                stop.await();
            }
            return 0;
        } catch (CometClientException e) {
            throw new CometException(e.code(), "demo failed: the gateway answered " + e.error().code() + ": " + e.getMessage());
        } finally {
            if (!keepRunning) {
                if (gateway != null) {
                    gateway.close();
                }
                cluster.close();
            }
        }
    }

    /** The seed: each replica counts the gets it serves. */
    private static Step getCounter(HttpCometClient http) {
        WriteResult put = http.put("demo/hello", ObjectSpec.ofCode(Examples.read("seed.lua")).withReplicas(8));
        List<Object> counts = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            List<?> answer = (List<?>) http.get("demo/hello").value();
            expect(answer.get(0).equals("Hello world!") && answer.get(1).equals((long) i),
                    "get-counter: get " + i + " answered " + answer + ", expected [Hello world!, " + i + "]");
            counts.add(answer.get(1));
        }
        GetResult all = http.get("demo/hello", Map.of(), true);
        List<Object> perReplica = new ArrayList<>();
        all.answers().forEach(a -> perReplica.add(((List<?>) a.value()).get(1)));
        expect(all.answers().size() == put.stored().size(), "get-counter: " + all.answers().size() + " of "
                + put.stored().size() + " replicas answered a get with all=true");
        return new Step("get-counter", "examples/seed.lua", "stored on " + put.stored().size() + " replicas; 3 gets counted "
                + counts + " on the closest; all=true asked every replica, each counting its own gets: " + perReplica);
    }

    /** A value that the first read takes away. */
    private static Step oneTime(HttpCometClient http) {
        http.put("demo/one-time", ObjectSpec.ofCode(Examples.read("one-time.lua")).withReplicas(1));
        Object first = http.get("demo/one-time").value();
        expect("the launch code is 0000".equals(first), "one-time: the first read answered " + first);
        ApiError second = errorOf(() -> http.get("demo/one-time"));
        expect(second == ApiError.NOT_FOUND, "one-time: the second read was " + second + ", expected not_found");
        return new Step("one-time value", "examples/one-time.lua", "first read: \"" + first + "\"; second read: 404 not_found (it deleted itself)");
    }

    /** A value that deletes itself a few seconds after it was stored. */
    private static Step selfDestruct(HttpCometClient http) throws InterruptedException {
        http.put("demo/short-lived", ObjectSpec.ofCode(Examples.read("self-destruct.lua")).withReplicas(1));
        long stored = System.nanoTime();
        Object before = http.get("demo/short-lived").value();
        expect("a short-lived secret".equals(before), "self-destructing value: the first read answered " + before);
        // no read until well past its lifetime: only its own timer can have deleted it
        Thread.sleep(Math.max(0, stored / 1_000_000 + LIFETIME_AND_A_TICK.toMillis() - System.nanoTime() / 1_000_000));
        String after = stateOf(http, "demo/short-lived");
        double seconds = Math.round((System.nanoTime() - stored) / 1e8) / 10.0;
        expect(after.equals("gone"), "self-destructing value: " + seconds + " s after it was stored its timer had not "
                + "deleted it (the read found it " + after + ")");
        return new Step("self-destructing value", "examples/self-destruct.lua", "read at once: \"" + before
                + "\"; gone when read " + seconds + " s after it was stored (lifetime 3 s; its onTimer deleted it)");
    }

    /**
     * Timers: every replica runs the object's onTimer itself, on its own state. The counts are read until every
     * replica has run its timer twice, rather than once after a fixed wait, so a slow machine shows the same.
     */
    private static Step ticker(HttpCometClient http) throws InterruptedException {
        http.put("demo/ticker", new ObjectSpec(null, Examples.read("ticker.lua"), 3, null, 1L));
        long started = System.nanoTime();
        long deadline = started + TICKS_DEADLINE.toNanos();
        while (true) {
            GetResult all = http.get("demo/ticker", Map.of(), true);
            List<Object> ticks = new ArrayList<>();
            boolean enough = all.answers().size() == 3;
            for (Answer a : all.answers()) {
                Object n = a.value() instanceof Map<?, ?> m ? m.get("ticks") : null;
                expect(n instanceof Long, "ticker: a replica answered " + a.value() + ", expected its ticks");
                enough &= (Long) n >= TICKS;
                ticks.add(n);
            }
            if (enough) {
                double seconds = Math.round((System.nanoTime() - started) / 1e8) / 10.0;
                return new Step("ticker", "examples/ticker.lua", "timer every 1 s on 3 replicas; each ran its own onTimer at "
                        + "least " + TICKS + " times: ticks " + ticks + " after " + seconds + " s");
            }
            expect(System.nanoTime() < deadline, "ticker: after " + TICKS_DEADLINE.toSeconds() + " s "
                    + all.answers().size() + " of 3 replicas answered, with ticks " + ticks + ", expected at least "
                    + TICKS + " each");
            Thread.sleep(TICKS_POLL.toMillis());
        }
    }

    /** A value only a reader with the right password gets. */
    private static Step password(HttpCometClient http) {
        http.put("demo/treasure", ObjectSpec.ofCode(Examples.read("password.lua")));
        ApiError none = errorOf(() -> http.get("demo/treasure"));
        ApiError wrong = errorOf(() -> http.get("demo/treasure", Map.of("password", "let me in"), false));
        expect(none == ApiError.REFUSED && wrong == ApiError.REFUSED,
                "password: reads without or with a wrong password were " + none + " and " + wrong + ", expected refused");
        Object right = http.get("demo/treasure", Map.of("password", "open sesame"), false).value();
        expect("the treasure is under the old oak".equals(right), "password: the right password read " + right);
        return new Step("password-protected value", "examples/password.lua",
                "no password: 422 refused; wrong password: 422 refused; arg.password=open sesame: \"" + right + "\"");
    }

    /** "value" while the key answers a value; "expired" for an answer without one; "gone" once no replica holds it. */
    private static String stateOf(HttpCometClient http, String key) {
        try {
            return http.get(key).value() == null ? "expired" : "value";
        } catch (CometClientException e) {
            expect(e.error() == ApiError.NOT_FOUND, "self-destructing value: a read failed with " + e.error() + ": " + e.getMessage());
            return "gone";
        }
    }

    private void report(PrintStream out, List<Step> steps, List<Step> apps, String url, double seconds) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodes", nodes);
            m.put("gateway", url);
            m.put("examples", asJson(steps));
            m.put("applications", asJson(apps));
            m.put("wall_seconds", seconds);
            out.println(JsonPrinter.write(m));
            return;
        }
        out.println("comet demo: " + nodes + " nodes up, gateway " + url);
        for (Step s : steps) {
            out.println("  ok  " + s.name() + " (" + s.file() + "): " + s.saw());
        }
        out.println("comet demo: the shipped applications (docs/apps/):");
        for (Step s : apps) {
            out.println("  ok  " + s.name() + ": " + s.saw());
        }
        out.println("comet demo: all " + steps.size() + " examples and " + apps.size()
                + " applications behaved as expected in " + seconds + " s");
        out.println("try it yourself" + (keepRunning ? " (Ctrl-C to stop):" : " (run with --keep-running to keep the cluster up):"));
        out.println("  curl -s " + url + "/v1/objects/demo/hello");
        out.println("  curl -s '" + url + "/v1/objects/demo/treasure?arg.password=open%20sesame'");
        out.println("  curl -s -X PUT -H 'Content-Type: application/json' -d '{\"value\":\"hi\"}' " + url + "/v1/objects/mine");
        out.println("  curl -s " + url + "/v1/node ; curl -s " + url + "/metrics");
        out.flush();
    }

    private static List<Map<String, String>> asJson(List<Step> steps) {
        List<Map<String, String>> list = new ArrayList<>();
        steps.forEach(s -> list.add(Map.of("name", s.name(), "file", s.file(), "result", "ok", "saw", s.saw())));
        return list;
    }

    private static ApiError errorOf(Runnable call) {
        try {
            call.run();
            return null;
        } catch (CometClientException e) {
            return e.error();
        }
    }

    private static void expect(boolean holds, String failure) {
        if (!holds) {
            throw new CometException(ErrorCode.INTERNAL, "demo failed: " + failure);
        }
    }
}
