package dev.comet.runtime;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.storage.Store;
import dev.comet.storage.StoreContractTest;
import dev.comet.storage.StoreFullException;
import dev.comet.storage.StoreUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link Store} contract for {@link RocksDbStore}, plus what only a durable store must do. */
class RocksDbStoreTest extends StoreContractTest {
    @TempDir
    Path tmp;
    private int stores;

    @Override
    protected Store newStore(long maxRecords, long maxBytes) {
        return RocksDbStore.open(tmp.resolve("store-" + stores++), maxRecords, maxBytes, false);
    }

    @Test
    void reopeningKeepsRecordsAndUsageCounts() {
        Path dir = tmp.resolve("reopen");
        StoreUsage before;
        try (RocksDbStore s = RocksDbStore.open(dir, 40, 1 << 20, false)) {
            for (int i = 0; i < 30; i++) {
                s.put(bytes(1, i), StoreContractTest.filled(i, i), i < 10 ? NOW - 1 : NEVER);
            }
            s.put(bytes(1, 5), bytes(9, 9), NEVER);
            assertThat(s.delete(bytes(1, 29))).isTrue();
            before = s.usage();
        }
        assertThat(before.records()).isEqualTo(29);

        try (RocksDbStore s = RocksDbStore.open(dir, 30, 1 << 20, false)) {
            assertThat(s.usage()).isEqualTo(new StoreUsage(29, before.bytes(), 30, 1 << 20));
            assertThat(s.get(bytes(1, 5), NOW).orElseThrow().value()).isEqualTo(bytes(9, 9));
            assertThat(s.get(bytes(1, 3), NOW)).isEmpty();
            assertThat(s.get(bytes(1, 29), NOW)).isEmpty();
            assertThat(s.get(bytes(1, 20), NOW).orElseThrow().value()).isEqualTo(StoreContractTest.filled(20, 20));
            assertThat(s.scan(bytes(1), NOW, 100)).hasSize(20);

            s.put(bytes(2), bytes(2), NEVER);
            assertThatThrownBy(() -> s.put(bytes(3), bytes(3), NEVER)).isInstanceOf(StoreFullException.class);
            assertThat(s.purgeExpired(NOW)).isEqualTo(9);
            assertThat(s.usage().records()).isEqualTo(21);
        }
        try (RocksDbStore s = RocksDbStore.open(dir, 30, 1 << 20, true)) {
            assertThat(s.usage().records()).isEqualTo(21);
            assertThat(s.purgeExpired(NOW)).isZero();
        }
    }

    @Test
    void storesTheExpiryBigEndianBeforeTheValue() throws Exception {
        Path dir = tmp.resolve("format");
        try (RocksDbStore s = RocksDbStore.open(dir, 10, 1000, true)) {
            s.put(bytes(0xAB), bytes(0xFF, 0x00), 0x0102030405060708L);
        }
        try (Options options = new Options(); RocksDB db = RocksDB.open(options, dir.toString())) {
            assertThat(db.get(bytes(0xAB))).isEqualTo(bytes(1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0x00));
        }
    }

