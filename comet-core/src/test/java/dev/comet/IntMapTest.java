package dev.comet;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IntMap answers as a HashMap would, through growth and deletions that shift probe chains. */
class IntMapTest {
    @Test
    void agreesWithAHashMapOverRandomOperations() {
        for (int seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            IntMap<Integer> map = new IntMap<>();
            Map<Integer, Integer> model = new HashMap<>();
            int keySpace = seed % 2 == 0 ? 64 : 65_536; // dense collisions, and a transaction id's range
            for (int step = 0; step < 20_000; step++) {
                int key = random.nextInt(keySpace);
                int op = random.nextInt(10);
                if (op < 5) {
                    map.put(key, step);
                    model.put(key, step);
                } else if (op < 8) {
                    assertThat(map.remove(key)).as("seed %d step %d", seed, step).isEqualTo(model.remove(key));
                } else {
                    assertThat(map.get(key)).as("seed %d step %d", seed, step).isEqualTo(model.get(key));
                    assertThat(map.containsKey(key)).isEqualTo(model.containsKey(key));
                }
                assertThat(map.size()).isEqualTo(model.size());
            }
            for (Map.Entry<Integer, Integer> e : model.entrySet()) {
                assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(map.values()).containsExactlyInAnyOrderElementsOf(model.values());
            map.clear();
            assertThat(map.size()).isZero();
            assertThat(map.get(random.nextInt(keySpace))).isNull();
        }
    }

    @Test
    void refusesNegativeKeysAndNullValues() {
        IntMap<String> map = new IntMap<>();
        assertThatThrownBy(() -> map.put(-1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> map.put(1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(map.get(-1)).isNull();
        assertThat(map.remove(-5)).isNull();
    }
}
