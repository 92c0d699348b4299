package dev.comet.sim.scenario;

import dev.comet.sim.Progress;
import dev.comet.testing.RepositoryFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak of issue #14, on demand ({@code mvn -B -Psoak -pl comet-sim -am verify}): {@code examples/soak.scenario.lua}
 * on 10,000 nodes with churn for 24 virtual hours ({@code -Dcomet.soak.nodes=N} for a smaller network). It passes
 * when every check of the scenario holds (99.9 % of the gets found their object, every object is readable after a
 * day) and the heap left after a collection at the last virtual hour is within 10 % of the heap at the first:
 * nothing piles up.
 */
@Tag("soak")
class SoakTest {
    static Path soakScenario() {
        return RepositoryFiles.path("examples/soak.scenario.lua");
    }

    @Test
    void aDayOfChurnAndSteadyWorkLosesNothingAndTheHeapDoesNotGrow() {
        Integer nodes = Integer.getInteger("comet.soak.nodes");
        Long seed = Long.getLong("comet.sim.seed");
        ScenarioReport r = ScenarioRun.run(soakScenario(),
                new ScenarioRun.Options(seed, nodes, null, false, Progress.NONE));
        System.out.println(r.text());
        System.out.println(r.measurements());
        assertThat(r.passed()).as("seed %d, %d nodes: every check", r.seed(), r.nodes()).isTrue();
        List<Long> heap = r.heapByHourMb();
        assertThat(heap).as("the heap after a collection at each virtual hour").hasSizeGreaterThanOrEqualTo(24);
        assertThat((double) heap.get(heap.size() - 1)).as("seed %d, %d nodes: heap at hour %d against hour 1, %s",
                r.seed(), r.nodes(), heap.size(), heap).isLessThanOrEqualTo(1.10 * heap.get(0));
    }
}
