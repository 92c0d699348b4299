package dev.comet.cli.chaos;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.client.HttpCometClient;
import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;
import dev.comet.routing.Contact;
import dev.comet.runtime.BlockingKrpcClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code comet node} OS processes of a chaos run: process i on its own loopback address 127.0.0.(i+1), with its
 * own data directory, HTTP gateway and log file under the run's directory. It starts them with the java and class
 * path of this JVM, kills them with SIGKILL, restarts them on their data directories and ports, and kills whatever
 * is left when closed.
 */
public final class NodeProcesses implements AutoCloseable {
    /** Longest wait for a started process to print its banner (a JVM start on a loaded machine). */
    private static final long START_TIMEOUT_MILLIS = 60_000;
    /** Small heaps and a quick JIT: ten node JVMs share a laptop's cores and memory with the workload. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Pattern BANNER = Pattern.compile(
            "^comet node (\\p{XDigit}{40}) listening on udp ([0-9.]+):(\\d+) .*gateway (http://\\S+)$", Pattern.MULTILINE);
    private static final int MAX_PROCESSES = 250;

    private final Path root;
    private final Path config;
    private final List<Member> members = new ArrayList<>();

    /** One node process: where it lives and, while it runs, its process and gateway. */
    public static final class Member {
        final int index;
        final String host;
        final Path dataDir;
        volatile int port;
        volatile String id;
        volatile Process process;
        volatile HttpCometClient gateway;
        /** Set once its banner is read, cleared when it is launched again: only then is its gateway the current one. */
        volatile boolean ready;
        volatile URI gatewayUrl;
        int starts;

        Member(int index, Path root) {
            this.index = index;
            this.host = hostOf(index);
            this.dataDir = root.resolve("node" + index);
        }

        public int index() {
            return index;
        }

        /** Started, banner read, and not dead. */
        public boolean alive() {
            Process p = process;
            return ready && p != null && p.isAlive();
        }

        /** Its gateway client; fails when it is not running. */
        public HttpCometClient gateway() {
            return gateway;
        }

        public String address() {
            return host + ":" + port;
        }

        public String id() {
            return id;
        }
    }

    /**
     * Processes {@code count} under {@code root}, each started with the node settings in the properties file
     * {@code config}; none runs until {@link #startAll()}.
     */
    public NodeProcesses(Path root, int count, Path config) {
        if (count < 1 || count > MAX_PROCESSES) {
            throw new CometException(ErrorCode.BAD_INPUT, "--processes must be 1 to " + MAX_PROCESSES + ", got " + count);
        }
        this.root = root;
        this.config = config;
        for (int i = 0; i < count; i++) {
            members.add(new Member(i, root));
        }
    }

