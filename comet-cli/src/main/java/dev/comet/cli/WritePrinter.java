package dev.comet.cli;

import dev.comet.client.WriteResult;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** How the CLI prints where a write (item put, object put, delete) went: the nodes that took it and each refusal. */
final class WritePrinter {
    private WritePrinter() {
    }

    /**
     * Prints a put: with {@code json}, one object of {@code identity} (what was written, in its order) followed by
     * {@code stored} and {@code refused}; else the target on standard output, and on standard error the nodes that
     * stored it, {@code detail} and the refusals.
     */
    static void printPut(WriteResult put, boolean json, Map<String, Object> identity, String detail) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>(identity);
            m.put("stored", put.stored());
            m.put("refused", refusedByAddress(put));
            System.out.println(JsonPrinter.write(m));
        } else {
            System.out.println(put.target());
            System.err.println("stored on " + put.stored().size() + " node(s)" + detail + refusals(put));
        }
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
