package dev.comet.cli;

import dev.comet.sim.scenario.ScenarioReport;
import dev.comet.sim.scenario.SvgChart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Writes what {@code sim --scenario --out DIR} leaves: report.json, report.txt and one SVG chart per series. Stateless. */
final class ScenarioFiles {
    private ScenarioFiles() {
    }

    static void write(Path dir, ScenarioReport report, String json) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), json + "\n");
        Files.writeString(dir.resolve("report.txt"), report.text() + report.measurements() + "\n");
        Set<String> used = new HashSet<>();
        for (ScenarioReport.SeriesResult s : report.series()) {
            String base = fileName(s.name());
            String name = base;
            for (int i = 2; !used.add(name); i++) {
                name = base + "-" + i;
            }
            Files.writeString(dir.resolve(name + ".svg"), SvgChart.of(s.name(), s.points()));
        }
    }

    /** A series name as a file name: lower case letters, digits and dashes. */
    static String fileName(String series) {
        String f = series.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return f.isEmpty() ? "series" : f;
    }
}
