package dev.comet.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's contract: --help everywhere, exit 0 on success, a one-line error and exit 2 on bad input. */
class CommandLineTest {
    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void everyCommandHasHelpListingTheExitCodes() {
        for (String command : new String[] {"node", "cluster", "sim", "item", "item put", "item get", "keygen", "bench", "bench rpc", "bench items", "bench compare",
                "check", "put", "get", "delete", "demo", "update", "versions", "state", "log", "apps", "chaos"}) {
            String[] args = (command + " --help").split(" ");
            CliRun r = run(args);
            assertThat(r.exitCode()).as(command).isZero();
            assertThat(r.out()).as(command).contains("Usage: comet " + command).contains("Exit codes:");
            for (ExitStatus s : ExitStatus.values()) {
                assertThat(r.out()).as(command).containsPattern("(?m)^\\s+" + s.code() + "\\s+" + java.util.regex.Pattern.quote(s.description()));
            }
        }
    }

    @Test
    void simHelpListsTheScenarioOptions() {
        CliRun r = run("sim", "--help");
        assertThat(r.out()).contains("--scenario=FILE").contains("--out=DIR").contains("--without-handlers")
                .contains("--progress").contains("docs/scenarios.md");
    }

    @Test
    void appsListsTheShippedApplicationsAndPrintsTheCodeOfOne() {
        CliRun list = run("apps");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("popularity").contains("secure-replication").contains("pubsub")
                .contains("password-based access");
        CliRun code = run("apps", "password");
        assertThat(code.exitCode()).isZero();
        assertThat(code.out()).contains("function onGet(caller, args)");
        CliRun unknown = run("apps", "nosuch");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no shipped application nosuch; there are popularity");
        assertThat(run("put", "k", "--app", "nosuch", "--node", "127.0.0.1:1").err())
                .contains("no shipped application nosuch");
    }

    @Test
    void unknownOptionIsAClearErrorWithExitCode2() {
        CliRun r = run("sim", "--frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--frobnicate'").doesNotContain("Exception");
    }

    @Test
    void invalidValuesAreClearErrorsWithoutStackTraces() {
        CliRun loss = run("sim", "--nodes", "10", "--loss", "1.5");
        assertThat(loss.exitCode()).isEqualTo(2);
        assertThat(loss.err()).contains("--loss must be in [0, 1)").doesNotContain("\tat ");

        CliRun nodes = run("sim", "--nodes", "abc");
        assertThat(nodes.exitCode()).isEqualTo(2);
        assertThat(nodes.err()).contains("--nodes").doesNotContain("\tat ");

        CliRun fraction = run("sim", "--nodes", "10", "--comet-fraction", "0");
        assertThat(fraction.exitCode()).isEqualTo(2);
        assertThat(fraction.err()).contains("--comet-fraction must be in (0, 1]").doesNotContain("\tat ");

        CliRun none = run("sim", "--nodes", "50", "--comet-fraction", "0.001", "--minority-objects", "1");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("the network has no live Comet node").doesNotContain("\tat ");

        CliRun two = run("sim", "--nodes", "10", "--items", "2", "--minority-objects", "2");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("give one of --items, --objects and --minority-objects");

        CliRun threads = run("sim", "--nodes", "10", "--threads", "0");
        assertThat(threads.exitCode()).isEqualTo(2);
        assertThat(threads.err()).contains("--threads must be 1 to 8, got 0").doesNotContain("\tat ");

        CliRun readers = run("sim", "--nodes", "10", "--minority-readers", "5");
        assertThat(readers.exitCode()).isEqualTo(2);
        assertThat(readers.err()).contains("--minority-readers and --minority-hold go with --minority-objects N");

        CliRun bootstrap = run("node", "--data-dir", "/tmp/comet-cli-test-unused", "--port", "0", "--bootstrap", "nohostport");
        assertThat(bootstrap.exitCode()).isEqualTo(2);
        assertThat(bootstrap.err()).contains("expected HOST:PORT").doesNotContain("\tat ");

        CliRun port = run("node", "--data-dir", "/tmp/comet-cli-test-unused", "--port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be 0 to 65535");

        CliRun bind6 = run("node", "--data-dir", "/tmp/comet-cli-test-unused", "--port", "0", "--bind6", "127.0.0.1");
        assertThat(bind6.exitCode()).isEqualTo(2);
        assertThat(bind6.err()).contains("--bind6 needs an IPv6 address").doesNotContain("\tat ");
    }

