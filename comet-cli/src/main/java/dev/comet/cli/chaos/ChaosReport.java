package dev.comet.cli.chaos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a chaos run did and found: the plan carried out (kills with the exit status the kernel reported, restarts),
 * the writes acknowledged and the operations that failed during the workload, and the acknowledged writes that
 * could not be read at the end.
 */
public record ChaosReport(long seed, int processes, int replicas, int seconds, List<Kill> kills, List<Restart> restarts,
                          int objectsAcked, int itemsAcked, long putsFailed, long getsOk, long getsFailed,
                          Map<String, Long> failures, double settleSeconds, List<Lost> lost, double wallSeconds) {
    /** Process {@code process} killed {@code atSeconds} into the workload; {@code exitStatus} 137 is SIGKILL. */
    public record Kill(int process, double atSeconds, int exitStatus) {
    }

    /** Process {@code process} running again {@code atSeconds} into the workload, with the id it had. */
    public record Restart(int process, double atSeconds, boolean sameId) {
    }

    /** An acknowledged write not read back: its kind, key or target, the nodes that had stored it, and why. */
    public record Lost(String kind, String key, List<String> storedOn, String reason) {
    }

    public ChaosReport {
        kills = List.copyOf(kills);
        restarts = List.copyOf(restarts);
        failures = Map.copyOf(failures);
        lost = List.copyOf(lost);
    }

    /** Lost writes of one kind. */
    public long lost(Acked.Kind kind) {
        return lost.stream().filter(l -> l.kind().equals(kind.name().toLowerCase(java.util.Locale.ROOT))).count();
    }

    /** The report as the JSON and the human output show it, in this order. */
    public Map<String, Object> fields() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seed", seed);
        out.put("processes", processes);
        out.put("replicas", replicas);
        out.put("workload_seconds", seconds);
        out.put("killed", kills.size());
        out.put("restarted", restarts.size());
        out.put("kills", kills.stream().map(k -> ordered("process", k.process(), "at_seconds", k.atSeconds(),
                "exit_status", k.exitStatus())).toList());
        out.put("restarts", restarts.stream().map(r -> ordered("process", r.process(), "at_seconds", r.atSeconds(),
                "same_id", r.sameId())).toList());
        out.put("objects_acked", objectsAcked);
        out.put("items_acked", itemsAcked);
        out.put("puts_failed", putsFailed);
        out.put("gets_ok", getsOk);
        out.put("gets_failed", getsFailed);
        out.put("failures", new java.util.TreeMap<>(failures));
        out.put("settle_seconds", settleSeconds);
        out.put("objects_lost", lost(Acked.Kind.OBJECT));
        out.put("items_lost", lost(Acked.Kind.ITEM));
        out.put("lost", lost.stream().limit(50).map(l -> ordered("kind", l.kind(), "key", l.key(),
                "stored_on", l.storedOn(), "reason", l.reason())).toList());
        out.put("wall_seconds", wallSeconds);
        return out;
    }

    /** A map of {@code keyValues} (key, value, key, value…) in the order given, so the JSON reads as written. */
    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }
}
