package dev.comet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.cli.chaos.ChaosPlan;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #14's fault injection, CI-sized: six {@code comet node} processes, two killed with {@code kill -9} during a
 * put/get workload of objects and items (one restarted on its data directory), and not one acknowledged write lost.
 */
class ChaosTest {
    /** Chooses the victims and times; the run itself is not deterministic (a failure names the seed anyway). */
    private static final long SEED = 14;

    @Test
    void sixProcessesTwoKilledWithKillNineAndNoAcknowledgedWriteLost() throws Exception {
        CliRun run = CliRun.of("chaos", "--processes", "6", "--kill-fraction", "0.3", "--restart-fraction", "0.5",
                "--replicas", "3", "--seconds", "20", "--seed", Long.toString(SEED), "--json");
        String context = "seed " + SEED + "\n" + run.err() + "\n" + run.out();
        assertThat(run.exitCode()).as(context).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());

        // the kills really happened, during the workload, and SIGKILL it was (exit status 128 + 9)
        assertThat(report.get("killed").asInt()).as(context).isEqualTo(2);
        for (JsonNode kill : report.get("kills")) {
            assertThat(kill.get("exit_status").asInt()).as(context).isEqualTo(137);
            assertThat(kill.get("at_seconds").asDouble()).as(context).isBetween(0.0, 20.0);
        }
        assertThat(report.get("restarted").asInt()).as(context).isEqualTo(1);
        assertThat(report.get("restarts").get(0).get("same_id").asBoolean()).as(context).isTrue();

        // a meaningful workload was acknowledged, and all of it reads back
        assertThat(report.get("objects_acked").asInt()).as(context).isGreaterThanOrEqualTo(50);
        assertThat(report.get("items_acked").asInt()).as(context).isGreaterThanOrEqualTo(50);
        assertThat(report.get("gets_ok").asInt()).as(context).isGreaterThan(0);
        assertThat(report.get("objects_lost").asInt()).as(context).isZero();
        assertThat(report.get("items_lost").asInt()).as(context).isZero();

        // nothing is left behind: no node process, no data directory
        Matcher root = Pattern.compile("node processes in (\\S+)").matcher(run.err());
        assertThat(root.find()).as(context).isTrue();
        assertThat(Path.of(root.group(1))).doesNotExist();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> String.join(" ", p.info().arguments().orElse(new String[0])).contains(root.group(1))))
                .isEmpty();
    }

    @Test
    void theSeedAloneChoosesTheVictimsAndTimes() {
        ChaosPlan plan = ChaosPlan.of(SEED, 10, 3, 2, 60_000);
        assertThat(ChaosPlan.of(SEED, 10, 3, 2, 60_000)).isEqualTo(plan);
        assertThat(plan.victims()).hasSize(3).doesNotHaveDuplicates().allMatch(v -> v >= 0 && v < 10);
        assertThat(plan.restarted()).hasSize(2).isSubsetOf(plan.victims());
        for (ChaosPlan.Event e : plan.events()) {
            assertThat(e.atMillis()).isBetween(0L, 60_000L);
            if (e.restart()) {
                ChaosPlan.Event kill = plan.events().stream().filter(k -> !k.restart() && k.process() == e.process())
                        .findFirst().orElseThrow();
                assertThat(e.atMillis()).as("restarted after its kill").isGreaterThan(kill.atMillis());
            }
        }
        List<Long> times = plan.events().stream().map(ChaosPlan.Event::atMillis).toList();
        assertThat(times).isSorted();
        assertThat(ChaosPlan.of(SEED + 1, 10, 3, 2, 60_000)).isNotEqualTo(plan);
    }
}
