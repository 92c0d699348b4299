package dev.comet.lua;

/**
 * Where an object runs: what {@code comet.nodeIP()}, {@code comet.nodeID()}, {@code comet.asoKey()} and
 * {@code comet.systemTime()} answer (the time is virtual in the simulator).
 */
public record AsoContext(String nodeIp, String nodeId, String asoKey, java.util.function.LongSupplier clock) {
}
