package dev.comet.client;

import java.util.List;
import java.util.Map;

/**
 * Where a write went: the key (null for an item), its 160-bit target in hex, the nodes ({@code ip:port}) that
 * stored it (for a delete: that deleted it), and each node that refused, with its error as people read it: the
 * catalogue code and the message ("330 onPut refused the object", "902 no node answered in time").
 */
public record WriteResult(String key, String target, List<String> stored, Map<String, String> refused) {
    public WriteResult {
        stored = List.copyOf(stored);
        refused = Map.copyOf(refused);
    }
}
