package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.cli.bench.EchoServer;
import dev.comet.cli.bench.LocalBenchNode;
import dev.comet.cli.bench.RpcLoad;
import dev.comet.cli.bench.RpcResult;
import dev.comet.cli.bench.RpcTargets;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code comet bench rpc}: KRPC queries straight to one node over UDP; ops/s and p50/p99/p999. Holds its options. */
@CommandLine.Command(name = "rpc", mixinStandardHelpOptions = true,
        description = {"Queries per second one node answers over UDP, and their latency (p50/p99/p999).",
                "Closed loop by default (--concurrency queries outstanding); --open-loop RATE sends at a fixed rate.",
                "Without --node it starts one in-memory node on loopback; get and comet_get store their target first "
                        + "(an immutable item; the seed example). --method echo measures the generator against its own "
                        + "UDP echo: its ceiling."})
final class BenchRpcCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--node", paramLabel = "HOST:PORT",
            description = "The node to query (default: start one in this process).")
    String node;

    @CommandLine.Option(names = "--method", defaultValue = "comet_get",
            description = "ping, get (BEP 44), comet_get (the seed example's onGet) or echo (default: ${DEFAULT-VALUE}).")
    String method;

    @CommandLine.Option(names = "--concurrency", defaultValue = "8",
            description = "Queries outstanding at once, closed loop, 1 to 65535 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @CommandLine.Option(names = "--seconds", defaultValue = "10", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @CommandLine.Option(names = "--warmup", defaultValue = "2",
            description = "Seconds of load before measuring, not counted: JIT and caches (default: ${DEFAULT-VALUE}).")
    double warmup;

    @CommandLine.Option(names = "--open-loop", paramLabel = "RATE",
            description = "Send RATE queries a second whatever the answers do, instead of a closed loop.")
    Double openLoop;

    @CommandLine.Option(names = "--out", description = "Also write the JSON result to this file.")
    Path out;

    @Override
    public Integer call() {
        RpcResult result = measure(node, method, concurrency, seconds, warmup, openLoop);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", "rpc");
        r.put("date", Instant.now().toString());
        r.put("node", node == null ? ("echo".equals(method) ? "echo server" : "local") : node);
        r.putAll(result.toMap());
        r.put("cores", Runtime.getRuntime().availableProcessors());
        BenchCommand.emit(r, out);
        return result.ok() > 0 ? 0 : ExitStatus.UNAVAILABLE.code();
    }

    /** Checks the options, starts what runs locally (node or echo), prepares the target and runs the load. */
    static RpcResult measure(String node, String method, int concurrency, double seconds, double warmup, Double openLoop) {
        RpcTargets.method(method);
        if (concurrency < 1 || concurrency > 65_535) {
            throw new CometException(ErrorCode.BAD_INPUT, "--concurrency must be 1 to 65535, got " + concurrency);
        }
        if (!(seconds > 0) || !(warmup >= 0) || seconds > 86_400 || warmup > 86_400) {
            throw new CometException(ErrorCode.BAD_INPUT, "--seconds must be positive and --warmup not negative (at most a day)");
        }
        if (openLoop != null && !(openLoop > 0 && openLoop <= 10_000_000)) {
            throw new CometException(ErrorCode.BAD_INPUT, "--open-loop RATE must be positive (queries a second, at most 10,000,000)");
        }
        if ("echo".equals(method) && node != null) {
            throw new CometException(ErrorCode.BAD_INPUT, "--method echo queries its own echo server: leave out --node");
        }
        InetSocketAddress remote = node == null ? null : Addresses.parse(node);
        if (remote != null && remote.isUnresolved()) {
            throw new CometException(ErrorCode.BAD_INPUT, "node host " + remote.getHostString() + " does not resolve");
        }
        EchoServer echo = null;
        LocalBenchNode local = null;
        try {
            if ("echo".equals(method)) {
                echo = EchoServer.start();
                remote = echo.address();
            } else if (remote == null) {
                local = LocalBenchNode.start();
                remote = local.address();
            }
            try (RpcLoad load = RpcLoad.open(remote)) {
                RpcTargets.prepare(load, method, Examples.read("seed.lua").getBytes(StandardCharsets.UTF_8));
                long warm = (long) (warmup * 1e9);
                long measured = (long) (seconds * 1e9);
                String wire = RpcTargets.wireMethod(method);
                RpcResult r = openLoop == null
                        ? load.closedLoop(wire, RpcTargets.arguments(method), RpcTargets.success(method), concurrency, warm, measured)
                        : load.openLoop(wire, RpcTargets.arguments(method), RpcTargets.success(method), openLoop, warm, measured);
                return new RpcResult(method, r.mode(), r.concurrency(), r.rate(), r.seconds(), r.ok(), r.errors(),
                        r.timeouts(), r.firstError(), r.latencies());
            }
        } catch (IOException e) {
            throw new CometException(ErrorCode.IO, "bench rpc: " + e.getMessage());
        } finally {
            if (local != null) {
                local.close();
            }
            if (echo != null) {
                echo.close();
            }
        }
    }
}
