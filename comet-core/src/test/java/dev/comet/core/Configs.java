package dev.comet.core;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Node settings for tests: {@link NodeConfig#defaults()} with some components changed by name. */
final class Configs {
    private Configs() {
    }

    /**
     * {@code base} with the components named in {@code namesAndValues} (name, value, name, value, …) replaced; an
     * unknown name fails, so a renamed setting cannot silently stop mattering.
     */
    static NodeConfig with(NodeConfig base, Object... namesAndValues) {
        Map<String, Object> overrides = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            overrides.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        try {
            RecordComponent[] components = NodeConfig.class.getRecordComponents();
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                String name = components[i].getName();
                values[i] = overrides.containsKey(name) ? overrides.remove(name) : components[i].getAccessor().invoke(base);
            }
            if (!overrides.isEmpty()) {
                throw new IllegalArgumentException("NodeConfig has no setting " + overrides.keySet());
            }
            Constructor<NodeConfig> canonical = NodeConfig.class.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return canonical.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static NodeConfig defaultsWith(Object... namesAndValues) {
        return with(NodeConfig.defaults(), namesAndValues);
    }
}
