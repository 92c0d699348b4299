package dev.comet.cli;

import dev.comet.id.NodeId;
import dev.comet.krpc.CompactInfo;
import dev.comet.krpc.Dict;
import dev.comet.krpc.KrpcMessage;
import dev.comet.krpc.KrpcResponse;
import dev.comet.runtime.BlockingKrpcClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Five {@code comet node} processes on 127.0.0.1: one is killed with SIGKILL, the others keep answering, and the
 * killed one, restarted on its data directory without any bootstrap address, rejoins from its saved contacts.
 */
class NodeProcessTest {
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void killAll() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    @Test
    void nodesSurviveAKillAndTheVictimRejoinsFromItsDataDirectory() throws Exception {
        int[] ports = freeUdpPorts(5);
        InetSocketAddress first = loopback(ports[0]);
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String bootstrap = i == 0 ? null : "127.0.0.1:" + ports[0];
            startNode(ports[i], bootstrap, tmp.resolve("node" + i));
            addresses.add(loopback(ports[i]));
        }
        // every node saves its contacts once it has joined
        for (int i = 1; i < 5; i++) {
            Path contacts = tmp.resolve("node" + i).resolve("contacts");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(contacts) && Files.size(contacts) > 0);
        }
        String victimId = Files.readString(tmp.resolve("node2").resolve("node-id")).trim();

        Process victim = processes.get(2);
        victim.destroyForcibly(); // SIGKILL
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();

        try (BlockingKrpcClient client = new BlockingKrpcClient()) {
            for (int i : new int[] {0, 1, 3, 4}) {
                Optional<KrpcMessage> pong = client.ping(addresses.get(i));
                assertThat(pong).as("node %d answers after the kill", i).containsInstanceOf(KrpcResponse.class);
            }
            assertThat(client.ping(addresses.get(2))).as("the killed node is gone").isEmpty();

            // restart the victim on the same data directory, without --bootstrap
            startNode(ports[2], null, tmp.resolve("node2"));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                KrpcResponse r = (KrpcResponse) client.query(addresses.get(2), "find_node",
                        Dict.builder().put("id", client.id()).put("target", NodeId.ofKey("anything")).build()).orElseThrow();
                assertThat(r.values().id("id").toHex()).as("same identity after restart").isEqualTo(victimId);
                assertThat(CompactInfo.nodes(r.values().bytes("nodes"))).as("it knows the others again").hasSizeGreaterThanOrEqualTo(3);
            });
            // and the others still route to it: a lookup through node 0 reaches the restarted node
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                KrpcResponse r = (KrpcResponse) client.query(first, "find_node",
                        Dict.builder().put("id", client.id()).put("target", NodeId.fromHex(victimId)).build()).orElseThrow();
                assertThat(CompactInfo.nodes(r.values().bytes("nodes"))).anySatisfy(c -> assertThat(c.id().toHex()).isEqualTo(victimId));
            });
        }

        // SIGTERM: the node stops by itself
        Process p = processes.get(processes.size() - 1);
        p.destroy();
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("node exits after SIGTERM").isTrue();
    }

    @Test
    void anItemAcknowledgedByANodeSurvivesKillNineAndRestart() throws Exception {
        int port = freeUdpPorts(1)[0];
        Path dataDir = tmp.resolve("durable");
        startNode(port, null, dataDir);
        String node = "127.0.0.1:" + port;
        CliRun put = CliRun.of("item", "put", "--immutable", "still here after kill -9", "--node", node);
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(put.err()).contains("stored on 1 node(s)");
        String target = put.out().trim();

        Process p = processes.get(0);
        p.destroyForcibly(); // SIGKILL right after the acknowledgement
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

        startNode(port, null, dataDir);
        CliRun get = CliRun.of("item", "get", target, "--node", node);
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(get.out().trim()).isEqualTo("still here after kill -9");
    }

    @Test
    void anObjectItsStateAndItsTimerSurviveKillNineAndRestart() throws Exception {
        int port = freeUdpPorts(1)[0];
        Path dataDir = tmp.resolve("objects");
        startNode(port, null, dataDir);
        String node = "127.0.0.1:" + port;
        Path code = tmp.resolve("ticker.lua");
        Files.writeString(code, "aso.timerInterval = 1\naso.ticks = 0\n"
                + "function onTimer() self.ticks = self.ticks + 1 end\nfunction onGet() return self.ticks end\n");
        CliRun put = CliRun.of("put", "ticker", "--code", code.toString(), "--replicas", "1", "--node", node);
        assertThat(put.exitCode()).as(put.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> ticks(node) >= 3);
        long beforeKill = ticks(node);

        Process p = processes.get(0);
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

        startNode(port, null, dataDir);
        long afterRestart = ticks(node);
        assertThat(afterRestart).as("the state saved before the kill is back").isGreaterThanOrEqualTo(beforeKill);
        await().atMost(Duration.ofSeconds(30)).until(() -> ticks(node) >= afterRestart + 2);
    }

    /** The ticker object's count through {@code comet get}, or -1 when the get fails. */
    private static long ticks(String node) {
        CliRun get = CliRun.of("get", "ticker", "--node", node);
        return get.exitCode() == 0 ? Long.parseLong(get.out().trim()) : -1;
    }

    private void startNode(int port, String bootstrap, Path dataDir) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "node", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString()));
        if (bootstrap != null) {
            cmd.add("--bootstrap");
            cmd.add(bootstrap);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> banner = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("comet node ")) {
                        return line;
                    }
                }
                return "exited";
            } catch (IOException e) {
                return "error " + e;
            }
        });
        try {
            assertThat(banner.get(30, TimeUnit.SECONDS)).contains("listening on udp 127.0.0.1:" + port);
        } catch (Exception e) {
            throw new AssertionError("node on port " + port + " did not start", e);
        }
        // keep draining its output so the process never blocks on a full pipe
        CompletableFuture.runAsync(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static int[] freeUdpPorts(int n) throws IOException {
        List<DatagramSocket> sockets = new ArrayList<>();
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
        return ports;
    }
}
