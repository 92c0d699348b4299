package dev.comet.cli.chaos;

import java.util.List;

/**
 * A write the network acknowledged: a put that returned success with at least one replica stored. {@code key} is an
 * object's key, or an item's target in hex; {@code value} what a read must answer.
 */
public record Acked(Kind kind, String key, String value, List<String> storedOn, long atMillis) {
    /** An active object (with a Lua handler) or a BEP 44 item. */
    public enum Kind { OBJECT, ITEM }

    public Acked {
        storedOn = List.copyOf(storedOn);
    }
}
