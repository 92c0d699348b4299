package dev.comet.apps;

import dev.comet.sim.Progress;
import dev.comet.sim.scenario.ScenarioReport;
import dev.comet.sim.scenario.ScenarioRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shipped application is proven by its scenario: the checks hold with its handlers and fail without them
 * (DESIGN.md §7). Each run prints its report and measurements, for the record of what each scenario costs.
 */
class AppScenariosTest {
    /** Every shipped application, or those {@code -Dcomet.apps=a,b} names (to run one scenario while working on it). */
    static List<String> apps() {
        List<String> only = List.of(System.getProperty("comet.apps", "").split(","));
        return ShippedApps.all().stream().map(ShippedApps.App::name)
                .filter(a -> only.equals(List.of("")) || only.contains(a)).toList();
    }

    /**
     * Nodes at most in a run without handlers: what the handlers do is missing at any size, and the 1,000-node day
     * of flexible-timeout took 2.5 minutes of the suite a second time for it.
     */
    private static final int NODES_WITHOUT_HANDLERS = 300;

    private static ScenarioReport run(String app, boolean withoutHandlers) throws Exception {
        Path file = Path.of(AppScenariosTest.class.getResource(ShippedApps.named(app).orElseThrow().scenarioResource()).toURI());
        ScenarioReport report = ScenarioRun.run(file, new ScenarioRun.Options(null, null,
                withoutHandlers ? NODES_WITHOUT_HANDLERS : null, withoutHandlers, Progress.NONE));
        System.out.print(report.text());
        System.out.println(app + (withoutHandlers ? " without handlers " : " ") + report.measurements());
        return report;
    }

    @ParameterizedTest
    @MethodSource("apps")
    void itsScenarioPassesWithItsHandlers(String app) throws Exception {
        ScenarioReport report = run(app, false);
        assertThat(report.passed()).as(report.text()).isTrue();
        assertThat(report.checks()).as(app).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("apps")
    void itsScenarioFailsWithoutItsHandlers(String app) throws Exception {
        ScenarioReport report = run(app, true);
        assertThat(report.passed()).as(report.text()).isFalse();
    }
}
