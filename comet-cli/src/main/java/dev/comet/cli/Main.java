package dev.comet.cli;

import dev.comet.CometException;
import picocli.CommandLine;

/** Entry point of {@code bin/comet}: dispatches to the subcommands and maps errors to exit codes once. */
@CommandLine.Command(name = "comet", mixinStandardHelpOptions = true, version = "comet 0.1.0",
        description = "Comet: an active distributed key-value store on a Mainline-compatible Kademlia DHT.",
        subcommands = {DemoCommand.class, NodeCommand.class, ClusterCommand.class, SimCommand.class, ItemCommand.class, KeygenCommand.class, BenchCommand.class, CheckCommand.class, ObjectCommands.Put.class, ObjectCommands.Get.class, ObjectCommands.Delete.class})
public final class Main implements Runnable {
    /** Exit code for bad input (wrong arguments, invalid values). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for a failure while running (network, data directory, a check that did not pass). */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Logs at INFO instead of the quiet default (WARN); COMET_LOG_LEVEL=DEBUG shows everything. */
    @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Log what the node does (INFO); quiet by default.")
    void verbose(boolean on) {
        if (on) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, never throwing. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CometException ce) {
                commandLine.getErr().println("comet: " + ce.getMessage());
                return ce.code().kind() == dev.comet.ErrorCode.Kind.BAD_INPUT ? EXIT_BAD_INPUT : EXIT_FAILURE;
            }
            commandLine.getErr().println("comet: unexpected error: " + e);
            return EXIT_FAILURE;
        });
        cli.setParameterExceptionHandler((e, parsed) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("comet: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return EXIT_BAD_INPUT;
        });
        return cli.execute(args);
    }
}
