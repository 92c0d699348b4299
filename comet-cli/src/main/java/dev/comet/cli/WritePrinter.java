package dev.comet.cli;

import dev.comet.core.WriteOutcome;
import dev.comet.core.Node;
import dev.comet.routing.Contact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How the CLI prints where a write (item, object, delete) went: addresses and refusals. */
final class WritePrinter {
    private WritePrinter() {
    }

    static String address(Contact c) {
        return c.address().getAddress().getHostAddress() + ":" + c.address().getPort();
    }

    static List<String> addresses(List<Contact> contacts) {
        List<String> out = new ArrayList<>();
        contacts.forEach(c -> out.add(address(c)));
        return out;
    }

    /** Refusals by address, sorted, for JSON output. */
    static Map<String, String> refusedByAddress(WriteOutcome put) {
        Map<String, String> refused = new TreeMap<>();
        put.refused().forEach((c, why) -> refused.put(address(c), why.toString()));
        return refused;
    }

    /** {@code "; refused by ADDR (why) …"}, or empty when nobody refused. */
    static String refusals(WriteOutcome put) {
        if (put.refused().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; refused by ");
        refusedByAddress(put).forEach((a, why) -> sb.append(a).append(" (").append(why).append(") "));
        return sb.toString().trim();
    }
}
