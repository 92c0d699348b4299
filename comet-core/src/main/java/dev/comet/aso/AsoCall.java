package dev.comet.aso;

import dev.comet.id.NodeId;

import java.util.Map;

/**
 * One handler invocation asked of an {@link AsoRuntime}: the object (key, code, last saved state or null for a new
 * object), the handler, the caller ({@code caller} table of DESIGN.md §4) and the handler's arguments.
 */
public record AsoCall(NodeId key, byte[] code, byte[] state, String handler, String callerIp, int callerPort,
                      NodeId callerId, boolean replica, Map<String, byte[]> args) {
}
