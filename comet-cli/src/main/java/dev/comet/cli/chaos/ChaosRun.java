package dev.comet.cli.chaos;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One chaos run (issue #14, fault injection): start the node processes, run the workload through them while the
 * plan kills and restarts some, let the network settle, then read every acknowledged write from the survivors. The
 * processes and the run's directory are removed on every path: a normal end, an exception, or the JVM stopping
 * (Ctrl-C) through a shutdown hook.
 */
public final class ChaosRun {
    /** Longest wait for the processes to find each other, at the start and after the workload. */
    private static final long SETTLE_TIMEOUT_MILLIS = 60_000;
    /** Reads of one acknowledged write at the end, each through another surviving process, before it counts as lost. */
    private static final int READ_ATTEMPTS = 3;

    /**
     * What to run: {@code processes} node processes, {@code kills} of them killed, {@code restarts} of those
     * restarted, objects on {@code replicas} nodes, a workload of {@code seconds} by {@code clients} threads, every
     * node started with {@code nodeSettings} (settings keys as in docs/operations.md), whose bucket size is {@code k}.
     */
    public record Settings(int processes, int kills, int restarts, int replicas, int seconds, long seed, int clients,
                           Map<String, String> nodeSettings, int k) {
        public Settings {
            nodeSettings = Map.copyOf(nodeSettings);
        }
    }

    private ChaosRun() {
    }

    /** Runs {@code settings}, telling {@code progress} each phase as it begins. */
    public static ChaosReport run(Settings settings, Consumer<String> progress) throws InterruptedException {
        long wallStart = System.nanoTime();
        Path root = createRoot();
        NodeProcesses processes = new NodeProcesses(root, settings.processes(), writeSettings(root, settings.nodeSettings()));
        Thread cleanup = new Thread(() -> removeAll(processes, root, false), "comet-chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        boolean keep = true; // until the run ends with nothing lost: then the logs are of no more use
        try {
            progress.accept("starting " + settings.processes() + " node processes in " + root);
            processes.startAll();
            processes.awaitMutuallyKnown(settings.k(), SETTLE_TIMEOUT_MILLIS);

            long workloadMillis = settings.seconds() * 1000L;
            ChaosPlan plan = ChaosPlan.of(settings.seed(), settings.processes(), settings.kills(), settings.restarts(), workloadMillis);
            progress.accept("workload for " + settings.seconds() + " s; the plan kills processes " + plan.victims()
                    + " and restarts " + plan.restarted());
            ChaosWorkload workload = new ChaosWorkload(processes::alive, settings.replicas(), settings.seed());
            List<ChaosReport.Kill> kills = new ArrayList<>();
            List<ChaosReport.Restart> restarts = new ArrayList<>();
            long start = System.nanoTime();
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
            List<ScheduledFuture<?>> events = new ArrayList<>();
            try {
                for (ChaosPlan.Event e : plan.events()) {
                    events.add(scheduler.schedule(() -> carryOut(e, processes, start, kills, restarts, progress),
                            e.atMillis(), TimeUnit.MILLISECONDS));
                }
                workload.run(settings.clients(), start, start + TimeUnit.MILLISECONDS.toNanos(workloadMillis));
                for (ScheduledFuture<?> f : events) {
                    f.get(SETTLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS); // a failed kill or restart fails the run
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof CometException ce ? ce
                        : new CometException(ErrorCode.INTERNAL, "a kill or restart failed: " + e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new CometException(ErrorCode.TIMEOUT, "a restart did not finish within " + SETTLE_TIMEOUT_MILLIS + " ms");
            } finally {
                scheduler.shutdownNow();
            }

            progress.accept("settling: " + workload.acked().size() + " writes acknowledged; waiting for the "
                    + processes.alive().size() + " running processes to know each other");
            long settleStart = System.nanoTime();
            processes.awaitMutuallyKnown(settings.k(), SETTLE_TIMEOUT_MILLIS);
            double settleSeconds = secondsSince(settleStart);

            progress.accept("reading every acknowledged write back");
            List<ChaosReport.Lost> lost = readBack(workload.acked(), processes, settings.clients());
            keep = !lost.isEmpty();
            List<Acked> acked = workload.acked();
            int objects = (int) acked.stream().filter(a -> a.kind() == Acked.Kind.OBJECT).count();
            return new ChaosReport(settings.seed(), settings.processes(), settings.replicas(), settings.seconds(), kills,
                    restarts, objects, acked.size() - objects, workload.putsFailed(), workload.getsOk(),
                    workload.getsFailed(), workload.failures(), settleSeconds, lost, secondsSince(wallStart));
        } finally {
            removeAll(processes, root, keep);
            if (keep) {
                progress.accept("kept the node logs and data directories in " + root);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is already stopping: the hook runs (and finds nothing left to do)
            }
        }
    }

    private static void carryOut(ChaosPlan.Event e, NodeProcesses processes, long start, List<ChaosReport.Kill> kills,
                                 List<ChaosReport.Restart> restarts, Consumer<String> progress) {
        if (e.restart()) {
            String idBefore = processes.members().get(e.process()).id();
            processes.restart(e.process());
            String idAfter = processes.members().get(e.process()).id();
            double at = secondsSince(start);
            synchronized (restarts) {
                restarts.add(new ChaosReport.Restart(e.process(), at, idBefore.equals(idAfter)));
            }
            progress.accept("restarted process " + e.process() + " at " + at + " s");
        } else {
            int status = processes.kill(e.process());
            double at = secondsSince(start);
            synchronized (kills) {
                kills.add(new ChaosReport.Kill(e.process(), at, status));
            }
            progress.accept("killed process " + e.process() + " at " + at + " s (exit status " + status + ")");
        }
    }

    /** Reads every acknowledged write through the surviving processes, in parallel; the ones not read are lost. */
    private static List<ChaosReport.Lost> readBack(List<Acked> acked, NodeProcesses processes, int clients)
            throws InterruptedException {
        List<NodeProcesses.Member> alive = processes.alive();
        ExecutorService readers = Executors.newFixedThreadPool(clients);
        try {
            List<CompletableFuture<ChaosReport.Lost>> reads = new ArrayList<>();
            for (int i = 0; i < acked.size(); i++) {
                Acked a = acked.get(i);
                int first = i;
                reads.add(CompletableFuture.supplyAsync(() -> readOnce(a, alive, first), readers));
            }
            List<ChaosReport.Lost> lost = new ArrayList<>();
            for (CompletableFuture<ChaosReport.Lost> r : reads) {
                ChaosReport.Lost l = r.join();
                if (l != null) {
                    lost.add(l);
                }
            }
            return lost;
        } finally {
            readers.shutdownNow();
            readers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Null when {@code a} reads back, through process {@code first} or the next ones; otherwise why not. */
    private static ChaosReport.Lost readOnce(Acked a, List<NodeProcesses.Member> alive, int first) {
        String reason = "";
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            NodeProcesses.Member through = alive.get((first + attempt) % alive.size());
            try {
                String value = ChaosWorkload.value(through.gateway(), a);
                if (value.equals(a.value())) {
                    return null;
                }
                reason = "process " + through.index() + " read another value: " + value;
            } catch (RuntimeException e) {
                reason = "process " + through.index() + ": " + ChaosWorkload.causeOf(e) + " " + e.getMessage();
            }
        }
        return new ChaosReport.Lost(a.kind().name().toLowerCase(java.util.Locale.ROOT), a.key(), a.storedOn(), reason);
    }

    private static Path createRoot() {
        try {
            return Files.createTempDirectory("comet-chaos-");
        } catch (IOException e) {
            throw new CometException(ErrorCode.INTERNAL, "cannot create the run's directory: " + e.getMessage());
        }
    }

    /** The node settings as a properties file every process reads ({@code --config}). */
    private static Path writeSettings(Path root, Map<String, String> settings) {
        StringBuilder text = new StringBuilder("# settings of every node of this chaos run\n");
        settings.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path file = root.resolve("node.properties");
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CometException(ErrorCode.INTERNAL, "cannot write " + file + ": " + e.getMessage());
        }
        return file;
    }

    /**
     * Kills the processes, then deletes the run's directory (data directories and logs) unless {@code keep} (a run
     * that failed or lost writes keeps them to be looked at). Safe to call twice.
     */
    private static synchronized void removeAll(NodeProcesses processes, Path root, boolean keep) {
        processes.close();
        if (keep || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("comet: could not delete " + root + ": " + e.getMessage());
        }
    }

    private static double secondsSince(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
    }
}
