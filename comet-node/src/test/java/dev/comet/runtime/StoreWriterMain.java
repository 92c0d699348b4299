package dev.comet.runtime;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child process for {@link RocksDbStoreTest}: opens the store in {@code args[0]} and prints {@code open}; then,
 * with {@code args[1] = write} (the default), puts records {@code key-0, key-1, ...} (at most {@code args[2]}) and
 * prints {@code ack N} after each acknowledged put; with {@code args[1] = hold}, holds the store open until its
 * standard input closes. The test kills it with SIGKILL.
 */
public final class StoreWriterMain {
    private StoreWriterMain() {
    }

    static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(int i) {
        return ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String mode = args.length > 1 ? args[1] : "write";
        int limit = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
        try (RocksDbStore store = RocksDbStore.open(dir, Long.MAX_VALUE, Long.MAX_VALUE, false)) {
            out.println("open");
            out.flush();
            if (mode.equals("hold")) {
                while (System.in.read() >= 0) {
                    // wait for the end of standard input (or for SIGKILL)
                }
                return;
            }
            for (int i = 0; i < limit; i++) {
                store.put(key(i), value(i), Long.MAX_VALUE);
                out.println("ack " + i);
                out.flush();
            }
        }
    }
}
