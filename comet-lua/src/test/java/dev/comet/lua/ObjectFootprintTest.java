package dev.comet.lua;

import dev.comet.aso.HandlerLimits;
import dev.comet.testing.Heap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache bound and the object memory budget count loaded objects by {@link ObjectFootprint}'s estimate: it
 * must not be below what a loaded object really keeps, for small and for large code and state.
 */
class ObjectFootprintTest {
    private static final int OBJECTS = 400;
    /** Loads must not stop on the wall time of a busy machine: they are measured, not limited, here. */
    private static final HandlerLimits LIMITS = HandlerLimits.defaults().withWallMillis(60_000);
    private static final AsoContext CONTEXT = new AsoContext("127.0.0.1", "00".repeat(20), "k", () -> 0L);

    @Test
    void theEstimateIsAnUpperBoundOfWhatALoadedObjectKeeps() throws Exception {
        StringBuilder big = new StringBuilder("aso.items = {}\nfor i = 1, 300 do aso.items[i] = 'item ' .. i end\n");
        for (int i = 0; big.length() < 12_000; i++) {
            big.append("function f").append(i).append("(a, b) local t = {a, b, 'c").append(i).append("'} return #t + a * b end\n");
        }
        for (String code : List.of("aso.value = 'Hello world!' aso.getCount = 0 "
                + "function onGet() self.getCount = self.getCount + 1 return {self.value, self.getCount} end",
                big.toString())) {
            try (SandboxPool pool = new SandboxPool(1, 10)) {
                // heap readings take many collections: a backstop well past them
                long[] measured = pool.submit("k", 600_000, sb -> {
                    List<AsoInstance> kept = new ArrayList<>();
                    sb.load(code, "object", null, CONTEXT, LIMITS); // classes and JIT warm
                    long before = Heap.settledBaseline();
                    for (int i = 0; i < OBJECTS; i++) {
                        kept.add(sb.load(code, "object", null, CONTEXT, LIMITS));
                    }
                    long after = Heap.settledBaseline();
                    return new long[] {(after - before) / OBJECTS, kept.get(0).savedState.length, kept.size()};
                }).get(600, TimeUnit.SECONDS);
                long estimate = ObjectFootprint.of(code.length(), (int) measured[1]);
                System.out.printf("object footprint: %d bytes of code, %d of state: measured %d bytes, estimated %d%n",
                        code.length(), measured[1], measured[0], estimate);
                assertThat(estimate).isGreaterThanOrEqualTo(measured[0]);
            }
        }
    }
}
