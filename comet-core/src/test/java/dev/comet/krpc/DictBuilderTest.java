package dev.comet.krpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A builder goes on after build without changing what it built, and a built Dict cannot be changed. */
class DictBuilderTest {

    @Test
    void aPutAfterBuildLeavesTheBuiltDictAsItWas() {
        Dict.Builder builder = Dict.builder().put("target", new byte[] {1}).put("id", new byte[] {2});
        Dict first = builder.build();
        Dict second = builder.put("want", 4L).build();
        Dict third = builder.put("a", 5L).build();

        assertThat(new ArrayList<>(first.map().keySet())).containsExactly("id", "target");
        assertThat(new ArrayList<>(second.map().keySet())).containsExactly("id", "target", "want");
        assertThat(new ArrayList<>(third.map().keySet())).containsExactly("a", "id", "target", "want");
        assertThat(second.integer("want")).isEqualTo(4L);
    }

    @Test
    void aBuiltDictCannotBeChanged() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) (Map<?, ?>) Dict.builder().put("id", 1L).build().map();
        assertThatThrownBy(() -> map.put("x", 2L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.remove("id")).isInstanceOf(UnsupportedOperationException.class);
    }
}