    @Test
    void purgeDeletesInSeveralBatches() {
        try (RocksDbStore s = RocksDbStore.open(tmp.resolve("purge"), 100_000, 10_000_000, false)) {
            for (int i = 0; i < 25_001; i++) {
                s.put(StoreWriterMain.key(i), bytes(i), i % 5 == 0 ? NEVER : NOW);
            }
            assertThat(s.purgeExpired(NOW)).isEqualTo(20_000);
            assertThat(s.usage().records()).isEqualTo(5_001);
            assertThat(s.scan(new byte[0], NOW, 100_000)).hasSize(5_001);
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        Path dir = tmp.resolve("locked");
        try (RocksDbStore first = RocksDbStore.open(dir, 10, 1000, false)) {
            first.put(bytes(1), bytes(1), NEVER);
            assertThatThrownBy(() -> RocksDbStore.open(dir, 10, 1000, false))
                    .isExactlyInstanceOf(CometException.class)
                    .hasMessageStartingWith("cannot open store in " + dir + ": ")
                    .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.IO));
            assertThat(first.get(bytes(1), NOW)).isPresent();
        }
        try (RocksDbStore again = RocksDbStore.open(dir, 10, 1000, false)) {
            assertThat(again.get(bytes(1), NOW)).isPresent();
        }
    }

    @Test
    void aPathThatIsNotADirectoryIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> RocksDbStore.open(file, 10, 1000, false))
                .isExactlyInstanceOf(CometException.class)
                .hasMessageStartingWith("cannot open store in " + file + ": ")
                .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.IO));
        assertThatThrownBy(() -> RocksDbStore.open(file.resolve("below"), 10, 1000, false))
                .isExactlyInstanceOf(CometException.class)
                .hasMessageStartingWith("cannot open store in " + file.resolve("below") + ": ");
    }

    @Test
    void aClosedStoreRefusesCallsAndClosesTwiceQuietly() {
        RocksDbStore s = RocksDbStore.open(tmp.resolve("closed"), 10, 1000, false);
        s.put(bytes(1), bytes(1), NEVER);
        s.close();
        s.close();
        assertThatThrownBy(() -> s.get(bytes(1), NOW))
                .isExactlyInstanceOf(CometException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> s.put(bytes(2), bytes(2), NEVER)).isExactlyInstanceOf(CometException.class);
        assertThatThrownBy(() -> s.scan(bytes(1), NOW, 10)).isExactlyInstanceOf(CometException.class);
        assertThatThrownBy(() -> s.purgeExpired(NOW)).isExactlyInstanceOf(CometException.class);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void acknowledgedPutsSurviveKillMinus9() throws Exception {
        Path dir = tmp.resolve("killed");
        Process child = startChild(dir, "write");
        List<Integer> acked = new ArrayList<>();
        List<String> other = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (acked.size() < 200 && (line = lines.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    acked.add(Integer.parseInt(line.substring(4)));
                } else if (!line.equals("open")) {
                    other.add(line);
                }
            }
            child.destroyForcibly(); // SIGKILL, while the child is still writing
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(acked).as("acknowledgements before the kill; other output: %s", other).hasSize(200);
        assertThat(child.exitValue()).as("killed, not finished").isNotZero();

        try (RocksDbStore s = RocksDbStore.open(dir, Long.MAX_VALUE, Long.MAX_VALUE, false)) {
            for (int i : acked) {
                assertThat(s.get(StoreWriterMain.key(i), NOW)).as("acknowledged key-%d", i)
                        .hasValueSatisfying(r -> assertThat(r.value()).isEqualTo(StoreWriterMain.value(i)));
            }
            assertThat(s.usage().records()).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aDirectoryHeldByAnotherProcessIsRefused() throws Exception {
        Path dir = tmp.resolve("held");
        Process child = startChild(dir, "hold");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String first = lines.readLine();
            assertThat(first).as("the child opened the store").isEqualTo("open");
            assertThatThrownBy(() -> RocksDbStore.open(dir, 10, 1000, false))
                    .isExactlyInstanceOf(CometException.class)
                    .hasMessageStartingWith("cannot open store in " + dir + ": ")
                    .satisfies(e -> assertThat(((CometException) e).code()).isEqualTo(ErrorCode.IO));
        } finally {
            child.destroyForcibly();
            child.waitFor(60, TimeUnit.SECONDS);
        }
        // the kernel released the dead process's lock
        try (RocksDbStore s = RocksDbStore.open(dir, 10, 1000, false)) {
            assertThat(s.usage().records()).isZero();
        }
    }

    /** Starts {@link StoreWriterMain} in a new JVM on this test's class path; its stderr goes to its stdout. */
    private Process startChild(Path dir, String mode) throws IOException {
        // RocksDB unpacks its native library into java.io.tmpdir; a killed JVM cannot delete it, @TempDir does.
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Djava.io.tmpdir=" + childTmp,
                "-cp", System.getProperty("java.class.path"),
                StoreWriterMain.class.getName(),
                dir.toString(), mode);
        pb.redirectErrorStream(true);
        return pb.start();
    }
}