    @Test
    void chaosRefusesBadValuesBeforeStartingAnyProcess() {
        String[][] cases = {
                {"--processes", "1"}, {"--processes must be at least 2, got 1"},
                {"--kill-fraction", "1"}, {"--kill-fraction must be in [0, 1), got 1.0"},
                {"--kill-fraction", "-0.1"}, {"--kill-fraction must be in [0, 1)"},
                {"--kill-fraction", "NaN"}, {"--kill-fraction must be in [0, 1)"},
                {"--processes", "2", "--kill-fraction", "0.9"}, {"kills all 2 processes; keep one alive"},
                {"--restart-fraction", "1.5"}, {"--restart-fraction must be in [0, 1], got 1.5"},
                {"--replicas", "0"}, {"--replicas must be 1 to 20, got 0"},
                {"--replicas", "21"}, {"--replicas must be 1 to 20, got 21"},
                {"--seconds", "2"}, {"--seconds must be at least 5, got 2"},
                {"--clients", "0"}, {"--clients must be 1 to 64, got 0"},
                {"--seed", "abc"}, {"--seed"},
                {"--processes", "ten"}, {"--processes"},
                {"--set", "nosuch=1"}, {"unknown setting 'nosuch' in --set"},
                {"--set", "k=0"}, {"k must be"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            String[] args = new String[cases[i].length + 1];
            args[0] = "chaos";
            System.arraycopy(cases[i], 0, args, 1, cases[i].length);
            CliRun r = run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(ExitStatus.BAD_INPUT.code());
            assertThat(r.err()).as(String.join(" ", args)).startsWith("comet: ").contains(cases[i + 1][0])
                    .doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(r.out()).as(String.join(" ", args)).isEmpty();
        }
        CliRun help = run("chaos", "--help");
        assertThat(help.out()).contains("--kill-fraction").contains("--restart-fraction").contains("--seed")
                .contains("docs/chaos.md").contains("11");
    }

    @Test
    void simPrintsOneJsonObjectWithTheDocumentedFields() {
        CliRun r = run("sim", "--nodes", "50", "--lookups", "20", "--seed", "3", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().trim()).startsWith("{").endsWith("}");
        for (String field : new String[] {"nodes", "lookups", "success_rate", "mean_overlap", "hops_median", "hops_p95",
                "messages_per_lookup", "latency_ms_median", "latency_ms_p99", "wall_seconds", "cpu_seconds", "gc_seconds",
                "peak_heap_mb", "seed"}) {
            assertThat(r.out()).contains("\"" + field + "\"");
        }
    }

    @Test
    void simGivesTheSameReportOnOneThreadAndOnTwo() {
        CliRun one = run("sim", "--nodes", "60", "--lookups", "20", "--seed", "5", "--churn-mean-session", "600",
                "--json", "--threads", "1");
        CliRun two = run("sim", "--nodes", "60", "--lookups", "20", "--seed", "5", "--churn-mean-session", "600",
                "--json", "--threads", "2");
        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(two.exitCode()).as(two.err()).isZero();
        assertThat(withoutCosts(two.out())).isEqualTo(withoutCosts(one.out())).contains("\"datagrams\"");
    }

    /** A JSON report without the lines of the fields that measure the run, which differ between runs. */
    private static String withoutCosts(String json) {
        return json.lines().filter(l -> dev.comet.sim.RunCost.MEASURED_FIELDS.stream()
                        .noneMatch(field -> l.contains("\"" + field + "\"")))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    @Test
    void simRunsCometAsAMinorityAmongForeignMainlineNodes() {
        CliRun r = run("sim", "--nodes", "300", "--comet-fraction", "0.1", "--minority-objects", "5", "--seed", "2",
                "--minority-readers", "10", "--minority-hold", "3900", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String field : new String[] {"comet_nodes", "objects_on_all_true_closest", "reads_found",
                "datagrams_per_read", "hops_per_read", "lookup_requests_per_read", "messages_per_replication_round",
                "replication_messages_per_object_hour", "objects_held_per_comet_node_max", "timer_runs_ideal"}) {
            assertThat(r.out()).contains("\"" + field + "\"");
        }
        assertThat(r.out()).contains("\"comet_fraction\" : 0.1").contains("\"puts_acknowledged\" : 5")
                .contains("\"reads\" : 50").contains("\"hold_seconds\" : 3900");
    }

    @Test
    void clusterSelfTestPrintsJsonAndExitsZero() {
        CliRun r = run("cluster", "--nodes", "8", "--selftest", "--lookups", "30", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"success_rate\" : 1.0").contains("\"nodes\" : 8");
    }

    @Test
    void benchWritesItsJsonResult(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path out = tmp.resolve("results/items.json");
        // --warmup-seconds 0: the warm-up stops after its 20 pairs, whether or not the JIT has settled
        CliRun r = run("bench", "items", "--nodes", "5", "--ops", "10", "--warmup", "20", "--warmup-seconds", "0",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        String written = java.nio.file.Files.readString(out);
        assertThat(written).contains("\"put_us_median\"").contains("\"get_us_p99\"").contains("\"gets_found\" : 10")
                .contains("\"warmup_pairs\" : 20").contains("\"warmup_batch\" : 20")
                .contains("\"warmup_one_at_a_time\" : 4").contains("\"warmup_jit_settled\"");
        CliRun store = run("bench", "store", "--records", "1000");
        assertThat(store.exitCode()).as(store.err()).isZero();
        assertThat(store.out()).contains("\"records_per_second\"");
    }
}
