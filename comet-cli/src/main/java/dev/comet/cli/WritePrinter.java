package dev.comet.cli;

import dev.comet.client.WriteResult;

import java.util.Map;
import java.util.TreeMap;

/** How the CLI prints where a write (item put, object put, delete) went: the nodes that took it and each refusal. */
final class WritePrinter {
    private WritePrinter() {
    }

    /** Refusals by address, sorted (the same refusals print the same), for JSON output. */
    static Map<String, String> refusedByAddress(WriteResult write) {
        return new TreeMap<>(write.refused());
    }

    /** {@code "; refused by ADDR (why) …"}, or empty when nobody refused. */
    static String refusals(WriteResult write) {
        if (write.refused().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; refused by ");
        refusedByAddress(write).forEach((a, why) -> sb.append(a).append(" (").append(why).append(") "));
        return sb.toString().trim();
    }
}
