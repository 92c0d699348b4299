package dev.comet.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Converts decoded bencode values (byte[], Long, List, Map) into JSON-ready Java values: byte strings as UTF-8 text. */
public final class BencodeToJson {
    private BencodeToJson() {
    }

    /** {@code v} with byte strings as text (invalid UTF-8 replaced), lists and dictionaries kept, numbers as they are. */
    public static Object convert(Object v) {
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(convert(x)));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), convert(x)));
            return out;
        }
        return v;
    }
}
