package dev.comet.aso;

import java.util.List;

/**
 * One loaded object on this node, as its owner may inspect it: its handlers, its state as plain values (String,
 * Long, Double, Boolean, List, Map), what its handlers used since it was loaded here and its recent log lines.
 */
public record ObjectReport(String key, List<String> handlers, Object state, long invocations, long instructions,
                           long errors, List<String> log) {
    public ObjectReport {
        handlers = List.copyOf(handlers);
        log = List.copyOf(log);
    }
}
