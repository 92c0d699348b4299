package dev.comet.cli;

import dev.comet.core.WriteOutcome;
import dev.comet.CometException;
import dev.comet.cli.bench.LocalBenchNode;
import dev.comet.ErrorCode;
import dev.comet.client.LuaRuntimePool;
import dev.comet.core.Node;
import dev.comet.core.NodeConfig;
import dev.comet.id.NodeId;
import dev.comet.lookup.LookupReport;
import dev.comet.runtime.RocksDbStore;
import dev.comet.runtime.UdpNode;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code comet bench}: measurements that write JSON results (never timing assertions in tests). */
@CommandLine.Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure Comet and print (or write) JSON results.",
        subcommands = {BenchItemsCommand.class, BenchOwnedCommand.class, BenchCommand.Store.class, BenchCommand.Objects.class, BenchRpcCommand.class, BenchCompareCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static void emit(Map<String, Object> result, Path out) {
        String json = JsonPrinter.write(result);
        System.out.println(json);
        if (out != null) {
            try {
                if (out.getParent() != null) {
                    Files.createDirectories(out.getParent());
                }
                Files.writeString(out, json + "\n");
            } catch (IOException e) {
                throw new CometException(ErrorCode.IO, "cannot write " + out + ": " + e.getMessage());
            }
        }
    }

    @CommandLine.Command(name = "store", mixinStandardHelpOptions = true,
            description = "Records per second one node's RocksDB store writes (item-sized records).")
    static final class Store implements Callable<Integer> {
        @CommandLine.Option(names = "--records", defaultValue = "200000", description = "Records to write (default: ${DEFAULT-VALUE}).")
        int records;

        @CommandLine.Option(names = "--value-bytes", defaultValue = "200", description = "Bytes per value (default: ${DEFAULT-VALUE}).")
        int valueBytes;

        @CommandLine.Option(names = "--sync", description = "fsync every write (survives power loss, not only a crash).")
        boolean sync;

        @CommandLine.Option(names = "--out", description = "Also write the JSON result to this file.")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (records < 1 || valueBytes < 0) {
                throw new CometException(ErrorCode.BAD_INPUT, "--records must be positive and --value-bytes not negative");
            }
            Random random = new Random(42);
            byte[][] keys = new byte[records][];
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            for (int i = 0; i < records; i++) {
                keys[i] = new byte[1 + NodeId.BYTES];
                random.nextBytes(keys[i]);
                keys[i][0] = 'I';
            }
            Path dir = Files.createTempDirectory("comet-bench-store");
            double seconds;
            try (RocksDbStore store = RocksDbStore.open(dir, Long.MAX_VALUE, Long.MAX_VALUE, sync)) {
                long expiry = System.currentTimeMillis() + 7_200_000L;
                long start = System.nanoTime();
                for (byte[] key : keys) {
                    store.put(key, value, expiry);
                }
                seconds = (System.nanoTime() - start) / 1e9;
            } finally {
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "store");
            r.put("date", Instant.now().toString());
            r.put("store", "rocksdb");
            r.put("records", records);
            r.put("value_bytes", valueBytes);
            r.put("sync", sync);
            r.put("records_per_second", Math.round(records / seconds));
            emit(r, out);
            return 0;
        }
    }

    @CommandLine.Command(name = "objects", mixinStandardHelpOptions = true,
            description = "comet_get throughput of one node over UDP loopback: clients ask for the seed example's onGet.")
    static final class Objects implements Callable<Integer> {
        @CommandLine.Option(names = "--clients", defaultValue = "8", description = "Concurrent clients, one socket each (default: ${DEFAULT-VALUE}).")
        int clients;

        @CommandLine.Option(names = "--seconds", defaultValue = "10", description = "How long the clients ask (default: ${DEFAULT-VALUE}).")
        int seconds;

        @CommandLine.Option(names = "--out", description = "Also write the JSON result to this file.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (clients < 1 || seconds < 1) {
                throw new CometException(ErrorCode.BAD_INPUT, "--clients and --seconds must be positive");
            }
            NodeId key = NodeId.ofKey("bench seed example");
            byte[] code = Examples.read("seed.lua").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            long[][] latencies = new long[clients][];
            int[] counts = new int[clients];
            long[] failures = new long[clients];
            // the node bench rpc measures: relaxed guard settings, since eight sockets on one address are one source
            // far past a stranger's allowance and would measure the rate limit instead of the handler
            try (LocalBenchNode local = LocalBenchNode.start()) {
                WriteOutcome put = NodeConnection.await(local.node().putObject(key, code, 1, -1), 30, "the put");
                if (put.accepted().isEmpty()) {
                    throw new CometException(ErrorCode.INTERNAL, "the node did not store the object: " + put.refused());
                }
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                List<Thread> threads = new java.util.ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int index = c;
                    Thread t = new Thread(() -> ask(local.address(), key, end, index, latencies, counts, failures));
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join();
                }
            }
            int total = 0;
            long failed = 0;
            for (int c = 0; c < clients; c++) {
                total += counts[c];
                failed += failures[c];
            }
            long[] all = new long[total];
            int at = 0;
            for (int c = 0; c < clients; c++) {
                System.arraycopy(latencies[c], 0, all, at, counts[c]);
                at += counts[c];
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "objects");
            r.put("date", Instant.now().toString());
            r.put("clients", clients);
            r.put("seconds", seconds);
            r.put("gets", total);
            r.put("gets_per_second", Math.round(total / (double) seconds));
            r.put("get_us_median", LookupReport.percentile(all, 50));
            r.put("get_us_p99", LookupReport.percentile(all, 99));
            r.put("failed", failed);
            r.put("cores", Runtime.getRuntime().availableProcessors());
            emit(r, out);
            return failed == 0 ? 0 : 1;
        }

        /** One client: comet_get after comet_get until {@code end}, recording each answered one's latency. */
        private static void ask(java.net.InetSocketAddress node, NodeId key, long end, int index, long[][] latencies,
                                int[] counts, long[] failures) {
            long[] mine = new long[1 << 16];
            int n = 0;
            try (dev.comet.runtime.BlockingKrpcClient client = new dev.comet.runtime.BlockingKrpcClient()) {
                dev.comet.krpc.Dict args = dev.comet.krpc.Dict.builder().put("id", client.id()).put("k", key).build();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    java.util.Optional<dev.comet.krpc.KrpcMessage> answer = client.query(node, "comet_get", args);
                    if (answer.isPresent() && answer.get() instanceof dev.comet.krpc.KrpcResponse resp
                            && resp.values().has("found")) {
                        if (n == mine.length) {
                            mine = java.util.Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = (System.nanoTime() - t0) / 1_000;
                    } else {
                        failures[index]++;
                    }
                }
            } catch (IOException e) {
                failures[index]++;
            }
            latencies[index] = mine;
            counts[index] = n;
        }
    }
}