    /** The loopback address of process {@code index}: 127.0.0.(index+1), all on the kernel's loopback interface. */
    static String hostOf(int index) {
        int n = index + 1;
        return "127." + (n >> 16 & 0xff) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    /** Those running now. */
    public List<Member> alive() {
        return members.stream().filter(Member::alive).toList();
    }

    /** Starts process 0, then the others at once, each joining through process 0; returns once all have started. */
    public void startAll() {
        start(members.get(0), List.of());
        List<String> bootstrap = List.of(members.get(0).address());
        List<Member> rest = members.subList(1, members.size());
        for (Member m : rest) {
            launch(m, bootstrap);
        }
        for (Member m : rest) {
            awaitBanner(m);
        }
    }

    /**
     * Kills process {@code index} with SIGKILL ({@link Process#destroyForcibly()} is {@code kill -9} on Linux and
     * macOS) and waits for it to be gone; returns its exit status (137 = 128 + SIGKILL).
     */
    public int kill(int index) {
        Member m = members.get(index);
        Process p = m.process;
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new CometException(ErrorCode.INTERNAL, "node process " + index + " did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CometException(ErrorCode.TIMEOUT, "interrupted while killing node process " + index);
        }
        return p.exitValue();
    }

    /**
     * Starts process {@code index} again on its data directory and UDP port, joining through the processes alive
     * now as well as through the contacts it saved (a node killed before its first save has none).
     */
    public void restart(int index) {
        Member m = members.get(index);
        if (m.alive()) {
            throw new IllegalStateException("node process " + index + " is running");
        }
        start(m, alive().stream().map(Member::address).toList());
    }

    /**
     * Waits until every running process answers on its gateway and every one knows every other it has room for: a
     * read-only {@code find_node} for the other's id names it, unless the answer is a full list of {@code k} (then
     * the bucket the other falls in may be full, as in any network of more than k + 1 nodes, and a lookup reaches it
     * through the nodes named); each must also be known by at least one other. Throws {@link ErrorCode#TIMEOUT}
     * after {@code timeoutMillis}.
     */
    public void awaitMutuallyKnown(int k, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String lagging = "";
        try (BlockingKrpcClient krpc = new BlockingKrpcClient()) {
            while (System.nanoTime() < deadline) {
                lagging = lagging(krpc, k);
                if (lagging.isEmpty()) {
                    return;
                }
                pause(200);
            }
        } catch (IOException e) {
            throw new CometException(ErrorCode.INTERNAL, "cannot open a UDP socket to ask the node processes: " + e.getMessage());
        }
        throw new CometException(ErrorCode.TIMEOUT, "the node processes did not all know each other within "
                + timeoutMillis + " ms: " + lagging);
    }

    /** The first running process that does not answer or lacks another running one, described; empty when none. */
    private String lagging(BlockingKrpcClient krpc, int k) throws IOException {
        List<Member> running = alive();
        for (Member m : running) {
            try {
                m.gateway.node();
            } catch (RuntimeException e) {
                return "process " + m.index + "'s gateway does not answer: " + e.getMessage();
            }
        }
        for (Member other : running) {
            int knownBy = 0;
            for (Member m : running) {
                if (other == m) {
                    continue;
                }
                List<Contact> answer = findNode(krpc, m, NodeId.fromHex(other.id));
                if (answer == null) {
                    return "process " + m.index + " does not answer find_node";
                }
                boolean knows = answer.stream().anyMatch(c -> c.id().toHex().equals(other.id) && c.address().getPort() == other.port);
                if (knows) {
                    knownBy++;
                } else if (answer.size() < k) {
                    return "process " + m.index + " does not know process " + other.index;
                }
            }
            if (knownBy == 0 && running.size() > 1) {
                return "no process knows process " + other.index;
            }
        }
        return "";
    }

    /** The nodes {@code m} answers a find_node for {@code target} with; null when it does not answer. */
    private static List<Contact> findNode(BlockingKrpcClient krpc, Member m, NodeId target) throws IOException {
        Optional<KrpcMessage> answer = krpc.query(new InetSocketAddress(m.host, m.port), "find_node",
                Dict.builder().put("id", krpc.id()).put("target", target).build());
        if (answer.isEmpty() || !(answer.get() instanceof KrpcResponse r)) {
            return null;
        }
        return CompactInfo.nodes(r.values().bytes("nodes"));
    }

    private void start(Member m, List<String> bootstrap) {
        launch(m, bootstrap);
        awaitBanner(m);
    }

    private void launch(Member m, List<String> bootstrap) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.comet.cli.Main", "node",
                "--bind", m.host, "--port", Integer.toString(m.port), "--data-dir", m.dataDir.toString(),
                "--http-port", "0", "--http-bind", m.host, "--config", config.toString()));
        if (!bootstrap.isEmpty()) {
            command.add("--bootstrap");
            command.add(String.join(",", bootstrap));
        }
        m.starts++;
        m.ready = false;
        try {
            Files.createDirectories(m.dataDir);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logOf(m, m.starts).toFile());
            builder.environment().remove("COMET_CONFIG"); // the run's settings file is the one given above
            m.process = builder.start();
        } catch (IOException e) {
            throw new CometException(ErrorCode.INTERNAL, "cannot start node process " + m.index + ": " + e.getMessage());
        }
    }

    /** Waits for the banner in the process's log: its id, UDP port and gateway. */
    private void awaitBanner(Member m) {
        Path log = logOf(m, m.starts);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            String text = read(log);
            Matcher banner = BANNER.matcher(text);
            if (banner.find()) {
                m.id = banner.group(1);
                m.port = Integer.parseInt(banner.group(3));
                m.gatewayUrl = URI.create(banner.group(4));
                m.gateway = new HttpCometClient(m.gatewayUrl, Duration.ofSeconds(20));
                m.ready = true;
                return;
            }
            if (!m.process.isAlive()) {
                throw new CometException(ErrorCode.INTERNAL, "node process " + m.index + " exited with "
                        + m.process.exitValue() + " before it started: " + lastLine(text));
            }
            pause(50);
        }
        throw new CometException(ErrorCode.TIMEOUT, "node process " + m.index + " did not start within "
                + START_TIMEOUT_MILLIS + " ms (log " + log + ")");
    }

    private Path logOf(Member m, int start) {
        return root.resolve("node" + m.index + (start == 1 ? "" : "-start" + start) + ".log");
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    /** The java of this JVM, so the nodes run what the CLI runs. */
    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Waits between two polls of a condition the processes fulfil in their own time (a log line, a routing table). */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CometException(ErrorCode.TIMEOUT, "interrupted while waiting for the node processes");
        }
    }

    /** Kills every process still running (SIGKILL: nothing of theirs is needed any more) and waits for them. */
    @Override
    public void close() {
        for (Member m : members) {
            Process p = m.process;
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (Member m : members) {
            Process p = m.process;
            if (p != null) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
