package dev.comet.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** A BencodeMap behaves as a TreeMap of the same operations: same answers, same entries in the same order. */
class BencodeMapTest {

    /** One map operation: 0 put, 1 remove, 2 get, 3 remove through the iterator, 4 set a value through an entry. */
    record Op(int kind, String key, long value) {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        // few distinct keys, so that puts replace and removes hit
        Arbitrary<String> keys = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(2);
        return Combinators.combine(Arbitraries.integers().between(0, 4), keys, Arbitraries.longs())
                .as(Op::new).list().ofMaxSize(60);
    }

    @Property
    void answersAsATreeMapDoes(@ForAll("operations") List<Op> ops) {
        BencodeMap map = new BencodeMap();
        TreeMap<String, Object> expected = new TreeMap<>();
        for (Op op : ops) {
            switch (op.kind()) {
                case 0 -> assertThat(map.put(op.key(), op.value())).isEqualTo(expected.put(op.key(), op.value()));
                case 1 -> assertThat(map.remove(op.key())).isEqualTo(expected.remove(op.key()));
                case 2 -> assertThat(map.get(op.key())).isEqualTo(expected.get(op.key()));
                case 3 -> {
                    removeThroughIterator(map.entrySet().iterator(), op.key());
                    removeThroughIterator(expected.entrySet().iterator(), op.key());
                }
                default -> {
                    setThroughEntry(map, op.key(), op.value());
                    setThroughEntry(expected, op.key(), op.value());
                }
            }
            assertThat(map.size()).isEqualTo(expected.size());
            assertThat(map.containsKey(op.key())).isEqualTo(expected.containsKey(op.key()));
            assertThat(new ArrayList<>(map.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
            assertThat(map).isEqualTo(expected);
            assertThat(map.hashCode()).isEqualTo(expected.hashCode());
        }
    }

    @Property
    void encodesAsATreeMapDoes(@ForAll("operations") List<Op> ops) {
        BencodeMap map = new BencodeMap();
        TreeMap<String, Object> expected = new TreeMap<>();
        for (Op op : ops) {
            map.put(op.key(), op.value());
            expected.put(op.key(), op.value());
        }
        assertThat(Bencode.encode(map)).isEqualTo(Bencode.encode(expected));
    }

    @Test
    void aReadOnlyMapRefusesChanges() {
        BencodeMap map = new BencodeMap(Map.of("b", 2L, "a", 1L)).readOnly();
        assertThat(new ArrayList<>(map.keySet())).containsExactly("a", "b");
        assertThatThrownBy(() -> map.put("c", 3L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
        Iterator<Map.Entry<String, Object>> it = map.entrySet().iterator();
        it.next();
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(map).containsEntry("a", 1L).containsEntry("b", 2L).hasSize(2);
    }

    private static void removeThroughIterator(Iterator<Map.Entry<String, Object>> it, String key) {
        while (it.hasNext()) {
            if (it.next().getKey().compareTo(key) >= 0) {
                it.remove();
                return;
            }
        }
    }

    private static void setThroughEntry(Map<String, Object> map, String key, long value) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (e.getKey().compareTo(key) >= 0) {
                e.setValue(value);
                return;
            }
        }
    }
}
