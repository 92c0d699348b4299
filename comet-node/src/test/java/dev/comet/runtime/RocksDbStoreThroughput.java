package dev.comet.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A quick measurement, not a test: records per second that one {@link RocksDbStore} writes, with and without
 * {@code syncWrites}. Prints one JSON line per run. Arguments (optional): records without sync (default 200000),
 * records with sync (default 2000), value bytes (default 200), directory to write in (default a temporary one).
 */
public final class RocksDbStoreThroughput {
    private RocksDbStoreThroughput() {
    }

    public static void main(String[] args) throws IOException {
        int asyncRecords = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int syncRecords = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int valueBytes = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Path base = args.length > 3 ? Files.createDirectories(Path.of(args[3]))
                : Files.createTempDirectory("comet-store-throughput");
        try {
            run(base.resolve("async"), asyncRecords, valueBytes, false);
            run(base.resolve("sync"), syncRecords, valueBytes, true);
        } finally {
            deleteTree(base.resolve("async"));
            deleteTree(base.resolve("sync"));
            if (args.length <= 3) {
                Files.deleteIfExists(base);
            }
        }
    }

    private static void run(Path dir, int records, int valueBytes, boolean sync) {
        Random random = new Random(42);
        byte[][] keys = new byte[records][];
        byte[][] values = new byte[records][];
        for (int i = 0; i < records; i++) {
            keys[i] = new byte[21]; // an item key: namespace byte + 20-byte target
            random.nextBytes(keys[i]);
            keys[i][0] = 'I';
            values[i] = new byte[valueBytes];
            random.nextBytes(values[i]);
        }
        long expiry = System.currentTimeMillis() + 7_200_000L;
        try (RocksDbStore store = RocksDbStore.open(dir, Long.MAX_VALUE, Long.MAX_VALUE, sync)) {
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                store.put(keys[i], values[i], expiry);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.println(String.format(Locale.ROOT,
                    "{\"store\":\"rocksdb\",\"records\":%d,\"value_bytes\":%d,\"sync\":%b,\"records_per_second\":%.0f}",
                    records, valueBytes, sync, records / seconds));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
