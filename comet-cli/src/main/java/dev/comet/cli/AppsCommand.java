package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.apps.ShippedApps;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code comet apps [NAME]}: the shipped applications (comet-apps), or one application's Lua code. */
@CommandLine.Command(name = "apps", mixinStandardHelpOptions = true,
        description = {"List the shipped applications (docs/apps/), or print the Lua code of one.",
                "Publish one with 'comet put KEY --app NAME'; its scenario runs with 'comet sim --scenario'."})
final class AppsCommand implements Callable<Integer> {
    @CommandLine.Parameters(paramLabel = "NAME", arity = "0..1", description = "Print this application's Lua code.")
    String name;

    @CommandLine.Option(names = "--json", description = "Print a JSON list.")
    boolean json;

    /** The shipped application {@code name}, or bad input naming the ones there are. */
    static ShippedApps.App app(String name) {
        return ShippedApps.named(name).orElseThrow(() -> new CometException(ErrorCode.BAD_INPUT,
                "no shipped application " + name + "; there are " + String.join(", ",
                        ShippedApps.all().stream().map(ShippedApps.App::name).toList())));
    }

    @Override
    public Integer call() {
        if (name != null) {
            System.out.print(app(name).code());
            return 0;
        }
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ShippedApps.App a : ShippedApps.all()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", a.name());
                m.put("application", a.application());
                m.put("customization", a.customization());
                m.put("lines", a.linesOfCode());
                m.put("paper_lines", a.paperLines());
                m.put("doc", "docs/apps/" + a.name() + ".md");
                out.add(m);
            }
            System.out.println(JsonPrinter.write(out));
            return 0;
        }
        System.out.printf("%-20s %-13s %-31s %s%n", "NAME", "APPLICATION", "CUSTOMIZATION", "LINES (PAPER)");
        for (ShippedApps.App a : ShippedApps.all()) {
            System.out.printf("%-20s %-13s %-31s %d (%s)%n", a.name(), a.application(), a.customization(),
                    a.linesOfCode(), a.paperLines() == 0 ? "-" : Integer.toString(a.paperLines()));
        }
        return 0;
    }
}
