package dev.comet.krpc;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.BencodeMap;
import dev.comet.id.NodeId;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A decoded bencode dictionary with typed, checked accessors: a wrong or missing field is a
 * {@link ErrorCode#PROTOCOL} error naming the field, never a ClassCastException.
 */
public record Dict(Map<String, Object> map) {
    public Dict {
        // a decoded or built dictionary is frozen and shared: wrapping it would hide its order from the encoder
        map = map instanceof BencodeMap own ? own.readOnly() : Collections.unmodifiableMap(map);
    }

    public static Dict of(Map<String, Object> map) {
        return new Dict(map);
    }

    /** A small builder that keeps keys sorted, as canonical bencode wants. */
    public static Builder builder() {
        return new Builder();
    }

    public boolean has(String key) {
        return map.containsKey(key);
    }

    public byte[] bytes(String key) {
        Object v = map.get(key);
        if (v instanceof byte[] b) {
            return b;
        }
        throw missing(key, "a string");
    }

    public byte[] optionalBytes(String key) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof byte[] b) {
            return b;
        }
        throw missing(key, "a string");
    }

    public String string(String key) {
        return new String(bytes(key), StandardCharsets.UTF_8);
    }

    public NodeId id(String key) {
        byte[] b = bytes(key);
        if (b.length != NodeId.BYTES) {
            throw new CometException(ErrorCode.PROTOCOL, "'" + key + "' must be a 20-byte id, got " + b.length + " bytes");
        }
        return NodeId.fromBytes(b);
    }

    public long integer(String key) {
        Object v = map.get(key);
        if (v instanceof Long l) {
            return l;
        }
        throw missing(key, "an integer");
    }

    public long optionalInteger(String key, long fallback) {
        return map.containsKey(key) ? integer(key) : fallback;
    }

    public List<?> list(String key) {
        Object v = map.get(key);
        if (v instanceof List<?> l) {
            return l;
        }
        throw missing(key, "a list");
    }

    @SuppressWarnings("unchecked")
    public Dict dict(String key) {
        Object v = map.get(key);
        if (v instanceof Map<?, ?> m) {
            return new Dict((Map<String, Object>) m);
        }
        throw missing(key, "a dictionary");
    }

    private static CometException missing(String key, String what) {
        return new CometException(ErrorCode.PROTOCOL, "'" + key + "' must be " + what);
    }

    /**
     * Builds the sorted map of a message body. A built Dict keeps the builder's map, frozen; a put after that goes
     * to a copy, so a builder can go on (a query with one more argument) without changing what it built.
     */
    public static final class Builder {
        private BencodeMap map = new BencodeMap(6);
        /** Whether {@link #build} handed {@code map} over. */
        private boolean built;

        /** Adds {@code value} (nothing when null); a node id given as an Object goes on the wire as its 20 bytes. */
        public Builder put(String key, Object value) {
            if (value instanceof NodeId id) {
                // without this, a map of arguments holding a NodeId failed only when the query was encoded, inside
                // the node's own handling, and the query was never sent
                writable().put(key, id.toBytes());
            } else if (value != null) {
                writable().put(key, value);
            }
            return this;
        }

        private BencodeMap writable() {
            if (built) {
                map = new BencodeMap(map);
                built = false;
            }
            return map;
        }

        public Builder put(String key, NodeId id) {
            return put(key, (Object) id.toBytes());
        }

        public Builder put(String key, long value) {
            return put(key, (Object) value);
        }

        public Dict build() {
            built = true;
            return new Dict(map);
        }
    }
}
