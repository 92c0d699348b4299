package dev.comet.core;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.aso.HandlerLimits;
import dev.comet.aso.ObjectConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The settings builders: they start from the documented defaults or from a given record, change only what they
 * are told, check what they build as the records do, and offer a setter for every field.
 */
class NodeConfigBuilderTest {
    @Test
    void aBuilderStartsFromTheDefaults() {
        assertThat(NodeConfig.builder().build()).isEqualTo(NodeConfig.defaults());
        assertThat(ObjectConfig.builder().build()).isEqualTo(ObjectConfig.defaults());
        assertThat(HandlerLimits.builder().build()).isEqualTo(HandlerLimits.defaults());
    }

    @Test
    void toBuilderChangesOnlyTheFieldsItIsTold() {
        NodeConfig base = NodeConfig.defaults().withStoreQuota(3, 1 << 20);
        NodeConfig changed = base.toBuilder().k(20).requestTimeoutMillis(2_000).build();
        assertThat(changed.k()).isEqualTo(20);
        assertThat(changed.requestTimeoutMillis()).isEqualTo(2_000);
        assertThat(changed.toBuilder().k(base.k()).requestTimeoutMillis(base.requestTimeoutMillis()).build())
                .as("every other field kept").isEqualTo(base);
        assertThat(base.toBuilder().build()).isEqualTo(base);

        HandlerLimits limits = HandlerLimits.defaults().toBuilder().codeBytes(2 << 10).build();
        assertThat(limits).isEqualTo(new HandlerLimits(1_000_000, 4L << 20, 100, 200, 1 << 20, 16 << 10, 2 << 10, 8, 10));
        ObjectConfig objects = ObjectConfig.builder().limits(limits).maxTimers(3).build();
        assertThat(objects).isEqualTo(ObjectConfig.defaults().withLimits(limits).withMaxTimers(3));
    }

    @Test
    void buildChecksLikeTheRecord() {
        assertThatThrownBy(() -> NodeConfig.builder().k(0).build()).isInstanceOfSatisfying(CometException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT)).hasMessage("k must be positive, got 0");
        assertThatThrownBy(() -> ObjectConfig.builder().replicas(21).build()).isInstanceOf(CometException.class);
        assertThatThrownBy(() -> HandlerLimits.builder().callDepth(0).build()).isInstanceOf(CometException.class);
    }

    @Test
    void everyFieldHasASetter() {
        assertSetters(NodeConfig.class, NodeConfig.Builder.class);
        assertSetters(ObjectConfig.class, ObjectConfig.Builder.class);
        assertSetters(HandlerLimits.class, HandlerLimits.Builder.class);
    }

    /** A field added to a record without its setter would leave callers copying the record by hand again. */
    private static void assertSetters(Class<?> record, Class<?> builder) {
        for (RecordComponent c : record.getRecordComponents()) {
            assertThat(Arrays.stream(builder.getMethods()).filter(m -> m.getName().equals(c.getName())))
                    .as("%s.Builder.%s(%s)", record.getSimpleName(), c.getName(), c.getType().getSimpleName())
                    .anySatisfy((Method m) -> {
                        assertThat(m.getParameterTypes()).containsExactly(c.getType());
                        assertThat(m.getReturnType()).isEqualTo(builder);
                    });
        }
    }
}
