package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.NodeConfig;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A {@link NodeConfig} from three layers, each overriding the one before: a properties file ({@code --config}),
 * environment variables ({@code COMET_} and the key in upper snake case: {@code maxStoreBytes} →
 * {@code COMET_MAX_STORE_BYTES}) and flags ({@code --set key=value}). Keys are NodeConfig's fields, found by
 * reflection so a new field is configurable (and must be documented in docs/operations.md) at once.
 */
final class NodeSettings {
    private NodeSettings() {
    }

    /** The defaults overridden by {@code file} (may be null), then {@code env}, then {@code flags}. */
    static NodeConfig resolve(Path file, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            readFile(file).forEach((k, v) -> values.put(checked(k, "in " + file), v));
        }
        for (String key : keys().keySet()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv);
            }
        }
        flags.forEach((k, v) -> values.put(checked(k, "in --set"), v));
        return build(values);
    }

    /**
     * Every key with its default, in the record's order. A field that is itself a record (the object settings and
     * their handler limits) contributes its fields under dotted keys: {@code objects.limits.instructions}.
     */
    static Map<String, Object> keys() {
        Map<String, Object> out = new LinkedHashMap<>();
        collect("", NodeConfig.defaults(), out);
        return out;
    }

    private static void collect(String prefix, Record value, Map<String, Object> out) {
        for (RecordComponent c : value.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the settings records' accessors are public", e);
            }
            if (v instanceof Record nested) {
                collect(prefix + c.getName() + ".", nested, out);
            } else {
                out.put(prefix + c.getName(), v);
            }
        }
    }

    /** {@code maxStoreBytes} → {@code COMET_MAX_STORE_BYTES}; {@code objects.maxTimers} → {@code COMET_OBJECTS_MAX_TIMERS}. */
    static String envName(String key) {
        return "COMET_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static NodeConfig build(Map<String, String> values) {
        return (NodeConfig) build("", NodeConfig.class, values, keys());
    }

    private static Record build(String prefix, Class<?> type, Map<String, String> values, Map<String, Object> defaults) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = prefix + components[i].getName();
            types[i] = components[i].getType();
            if (types[i].isRecord()) {
                args[i] = build(name + ".", types[i], values, defaults);
                continue;
            }
            String given = values.get(name);
            args[i] = given == null ? defaults.get(name) : parse(name, types[i], given.trim());
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            return (Record) canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof CometException ce) {
                throw ce; // the record's own check: "k must be positive, got 0"
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the settings records have public canonical constructors", e);
        }
    }

    private static Object parse(String name, Class<?> type, String text) {
        try {
            if (type == int.class) {
                return Integer.parseInt(text.replace("_", ""));
            }
            if (type == long.class) {
                return Long.parseLong(text.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            throw new CometException(ErrorCode.BAD_INPUT, name + " must be a whole number, got '" + text + "'");
        }
        if (type == double.class) {
            try {
                double d = Double.parseDouble(text);
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // answered below, as a non-finite number is
            }
            throw new CometException(ErrorCode.BAD_INPUT, name + " must be a number, got '" + text + "'");
        }
        if (type == String.class) {
            return text;
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
                    return constant;
                }
            }
            throw new CometException(ErrorCode.BAD_INPUT, name + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()) + ", got '" + text + "'");
        }
        if (type == boolean.class) {
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new CometException(ErrorCode.BAD_INPUT, name + " must be true or false, got '" + text + "'");
        }
        throw new IllegalStateException("NodeConfig field " + name + " has a type settings cannot parse: " + type);
    }

    private static String checked(String key, String where) {
        if (!keys().containsKey(key)) {
            throw new CometException(ErrorCode.BAD_INPUT, "unknown setting '" + key + "' " + where
                    + "; known: " + String.join(", ", new TreeMap<>(keys()).keySet()));
        }
        return key;
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new CometException(ErrorCode.BAD_INPUT, "cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }
}
